"""Measure the main window on one screen size, for every provider: run in its own process by test_window_fit.py.

    python -m tests.ui.fit_probe OUT.json

The screen comes from the environment (QT_QPA_PLATFORM=offscreen:configfile=…, QT_SCALE_FACTOR), which Qt reads
once, before the QApplication exists: hence a process per screen. Prints nothing; writes what it measured as JSON.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

INPUTS = ("QLineEdit", "QComboBox", "QCheckBox", "QPlainTextEdit", "QSpinBox", "QAbstractItemView")


def _rect(r: Any) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def measure() -> dict[str, Any]:
    import os

    import keyring
    from PySide6.QtCore import QPoint, QRect, QSettings
    from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

    from invoice_desktop.core.credentials import CredentialStore
    from invoice_desktop.core.history import History
    from invoice_desktop.core.services import Services
    from invoice_desktop.core.settings import SettingsStore
    from invoice_desktop.core.upload import UploadService
    from invoice_desktop.providers import all_providers, registry
    from invoice_desktop.ui.main_window import MainWindow
    from invoice_desktop.ui.tasks import TaskRunner
    from invoice_desktop.wiring import practice_environment
    from tests.memory_keyring import MemoryKeyring

    home = Path(tempfile.mkdtemp(prefix="fit-probe-"))
    os.environ["INVOICE_DESKTOP_HOME"] = str(home)
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationDisplayName("Invoice Desktop")
    credentials = CredentialStore(backend)
    history = History(home / "history.sqlite3")
    services = Services(
        credentials, history, UploadService(credentials, history, providers=registry(), practice=practice_environment)
    )
    runner = TaskRunner()
    settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(services, all_providers(), runner, settings, SettingsStore(home / "app.json"))
    window.show()
    app.processEvents()
    screen = window.screen()
    free = screen.availableGeometry()
    found: dict[str, Any] = {
        "screen": _rect(screen.geometry()),
        "available": _rect(free),
        "scale": screen.devicePixelRatio(),
        "providers": {},
    }

    def global_rect(widget: QWidget) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    def in_scrolled_area(widget: QWidget) -> bool:
        """Inside a scroll area's viewport: reachable by scrolling, so it may lie beyond the window's edge."""
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            area = parent.parentWidget()
            if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
                return True
            parent = area
        return False

    for info in window.providers:
        row = next(i for i, p in enumerate(window.providers) if p.id == info.id)
        window.provider_list.setCurrentRow(row)
        for _ in range(3):
            app.processEvents()
        outside = []
        # The window's own geometry, with room for the title bar the window manager adds above it.
        frame = window.geometry().adjusted(0, -32, 0, 0)
        if not free.contains(frame):
            outside.append(f"the window {_rect(frame)} (title bar included)")
        for widget in window.findChildren(QWidget):
            if not widget.isVisible() or widget.isWindow() or in_scrolled_area(widget):
                continue
            rect = global_rect(widget)
            if not free.contains(rect) or not global_rect(window).contains(rect):
                outside.append(
                    f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r} {_rect(rect)}"
                )
        page = window.page
        viewport = window.scroll_for[info.id].viewport()
        shown_area = global_rect(viewport)
        inputs = [
            w
            for w in page.findChildren(QWidget)
            if w.isVisible()
            and any(cls.__name__ in INPUTS for cls in type(w).__mro__)
            # Inputs inside a table (its cells' editors) are the table's, counted once.
            and not _inside_table(w, page)
        ]
        shown = [w for w in inputs if shown_area.contains(global_rect(w))]
        # With an answer on show (one line, however long the text), the form keeps its room.
        window.outcome.show_message("The form is not complete. " * 3, detail="Correct the fields marked in red. " * 8)
        for _ in range(3):
            app.processEvents()
        with_result = [w for w in inputs if global_rect(viewport).contains(global_rect(w))]
        outside += [
            f"with a result: {type(w).__name__} {_rect(global_rect(w))}"
            for w in window.findChildren(QWidget)
            if w.isVisible() and not w.isWindow() and not in_scrolled_area(w) and not free.contains(global_rect(w))
        ]
        window.outcome.clear()
        found["providers"][info.id] = {
            "fields_shown_with_result": len(with_result),
            "outside": outside,
            "fields_total": len(inputs),
            "fields_shown": len(shown),
            "window": _rect(window.geometry()),
            "form_area": _rect(shown_area),
            "scroll_max": window.scroll_for[info.id].verticalScrollBar().maximum(),
        }
    found["credentials"] = {info.id: measure_credentials(app, window, info.id, free) for info in window.providers}
    window.close()
    runner.shutdown(timeout=5)
    services.close()
    return found


def measure_credentials(app: Any, window: Any, provider_id: str, free: Any) -> dict[str, Any]:
    """The provider's Credentials… dialog, with Advanced open where it has one: off-screen parts, help text cut
    short (a wrapped label given less height than its text needs), and how far its fields scroll."""
    import time

    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QDialogButtonBox, QLabel

    from invoice_desktop.ui.credentials_dialog import CredentialsDialog

    window.provider_list.setCurrentRow(next(i for i, p in enumerate(window.providers) if p.id == provider_id))
    window.flow.open_credentials()
    dialog = window.findChildren(CredentialsDialog)[-1]
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    deadline = time.monotonic() + 10
    while not save.isEnabled() and time.monotonic() < deadline:  # the stored values are read off the UI thread
        app.processEvents()
    if dialog.advanced_toggle.isVisible():
        dialog.advanced_toggle.setChecked(True)
    for _ in range(5):
        app.processEvents()
    frame = dialog.geometry().adjusted(0, -32, 0, 0)  # with the title bar

    def box(widget: Any) -> QRect:
        return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())

    measured = {
        "advanced": dialog.advanced_box.isVisible(),
        "outside": [] if free.contains(frame) else [f"the dialog {_rect(frame)}"],
        "cut": [
            f"{label.text()[:50]!r}: {label.height()} px for {label.heightForWidth(label.width())}"
            for label in dialog.findChildren(QLabel)
            if label.isVisible() and label.wordWrap() and label.height() < label.heightForWidth(label.width())
        ],
        "scroll_max": dialog.fields_scroll.verticalScrollBar().maximum(),
        "buttons_shown": dialog.buttons.isVisible() and box(dialog).contains(box(dialog.buttons)),
    }
    dialog.reject()
    dialog.deleteLater()
    app.processEvents()
    return measured


def _inside_table(widget: Any, stop: Any) -> bool:
    from PySide6.QtWidgets import QAbstractItemView

    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(measure(), indent=1), encoding="utf-8")
