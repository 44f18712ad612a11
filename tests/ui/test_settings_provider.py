"""A provider whose form is the whole request (DDAPI): load before change, confirm the changes, save."""

from __future__ import annotations

import threading

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


# -- Save is bound to the customer that was loaded (issue 11 item 2) ----------------------------------------------


def _load(qtbot, page, number: int, expect: str = "Loaded") -> None:
    page.form.editors["CustomerNumber"].set_value(number)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.load_button.isEnabled() and expect in page.load_status.text(), timeout=5000)


def _save(qtbot, window, monkeypatch) -> tuple[Outcome, list[str]]:
    asked: list[str] = []

    def confirm(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    return signal.args[0].outcome, asked


def test_changing_the_customer_number_drops_what_was_loaded_for_another(qtbot, window, services, monkeypatch):
    select_provider(window, "ddapi")
    page = window.page
    _load(qtbot, page, 1)
    customer_1 = services.uploads.load(get_provider("ddapi"), "practice", {"CustomerNumber": 1})
    page.form.editors["CustomerNumber"].set_value(3)  # customer 3 has no settings yet
    assert page.loaded is None
    assert set(page.form.values()) == {"CustomerNumber"}, "customer 1's values are still in the form"
    assert "cleared" in page.load_status.text()
    outcome, asked = _save(qtbot, window, monkeypatch)
    assert outcome is not Outcome.SUCCEEDED
    assert "Nothing to save for customer 3" in window.outcome.text()
    assert not any("CustomerNumber" in a or "→" in a for a in asked)
    assert services.uploads.load(get_provider("ddapi"), "practice", {"CustomerNumber": 3}) is None
    assert services.uploads.load(get_provider("ddapi"), "practice", {"CustomerNumber": 1}) == customer_1


def test_a_failed_load_leaves_nothing_to_save(qtbot, window, services, monkeypatch):
    select_provider(window, "ddapi")
    page = window.page
    _load(qtbot, page, 1)
    sandbox = services.uploads.practice.sandbox_for(get_provider("ddapi"))
    sandbox.answer_html_error_once(500)  # the next read fails
    _load(qtbot, page, 1, expect="cleared")
    assert page.loaded is None and set(page.form.values()) == {"CustomerNumber"}
    seen = len(sandbox.requests_seen)
    outcome, _ = _save(qtbot, window, monkeypatch)
    assert outcome is not Outcome.SUCCEEDED and "Nothing to save for customer 1" in window.outcome.text()
    assert len(sandbox.requests_seen) == seen  # nothing was sent


def test_a_load_answered_after_the_number_changed_is_not_applied(qtbot, window, services, monkeypatch):
    select_provider(window, "ddapi")
    page = window.page
    release = threading.Event()
    load = services.uploads.load

    def slow_load(*args, **kwargs):
        release.wait(10)
        return load(*args, **kwargs)

    monkeypatch.setattr(services.uploads, "load", slow_load)
    page.form.editors["CustomerNumber"].set_value(1)
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    page.form.editors["CustomerNumber"].set_value(2)
    release.set()
    qtbot.waitUntil(page.load_button.isEnabled, timeout=5000)
    assert "changed while loading" in page.load_status.text()
    assert page.loaded is None and set(page.form.values()) == {"CustomerNumber"}


def test_an_address_that_is_no_e_mail_is_asked_about_in_the_window_and_saved_when_confirmed(
    qtbot, window, services, monkeypatch
):
    # The docs' own sample value: DDAPI only limits it to 50 characters.
    select_provider(window, "ddapi")
    page = window.page
    _load(qtbot, page, 1)
    page.form.editors["InvoiceOrderPaymentEmailAddress"].set_value("sample string 8")
    assert not page.form.refresh_errors()  # no refusal in the form
    asked: list[str] = []

    def confirm(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED, window.outcome.text()
    assert "“sample string 8”, does not look like an e-mail address" in asked[0]
    stored = services.uploads.load(get_provider("ddapi"), "practice", {"CustomerNumber": 1})
    assert stored is not None and stored["InvoiceOrderPaymentEmailAddress"] == "sample string 8"
