"""Credentials from the window, the keyring's state said plainly, Open With, and Retry from the History."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.providers import get_provider
from invoice_desktop.ui.credentials_dialog import CredentialsDialog

from .conftest import select_provider
from .test_main_window import order_input, upload

SANDBOX_CODE = "11111111-2222-4333-8444-555555555555"


def open_dialog(qtbot, window, services, runner, environment: str) -> CredentialsDialog:
    dialog = CredentialsDialog(get_provider("imaterialise"), environment, services, runner, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    return dialog


def test_practice_credentials_are_filled_in(qtbot, window, services, runner):
    dialog = open_dialog(qtbot, window, services, runner, "practice")
    field = dialog.inputs["api_code"]
    assert isinstance(field, QLineEdit)
    assert field.text() == DEMO_API_CODE
    assert field.echoMode() == QLineEdit.EchoMode.Password  # a secret is not shown by default


def test_a_malformed_api_code_is_refused_and_a_good_one_goes_to_the_keyring(
    qtbot, window, services, runner, memory_keyring
):
    dialog = open_dialog(qtbot, window, services, runner, "sandbox")
    field = dialog.inputs["api_code"]
    assert isinstance(field, QLineEdit)
    qtbot.keyClicks(field, "not-a-guid")
    assert dialog.errors["api_code"].isVisible()
    dialog.save()
    assert dialog.isVisible() and memory_keyring.items == {}
    field.setText(SANDBOX_CODE)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert memory_keyring.items == {("invoice-desktop/imaterialise/sandbox", "api_code"): SANDBOX_CODE}


def test_without_a_usable_keyring_the_window_says_so(qtbot, services, runner, tmp_path: Path):
    from keyring.backends.fail import Keyring as FailKeyring
    from PySide6.QtCore import QSettings

    from invoice_desktop.providers import all_providers
    from invoice_desktop.ui.main_window import MainWindow

    services.credentials = CredentialStore(FailKeyring())
    services.uploads.credentials = services.credentials
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(services, all_providers(), runner, settings)
    qtbot.addWidget(w)
    w.show()  # the keyring is read once the window is on screen
    qtbot.waitUntil(lambda: "session only" in w.keyring_status.text(), timeout=5000)
    assert "never written to a file" in w.keyring_status.toolTip()
    # Short, so a status message beside it is not squeezed or overlapped.
    w.resize(1024, 700)
    w.statusBar().showMessage("Credentials saved. Credentials are stored in the system keyring.")
    assert w.keyring_status.sizeHint().width() < w.width() // 3


def test_a_file_opened_with_the_app_arrives_in_the_drop_zone(qtbot, window, make_file):
    select_provider(window, "imaterialise")
    pdf = make_file("opened.pdf")
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000) as signal:
        window.open_file(str(pdf))
    assert signal.args[0] is True
    assert window.page.drop_zone.path == str(pdf)


def test_a_failed_upload_can_be_retried_from_the_history(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    sandbox.answer_next(429, "<html>Too many requests</html>", {"Content-Type": "text/html"})  # busy: not stored
    order_input(window).setText("ORD-1002")
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000):
        window.open_file(str(make_file("invoice.pdf")))
    assert upload(qtbot, window).outcome is Outcome.FAILED
    history = window.history_view
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=5000)
    history.table.selectRow(0)
    assert history.retry_button.isEnabled()
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].outcome is Outcome.SUCCEEDED
    assert signal.args[0].attempt_id == services.history.recent()[0].id
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=5000)
    # The history reads as what happened: the failure stays, the retry is a new attempt on top.
    assert "accepted" in history.model.index(0, 5).data() and "failed" in history.model.index(1, 5).data()


def test_retry_of_an_upload_that_may_have_arrived_asks_first(qtbot, window, services, make_file, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    select_provider(window, "imaterialise")
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    sandbox.answer_next(200, "<html><body>Guest Wi-Fi: accept the terms</body></html>", {"Content-Type": "text/html"})
    order_input(window).setText("ORD-1002")
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000):
        window.open_file(str(make_file("invoice.pdf")))
    result = upload(qtbot, window)
    assert result.outcome is Outcome.UNCERTAIN  # a 200 with a page the app cannot read is never success
    assert "may or may not be attached" in window.outcome.headline.text()
    history = window.history_view
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=5000)
    assert "may have arrived" in history.model.index(0, 5).data()
    history.table.selectRow(0)
    assert history.retry_button.isEnabled()

    asked: list[str] = []
    answer = QMessageBox.StandardButton.No

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked) and not window.flow.active, timeout=10000)
    assert "may already have reached i.materialise" in asked[0] and "Check order “ORD-1002”" in asked[0]
    assert len(sandbox.requests_seen) == 1  # No: nothing sent
    assert len(services.history.recent()) == 1  # and no attempt recorded

    answer = QMessageBox.StandardButton.Yes
    qtbot.waitUntil(lambda: history.retry_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as signal:
        qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert signal.args[0].outcome is Outcome.SUCCEEDED and len(sandbox.requests_seen) == 2


def test_only_the_fields_of_the_chosen_sign_in_method_are_shown(qtbot, window, services, runner):
    dialog = CredentialsDialog(get_provider("ddapi"), "sandbox", services, runner, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    scheme = dialog.inputs["auth_scheme"]
    scheme.setCurrentIndex(scheme.findData("basic"))
    assert dialog.inputs["username"].isVisible() and dialog.inputs["password"].isVisible()
    assert not dialog.inputs["token"].isVisible()
    scheme.setCurrentIndex(scheme.findData("header"))
    assert dialog.inputs["token"].isVisible() and not dialog.inputs["password"].isVisible()


def test_shopwave_request_body_is_an_advanced_choice_stored_in_the_keyring(
    qtbot, window, services, runner, memory_keyring
):
    from PySide6.QtWidgets import QComboBox

    dialog = CredentialsDialog(get_provider("shopwave"), "sandbox", services, runner, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    choice = dialog.inputs["request_body"]
    assert isinstance(choice, QComboBox)
    # Collapsed under "Advanced" until the clerk opens it; the SDKs' form is the default.
    assert dialog.advanced_toggle.isVisible() and not choice.isVisible()
    assert choice.currentText() == "form field postBody (as Shopwave's SDKs)"
    assert [choice.itemText(i) for i in range(choice.count())] == [
        "form field postBody (as Shopwave's SDKs)",
        "raw JSON",
    ]
    dialog.advanced_toggle.click()
    assert choice.isVisible() and dialog.inputs["x_accept_version"].isVisible()
    choice.setCurrentIndex(1)
    dialog.inputs["access_token"].setText("pasted-token-123")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert memory_keyring.items[("invoice-desktop/shopwave/sandbox", "request_body")] == "json"


def test_providers_without_advanced_fields_show_no_advanced_toggle(qtbot, window, services, runner):
    dialog = open_dialog(qtbot, window, services, runner, "sandbox")
    assert not dialog.advanced_toggle.isVisible()


@pytest.mark.parametrize("language", ["en", "de", "es", "fr", "sv"])
@pytest.mark.parametrize("environment", ["sandbox", "production"])
def test_the_credentials_intro_names_the_environment_without_brackets_in_brackets(
    qtbot, window, services, runner, language, environment
):
    # "…keyring for i.materialise (Sandbox (vendor's test system)), never in a file." read as a typo: the sentence
    # names the environment as the window title does.
    from invoice_desktop.core import i18n
    from invoice_desktop.ui.environment_banner import environment_title

    i18n.set_language(language)
    dialog = open_dialog(qtbot, window, services, runner, environment)
    text = dialog.intro.text()
    assert f"i.materialise ({environment_title(environment)})" in text, text
    assert not re.search(r"\([^()]*\(", text), text
