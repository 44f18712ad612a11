"""A two-step provider (SkyPostal) in the window: the file's link, a forced step-2 failure, Retry, sign-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider
from invoice_desktop.ui.credentials_dialog import CredentialsDialog

from .conftest import select_provider


def sandbox(services):
    return services.uploads.practice.sandbox_for(get_provider("skypostal"))


def send(qtbot, window, services, make_file, tracking: str):
    select_provider(window, "skypostal")
    window.page.form.editors["trck_nmr_fol"].set_value(tracking)
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000):
        window.open_file(str(make_file("invoice.pdf")))
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    return signal.args[0]


def test_upload_shows_the_invoice_file_link(qtbot, window, services, make_file):
    result = send(qtbot, window, services, make_file, "13869085")
    assert result.outcome is Outcome.SUCCEEDED, window.outcome.text()
    url = result.links[0][1]
    assert url.startswith("http://127.0.0.1") and f"href='{url}'" in window.outcome.label.text()


def test_after_a_step_2_failure_retry_sends_only_the_file(qtbot, window, services, make_file, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    box = sandbox(services)
    box.fail_next_step2 = "http500"
    first = send(qtbot, window, services, make_file, "13869086")
    assert first.outcome is not Outcome.SUCCEEDED
    assert box.step1_requests == 1
    history = window.history_view
    # After the attempt, its row is the newest, selected and in view.
    qtbot.waitUntil(lambda: history.selected() is not None and history.selected().id == first.attempt_id, timeout=5000)
    history.table.selectRow(0)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED, window.outcome.text()
    assert box.step1_requests == 1  # never a second invoice record
    assert box.step2_requests == 2


def test_signing_in_as_the_customer_stores_only_the_customer_keys(qtbot, window, services, runner, memory_keyring):
    dialog = CredentialsDialog(get_provider("skypostal"), "practice", services, runner, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    email, password = dialog.sign_in_inputs["customer_email"], dialog.sign_in_inputs["customer_password"]
    assert isinstance(email, QLineEdit) and isinstance(password, QLineEdit)
    email.setText("second@skypostal.example")
    password.setText("practice-2")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Signed in" in dialog.sign_in_status.text(), timeout=10000)
    stored = {user: value for (service, user), value in memory_keyring.items.items() if "skypostal" in service}
    assert stored["customer_box_id"] == "822222"
    assert "practice-2" not in stored.values() and "customer_password" not in stored
    assert password.text() == ""  # the password is not kept on screen either
