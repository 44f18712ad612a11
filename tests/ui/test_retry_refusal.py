"""Issue 11 item 8: Retry of a refusal asks first, quoting the provider's reason."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome

from .conftest import select_provider
from .test_main_window import drop_file, order_input, sandbox, upload


def test_retry_of_a_refusal_asks_first_quoting_the_reason(qtbot, window, services, make_file, monkeypatch):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-2001")  # the sandbox refuses: already shipped
    drop_file(qtbot, window, make_file("invoice.pdf"))
    refused = upload(qtbot, window)
    assert refused.outcome is Outcome.REJECTED
    seen = len(sandbox(services).requests_seen)

    asked: list[str] = []
    answer = QMessageBox.StandardButton.No

    def question(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    window.flow.retry(refused.attempt_id)
    qtbot.waitUntil(lambda: bool(asked) and not window.flow.active, timeout=5000)
    assert "i.materialise refused attempt" in asked[0]
    assert "already shipped or cancelled" in asked[0] and "103" in asked[0]  # the provider's own code and words
    assert len(sandbox(services).requests_seen) == seen, "declined, yet sent"

    answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        window.flow.retry(refused.attempt_id)
    assert len(asked) == 2
    assert signal.args[0].outcome is Outcome.REJECTED
    assert len(sandbox(services).requests_seen) == seen + 1


def test_retry_of_a_failure_on_the_way_does_not_ask_about_a_refusal(qtbot, window, services, make_file, monkeypatch):
    from invoice_desktop.core.retry_refusal import refusal_to_confirm

    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf"))
    done = upload(qtbot, window)
    assert done.outcome is Outcome.SUCCEEDED
    assert refusal_to_confirm(services.history, services.uploads.providers, done.attempt_id) is None
