"""A provider with OAuth sign-in and batches (Shopwave) in the window: sign in, send two invoices, see each."""

from __future__ import annotations

import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider
from invoice_desktop.ui.credentials_dialog import CredentialsDialog
from invoice_desktop.ui.list_editor import ListEditor

from .conftest import select_provider


def sign_in(qtbot, window, services, runner) -> list[str]:
    opened: list[str] = []

    def browser(url: str) -> None:  # plays the clerk's browser: the practice server approves at once
        opened.append(url)
        requests.get(url, timeout=10)

    services.uploads.open_browser = browser
    dialog = CredentialsDialog(get_provider("shopwave"), "practice", services, runner, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Signed in" in dialog.sign_in_status.text(), timeout=10000)
    dialog.close()
    return opened


def test_sign_in_then_send_two_invoices_and_see_each_outcome(qtbot, window, services, runner, monkeypatch):
    opened = sign_in(qtbot, window, services, runner)
    assert "/oauth/authorize?" in opened[0] and "redirect_uri=http%3A%2F%2F127.0.0.1" in opened[0]
    select_provider(window, "shopwave")
    invoices = window.page.form.editors["invoices"]
    assert isinstance(invoices, ListEditor)
    line = {"name": "Winter tyre", "quantity": "4", "price": "89.50"}
    invoices.set_rows(
        [
            {
                "supplierId": "10",
                "storeId": "1",
                "reference": "SUP-1",
                "completeDate": "2026-11-20",
                "invoiceItems": [line],
            },
            {
                "supplierId": "999",
                "storeId": "1",
                "reference": "SUP-2",
                "completeDate": "2026-11-21",
                "invoiceItems": [line],
            },
        ]
    )
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.outcome.shown, timeout=15000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    result = signal.args[0]
    assert [item.outcome for item in result.items] == [Outcome.SUCCEEDED, Outcome.REJECTED], window.outcome.text()
    text = window.outcome.text()
    assert "SUP-1" in text and "SUP-2" in text
    log_text = window.log_pane.all_text()
    assert "practice-shopwave-secret-7d1c" not in log_text
    token = services.credentials.get("shopwave", "practice", "access_token")
    assert token and token not in log_text


def test_sending_without_signing_in_says_what_to_do(qtbot, window, services):
    select_provider(window, "shopwave")
    window.page.form.editors["invoices"].set_rows(
        [
            {
                "supplierId": "10",
                "storeId": "1",
                "reference": "SUP-1",
                "completeDate": "2026-11-20",
                "invoiceItems": [{"name": "Tyre", "quantity": "1", "price": "1"}],
            },
        ]
    )
    with qtbot.waitSignal(window.outcome.shown, timeout=10000):
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert "Sign in" in window.outcome.text()


def test_a_saved_json_list_of_invoices_fills_the_batch(qtbot, window, tmp_path):
    import json

    select_provider(window, "shopwave")
    line = {"name": "Tyre", "quantity": 2, "price": "10.00"}
    path = tmp_path / "invoices.json"
    path.write_text(
        json.dumps(
            [
                {
                    "supplierId": 10,
                    "storeId": 1,
                    "reference": "A",
                    "completeDate": "2026-11-20",
                    "invoiceItems": [line],
                },
                {
                    "supplierId": 11,
                    "storeId": 2,
                    "reference": "B",
                    "completeDate": "2026-11-21",
                    "invoiceItems": [line, line],
                },
            ]
        ),
        encoding="utf-8",
    )
    window.flow.fill_form_from_json(str(path))
    invoices = window.page.form.editors["invoices"]
    assert isinstance(invoices, ListEditor)
    rows = invoices.rows()
    assert [r["reference"] for r in rows] == ["A", "B"]
    assert len(rows[1]["invoiceItems"]) == 2
    model, errors = window.page.form.validate()
    assert errors == {} and model is not None
