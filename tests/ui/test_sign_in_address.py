"""Issue 11, Sign-in: when no browser can be opened, the dialog shows the sign-in address with a Copy button."""

from __future__ import annotations

import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from invoice_desktop.providers import get_provider
from invoice_desktop.ui.credentials_dialog import CredentialsDialog


def test_without_a_browser_the_address_is_shown_with_copy(qtbot, services, runner):
    services.uploads.open_browser = lambda _url: False  # as webbrowser.open says when it finds no browser
    dialog = CredentialsDialog(get_provider("shopwave"), "practice", services, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    assert not dialog.sign_in_address.isVisible()
    with qtbot.waitSignal(dialog.browser_unavailable, timeout=10000) as signal:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    url = signal.args[0]
    assert "/oauth/authorize?" in url
    assert dialog.sign_in_address.isVisible() and dialog.sign_in_address.address.text() == url
    qtbot.mouseClick(dialog.sign_in_address.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == url

    requests.get(url, timeout=10)  # the clerk pastes it into a browser elsewhere: the sign-in completes
    qtbot.waitUntil(lambda: "Signed in" in dialog.sign_in_status.text(), timeout=10000)
    assert not dialog.sign_in_address.isVisible()
    dialog.close()


def test_with_a_browser_no_address_is_shown(qtbot, services, runner):
    opened: list[str] = []

    def browser(url: str) -> None:
        opened.append(url)
        requests.get(url, timeout=10)

    services.uploads.open_browser = browser
    dialog = CredentialsDialog(get_provider("shopwave"), "practice", services, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() != "Reading stored credentials…", timeout=5000)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Signed in" in dialog.sign_in_status.text(), timeout=10000)
    assert opened and not dialog.sign_in_address.isVisible()
    dialog.close()
