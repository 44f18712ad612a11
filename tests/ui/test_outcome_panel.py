"""The outcome panel as a clerk reads it: the icon and the title on one line, folded or opened."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from invoice_desktop.core.results import Outcome, UploadResult
from invoice_desktop.ui.outcome_panel import OutcomePanel

REFUSED = UploadResult(
    Outcome.REJECTED,
    "Order “ORD-2001” is already shipped or cancelled, so its invoice can no longer be changed.",
    "Contact i.materialise if the invoice must still be replaced.",
    provider_code="103",
    provider_message="Order is already shipped or cancelled",
    attempt_id=1,
)


def _middle_y(widget, y: int) -> int:
    return widget.mapTo(widget.window(), QPoint(0, y)).y()


def test_opened_details_keep_the_icon_and_the_title_on_one_line(qtbot):
    panel = OutcomePanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 60)
    with qtbot.waitSignal(panel.shown, timeout=2000):
        panel.show_result(REFUSED)
    qtbot.waitExposed(panel)
    folded_icon = panel.icon.geometry()
    headline = panel.headline.geometry()
    assert folded_icon.top() <= headline.center().y() <= folded_icon.bottom(), "folded: icon and line apart"

    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.label.isVisible, timeout=2000)
    panel.layout().activate()  # the geometry the next paint shows
    assert panel.label.text().startswith("<p><b>Order “ORD-2001”"), "the details no longer open with the title"
    # The details' first line (the bold title) is on the icon's line, not below it.
    line = panel.label.fontMetrics().height()
    title_middle = _middle_y(panel.label, panel.label.contentsMargins().top() + line // 2)
    icon = panel.icon
    assert _middle_y(icon, 0) <= title_middle <= _middle_y(icon, icon.height()), (
        f"the title's line (y={title_middle}) is not beside the icon "
        f"(y={_middle_y(icon, 0)}…{_middle_y(icon, icon.height())})"
    )
    assert "Provider's answer: code 103" in panel.text()
