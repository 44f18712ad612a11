"""A provider whose form is the whole request (DDAPI): load before change, confirm the changes, save."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

from .conftest import select_provider


def test_load_change_one_field_confirm_and_save_keeps_the_rest(qtbot, window, services, monkeypatch):
    select_provider(window, "ddapi")
    page = window.page
    assert page.drop_zone is None  # nothing to attach
    assert window.upload_button.text().replace("&", "") == "Save settings"
    page.form.editors["CustomerNumber"].set_value(1)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Loaded" in page.load_status.text(), timeout=5000)
    before = page.form.values()
    assert before["CurrencyId"] not in (None, "") and before["InvoiceOrderPaymentEmailAddress"]

    page.form.editors["InvoiceOrderPaymentEmailAddress"].set_value("ny.faktura@dackcentralen.se")
    asked: list[str] = []

    def confirm(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED, window.outcome.text()
    assert "E-mail for order-payment invoices: faktura@dackcentralen.se → ny.faktura@dackcentralen.se" in asked[0]
    assert "CurrencyId" not in asked[0]

    stored = services.uploads.load(get_provider("ddapi"), "practice", {"CustomerNumber": 1})
    assert stored is not None
    assert stored["InvoiceOrderPaymentEmailAddress"] == "ny.faktura@dackcentralen.se"
    assert {k: v for k, v in stored.items() if k != "InvoiceOrderPaymentEmailAddress"} == {
        k: _typed(v) for k, v in before.items() if k != "InvoiceOrderPaymentEmailAddress"
    }


def _typed(value):
    """The form holds what was typed (text); the provider answers with numbers and booleans."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def test_declining_the_confirmation_sends_nothing(qtbot, window, services, monkeypatch):
    select_provider(window, "ddapi")
    page = window.page
    page.form.editors["CustomerNumber"].set_value(2)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Loaded" in page.load_status.text(), timeout=5000)
    sandbox = services.uploads.practice.sandbox_for(get_provider("ddapi"))
    seen = len(sandbox.requests_seen)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.flow.active, timeout=10000)
    # Nothing happened, so the result panel says nothing (the status bar says "Not sent." for a moment).
    assert not window.outcome.isVisible()
    assert window.statusBar().currentMessage() == "Not sent."
    assert len(sandbox.requests_seen) == seen
