"""Issue 11 item 6: after a success the file is cleared, and sending to the same target again warns first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

from .conftest import select_provider
from .test_main_window import drop_file, order_input, sandbox, upload


def test_after_a_success_the_file_is_cleared_and_the_same_order_again_asks(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("first.pdf"))
    assert upload(qtbot, window).outcome is Outcome.SUCCEEDED
    zone = window.page.drop_zone
    assert zone.path is None and zone.state == "idle", "the sent file is still attached"
    assert order_input(window).text() == "ORD-1001"  # the form stays

    drop_file(qtbot, window, make_file("second.pdf"))
    asked: list[str] = []

    def decline(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(QMessageBox, "question", decline)
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(asked) and window.upload_button.isEnabled(), timeout=5000)
    assert "already attached to order “ORD-1001”" in asked[0]
    assert len(sandbox(services).received) == 1  # declined: the second file was not sent
    assert zone.path is not None  # nor dropped: it is still there to send after all


def test_a_refused_upload_keeps_the_file(qtbot, window, make_file):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-2001")  # the sandbox refuses: already shipped
    drop_file(qtbot, window, make_file("invoice.pdf"))
    assert upload(qtbot, window).outcome is Outcome.REJECTED
    assert window.page.drop_zone.path is not None


@pytest.mark.parametrize(
    ("provider_id", "form"),
    [
        ("imaterialise", {"order_id": "ORD-1001"}),
        ("skypostal", {"trck_nmr_fol": 13869085}),
    ],
)
def test_every_provider_with_a_file_warns_before_sending_to_a_target_again(services, make_file, provider_id, form):
    provider = get_provider(provider_id)
    uploads = services.uploads
    first = uploads.run(uploads.prepare(provider, "practice", form, file_path=str(make_file("a.pdf"))))
    assert first.outcome is Outcome.SUCCEEDED, first.title
    again = uploads.prepare(provider, "practice", form, file_path=str(make_file("b.pdf")))
    warnings = provider.warnings(again.form, services.history, "practice")
    uploads.discard(again)
    assert any("already" in w for w in warnings), warnings
