"""Open the window at a size that fits its screen; reopen it where it was only if that place is still on screen.

A laptop at 1366×768 (or 1920×1080 at 150 %, 1280×720 in Qt's units) leaves little height once the taskbar and
the title bar are counted, so the window's preferred size is capped by the screen's free area, and a geometry saved
on a bigger monitor that is gone now is not restored off screen.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

PREFERRED_WIDTH = 1280
PREFERRED_HEIGHT = 880
# The window manager's title bar and borders are outside the widget's geometry; leave room for them.
FRAME_ALLOWANCE = 32
MARGIN = 8
GEOMETRY_KEY = "window/geometry"


def _screen_for(window: QWidget) -> QScreen:
    return window.screen() or QGuiApplication.primaryScreen()


def fitting_rect(available: QRect) -> QRect:
    """The window's geometry (without frame) that fits `available`, centred in it."""
    width = min(PREFERRED_WIDTH, available.width() - 2 * MARGIN)
    height = min(PREFERRED_HEIGHT, available.height() - FRAME_ALLOWANCE - MARGIN)
    x = available.x() + (available.width() - width) // 2
    y = available.y() + FRAME_ALLOWANCE + (available.height() - FRAME_ALLOWANCE - height) // 2
    return QRect(x, y, width, height)


def on_some_screen(rect: QRect) -> bool:
    """True when the whole window (with room for its title bar) lies on one screen's free area."""
    with_frame = rect.adjusted(0, -FRAME_ALLOWANCE, 0, 0)
    return any(screen.availableGeometry().contains(with_frame) for screen in QGuiApplication.screens())


def place(window: QWidget, settings: QSettings, restore: bool = True) -> None:
    """Size and place the window before it is shown."""
    saved = settings.value(GEOMETRY_KEY)
    restored = restore and isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved)
    if restored and (window.isMaximized() or on_some_screen(window.geometry())):
        return  # (maximized fits whatever screen it is on)
    window.setGeometry(fitting_rect(_screen_for(window).availableGeometry()))


def remember(window: QWidget, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
