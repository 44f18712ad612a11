"""One app-wide rule: the mouse wheel over an input the clerk has not focused scrolls, it never changes a value.

Without it, scrolling a long form with the wheel changes whatever drop-down, spin box or date field passes under
the pointer (PayFabric's Status went from "—" to "Complete" and was sent). The rule is given by the application's
style, which Qt asks to polish every widget before it is shown: each drop-down, spin box, date field and slider gets
an event filter of its own there, so it covers every form, line table, dialog and any input added later, with no code
per widget. (It was an event filter on the QApplication: Python was then called for every event of every widget, each
call waiting for Python's GIL while a worker held it — most of the window's stalls while files were dropped.)

The app installs the rule after its window's first paint, before the provider's page is built; setting the style
polishes the inputs built before it (the environment drop-down) again, with the rule: no wheel reaches a window
before it is on screen, and the rule is not free. For each widget it polishes PySide6 finds the widget's Python
class, and for Qt's private classes (a drop-down's popup) that means creating every class and enum of QtCore, QtGui
and QtWidgets at once: ~20 ms the first frame does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)
from shiboken6 import isValid

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyle

# Inputs whose value the wheel would change (QDateEdit, QTimeEdit and QDoubleSpinBox are QAbstractSpinBoxes).
VALUE_INPUTS = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def _is_value_input(obj: QObject) -> bool:
    # A scroll bar is a slider too, but scrolling is what its wheel is for.
    return isinstance(obj, VALUE_INPUTS) and not isinstance(obj, QScrollBar)


def _focus_by_click_or_tab(widget: QWidget) -> None:
    # Qt focuses a WheelFocus widget (spin boxes, by default) before the wheel event reaches any filter, which would
    # make an unchosen input look chosen: only a click or Tab focuses an input.
    if widget.focusPolicy() == QtCore.Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)


class WheelGuard(QObject):
    """The event filter of each value input: a wheel over it, unfocused, scrolls what encloses it instead."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and _is_value_input(watched):
            assert isinstance(watched, QWidget)
            if not watched.hasFocus():
                scroll_area = _enclosing_scroll_area(watched)
                if scroll_area is not None:
                    QApplication.sendEvent(scroll_area.viewport(), event)
                return True  # the input never sees it
        return False


def _guarding_style(base_style: str, guard: WheelGuard) -> QStyle:
    """The application's style, unchanged (everything is its base style's), that gives each value input the rule as
    Qt polishes it. Qt polishes a widget with a style sheet through the application's style too. The class is made
    here, at the first install (after the first paint): subclassing QProxyStyle creates QStyle's Python enums (~5 ms)
    the first frame does not need."""
    from PySide6.QtWidgets import QProxyStyle

    class GuardingStyle(QProxyStyle):
        def polish(self, target: QWidget | QApplication | QPalette) -> None:  # type: ignore[override]
            if isinstance(target, QWidget) and _is_value_input(target):
                _focus_by_click_or_tab(target)
                target.installEventFilter(guard)  # once: installing it again only moves it first
            return super().polish(target)

    return GuardingStyle(base_style)


def _enclosing_scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


_installed: WheelGuard | None = None


def install_wheel_guard(app: QApplication, built_before: QWidget | None = None) -> WheelGuard:
    """Install the rule once on `app` (calling again returns the installed guard). `built_before`: a widget whose
    inputs were polished before the guard existed; they are given the rule now (setting the style polishes every
    widget again, but a widget not yet polished is not, and the rule must not wait for it to be shown)."""
    global _installed
    # Not app.findChild(WheelGuard): that gives every child of the application a Python class first.
    guard = _installed
    if guard is None or not isValid(guard) or guard.parent() is not app:
        guard = _installed = WheelGuard(app)
        app.setStyle(_guarding_style(app.style().name(), guard))
    if built_before is not None:
        for kind in VALUE_INPUTS:
            for widget in built_before.findChildren(kind):
                if _is_value_input(widget):
                    _focus_by_click_or_tab(widget)
                    widget.installEventFilter(guard)
    return guard
