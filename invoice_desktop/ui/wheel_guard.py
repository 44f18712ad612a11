"""One app-wide rule: the mouse wheel over an input the clerk has not focused scrolls, it never changes a value.

Without it, scrolling a long form with the wheel changes whatever drop-down, spin box or date field passes under
the pointer (PayFabric's Status went from "—" to "Complete" and was sent). The rule is an event filter on the
QApplication, so it covers every form, line table, dialog and any input added later, with no code per widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

# Inputs whose value the wheel would change (QDateEdit, QTimeEdit and QDoubleSpinBox are QAbstractSpinBoxes).
VALUE_INPUTS = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def _is_value_input(obj: QObject) -> bool:
    # A scroll bar is a slider too, but scrolling is what its wheel is for.
    return isinstance(obj, VALUE_INPUTS) and not isinstance(obj, QScrollBar)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind != QEvent.Type.Wheel and kind != QEvent.Type.Polish:
            return False  # every event of the app passes here: leave the rest at once
        if kind == QEvent.Type.Polish and _is_value_input(watched):
            # Qt focuses a WheelFocus widget (spin boxes, by default) before the wheel event reaches any filter,
            # which would make an unchosen input look chosen: only a click or Tab focuses an input.
            widget = watched
            assert isinstance(widget, QWidget)
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and _is_value_input(watched):
            assert isinstance(watched, QWidget)
            if not watched.hasFocus():
                scroll_area = _enclosing_scroll_area(watched)
                if scroll_area is not None:
                    QApplication.sendEvent(scroll_area.viewport(), event)
                return True  # the input never sees it
        return False


def _enclosing_scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the rule once on `app` (calling again returns the installed guard)."""
    existing = app.findChild(WheelGuard)
    if existing is not None:
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
