"""Issue 11 item 1: a wheel over an input the clerk has not focused scrolls; it never changes a value."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tests.ui.window_child import window_env

from .conftest import select_provider


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the wheel over the middle of `widget` (negative: towards the clerk, i.e. scroll down)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def scroll_area_of(widget: QWidget) -> QScrollArea:
    parent = widget.parentWidget()
    while not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def test_wheel_over_payfabric_status_scrolls_the_form_and_leaves_the_choice(qtbot, window):
    select_provider(window, "payfabric")
    window.resize(1180, 600)  # the form is taller than its area: there is something to scroll
    combos = [c for c in window.page.findChildren(QComboBox) if c.isVisible()]
    assert combos, "PayFabric's form has drop-downs"
    combo = combos[0]
    before = combo.currentIndex()
    scroll = scroll_area_of(combo).verticalScrollBar()
    assert scroll.maximum() > 0
    position = scroll.value()
    window.upload_button.setFocus()
    wheel(combo)
    wheel(combo)
    assert combo.currentIndex() == before, "the wheel changed an unfocused drop-down"
    assert scroll.value() > position, "the wheel did not scroll the form"


def test_a_focused_input_still_takes_the_wheel(qtbot, window):
    select_provider(window, "payfabric")
    combo = next(c for c in window.page.findChildren(QComboBox) if c.isVisible() and c.count() > 1)
    combo.setCurrentIndex(0)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert combo.currentIndex() == 1


def test_spin_date_and_table_cells_in_a_dialog_are_left_alone(qtbot, window):
    # The rule is app-wide: a dialog built later, with a line table, gets it with no code of its own.
    dialog = QDialog(window)
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    spin = QSpinBox(dialog)
    spin.setValue(5)
    date = QDateEdit(QDate(2026, 1, 15), dialog)
    table = QTableWidget(40, 1, dialog)
    cell_combo = QComboBox()
    cell_combo.addItems(["EUR", "USD", "SEK"])
    table.setCellWidget(0, 0, cell_combo)
    for w in (spin, date, table):
        layout.addWidget(w)
    dialog.show()
    qtbot.waitExposed(dialog)
    # Qt would focus a spin box on the wheel (WheelFocus) before any filter sees the event.
    assert spin.focusPolicy() != Qt.FocusPolicy.WheelFocus
    assert date.focusPolicy() != Qt.FocusPolicy.WheelFocus
    table.setFocus()
    rows_before = table.verticalScrollBar().value()
    wheel(spin, steps=1)
    wheel(date, steps=1)
    wheel(cell_combo)
    assert spin.value() == 5
    assert date.date() == QDate(2026, 1, 15)
    assert cell_combo.currentText() == "EUR"
    assert table.verticalScrollBar().value() > rows_before, "the wheel over a cell did not scroll the table"


APP_START = """
import json, sys
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox
from invoice_desktop.ui.app import main


def wheel(widget):
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def watch(window):
    def page_shown():
        # The environment drop-down was built before the guard; the page's drop-downs after it.
        combos = [window.environment_combo, *window.page.findChildren(QComboBox)]
        seen = []
        for combo in combos:
            before = combo.currentIndex()
            window.upload_button.setFocus()
            wheel(combo)
            seen.append({"changed": combo.currentIndex() != before,
                         "wheel_focus": combo.focusPolicy() == Qt.FocusPolicy.WheelFocus})
        print("SEEN " + json.dumps(seen), flush=True)
        QApplication.instance().quit()

    window.first_page_shown.connect(page_shown)


main(sys.argv[1:], on_window=watch)
"""


def test_the_apps_start_guards_the_inputs_built_before_the_first_paint_too(tmp_path):
    """The app installs the rule after its first paint (it is not free); the environment drop-down, built before,
    is guarded all the same, and so is every drop-down of the page."""
    import json
    import subprocess
    import sys

    env = window_env(tmp_path / "home", tmp_path / "config")
    done = subprocess.run(
        [sys.executable, "-c", APP_START, "--provider", "payfabric"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("SEEN ")), None)
    assert line is not None, done.stdout + done.stderr
    seen = json.loads(line.removeprefix("SEEN "))
    assert len(seen) >= 2, "the environment and PayFabric's drop-downs"
    assert seen == [{"changed": False, "wheel_focus": False}] * len(seen)


def test_the_rule_costs_nothing_to_widgets_that_are_not_inputs(qtbot, window):
    """Not an application-wide event filter: that calls Python for every event of every widget (paints, layouts,
    timers), each call waiting for Python's GIL while a worker holds it: the window froze 10-20 ms at a time while
    files were dropped. Only the inputs' own events reach the guard."""
    import sys

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QLabel

    from invoice_desktop.ui import wheel_guard

    seen: list[str] = []

    def profile(frame, event, _arg):  # every call of the guard's filter, however Qt reaches it
        if event == "call" and frame.f_code is wheel_guard.WheelGuard.eventFilter.__code__:
            seen.append(type(frame.f_locals["watched"]).__name__)

    select_provider(window, "payfabric")
    label = QLabel("Total", window)
    label.show()
    combo = next(c for c in window.page.findChildren(QComboBox) if c.isVisible())
    window.upload_button.setFocus()
    sys.setprofile(profile)
    try:
        for _ in range(20):
            QApplication.sendEvent(label, QEvent(QEvent.Type.UpdateRequest))
            QApplication.sendEvent(window.upload_button, QEvent(QEvent.Type.UpdateRequest))
        wheel(combo)
    finally:
        sys.setprofile(None)
    assert "QLabel" not in seen and "QPushButton" not in seen
    assert "QComboBox" in seen  # the inputs' own events do reach it


def test_the_window_modules_make_no_style_class_before_the_first_paint():
    """Subclassing QProxyStyle creates QStyle's Python enums (~5 ms of the start): the guard's style class is made
    when the rule is installed, after the first paint, not when the window's modules are imported."""
    import os
    import subprocess
    import sys

    code = (
        "import invoice_desktop.ui.main_window\n"
        "from PySide6.QtWidgets import QProxyStyle\n"
        "print([c.__name__ for c in QProxyStyle.__subclasses__()])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
