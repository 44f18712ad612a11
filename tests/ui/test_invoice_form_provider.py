"""A provider with a full invoice form (PayFabric): typed fields, lines in a table, an optional PDF, end to end."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider
from invoice_desktop.ui.list_editor import ListEditor

from .conftest import select_provider


def test_invoice_with_lines_and_pdf_is_accepted(qtbot, window, services, make_file, monkeypatch):
    select_provider(window, "payfabric")
    page = window.page
    page.form.set_values(
        {
            "InvoiceId": "INV-UI-1",
            "CustomerId": "Nodus0002",
            "Amount": "30,00",
            "BalanceDue": "30.00",
            "DueDate": "2026-12-31",
        }
    )
    lines = page.form.editors["InvoiceItems"]
    assert isinstance(lines, ListEditor)
    lines.set_rows([{"ItemCode": "TYRE-1", "Description": "Winter tyre", "Quantity": "2", "UnitPrice": "15"}])
    with qtbot.waitSignal(page.drop_zone.checked, timeout=5000):
        window.open_file(str(make_file("invoice.pdf")))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED, window.outcome.text()
    sandbox = services.uploads.practice.sandbox_for(get_provider("payfabric"))
    stored = sandbox.received[-1]
    assert stored["endpoint"].endswith("InvoiceWithAttachment")
    invoice = stored["invoice"]
    assert invoice["InvoiceId"] == "INV-UI-1" and invoice["Amount"] == "30.00"  # the decimal comma became a point
    assert invoice["InvoiceItems"][0]["ItemCode"] == "TYRE-1"
    exchanges = services.history.exchanges(signal.args[0].attempt_id)
    assert any(part.get("name") == "Attachment" for ex in exchanges for part in ex.request_parts)


def test_missing_required_fields_are_marked_before_anything_is_sent(qtbot, window, services):
    select_provider(window, "payfabric")
    with qtbot.waitSignal(window.outcome.shown, timeout=5000):
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert "not complete" in window.outcome.text()
    for name in ("InvoiceId", "CustomerId", "Amount", "BalanceDue"):
        assert window.page.form.error_labels[name].isVisible(), name
    sandbox = services.uploads.practice.sandbox_for(get_provider("payfabric"))
    assert sandbox.requests_seen == []


def test_choices_read_in_the_clerks_language_and_go_out_as_the_api_spells_them(qtbot, window_in, services):
    # PayFabric takes "Complete" and "No"; a German clerk reads and picks "Abgeschlossen" and "Nein".
    window = window_in("de")
    select_provider(window, "payfabric")
    form = window.page.form
    status, email = form.editors["Status"].input, form.editors["SendNewInvoiceEmail"].input
    assert isinstance(status, QComboBox) and isinstance(email, QComboBox)
    assert [status.itemText(i) for i in range(status.count())] == ["—", "Unvollständig", "Ausstehend", "Abgeschlossen"]
    assert [email.itemText(i) for i in range(email.count())] == ["—", "Ja", "Nein"]
    form.set_values({"InvoiceId": "INV-DE-1", "CustomerId": "Nodus0002", "Amount": "30,00", "BalanceDue": "30,00"})
    status.setCurrentIndex(status.findText("Abgeschlossen"))
    email.setCurrentIndex(email.findText("Nein"))
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED, window.outcome.text()
    invoice = services.uploads.practice.sandbox_for(get_provider("payfabric")).received[-1]["invoice"]
    assert (invoice["Status"], invoice["SendNewInvoiceEmail"]) == ("Complete", "No")
    # A value loaded into the form (a retry, a copy from History) shows as its label again.
    form.set_values({"Status": "Pending"})
    assert status.currentText() == "Ausstehend"
