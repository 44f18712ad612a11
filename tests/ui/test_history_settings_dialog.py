"""Settings → History in the window: this computer or the shared server, the password into the keyring (not the
settings file), Test connection off the UI thread, the change said to apply at the next start; and a start on an
unreachable shared server offers this computer's history in one click."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.errors import InvoiceDesktopError
from invoice_desktop.core.history import History
from invoice_desktop.core.history_location import SharedServer, stored_password
from invoice_desktop.core.settings import SettingsStore
from invoice_desktop.ui import history_trouble
from invoice_desktop.ui.settings_dialog import SettingsDialog
from invoice_desktop.wiring import create_services


def _dialog(qtbot, store: SettingsStore) -> SettingsDialog:
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: SettingsDialog, **values: object) -> None:
    for key, value in values.items():
        editor = dialog.editors[f"history.{key}"]
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value))  # type: ignore[call-overload]
        else:
            assert isinstance(editor, QLineEdit)
            editor.setText(str(value))


def test_the_server_fields_wait_until_the_shared_server_is_chosen_and_the_password_goes_to_the_keyring(
    qtbot, app_home: Path
):
    store = SettingsStore.default()
    dialog = _dialog(qtbot, store)
    location = dialog.editors["history.location"]
    assert isinstance(location, QComboBox) and location.currentData() == "local"
    box = dialog.history_box
    assert box is not None
    assert not dialog.editors["history.host"].isEnabled() and not box.password.isEnabled()
    location.setCurrentIndex(location.findData("shared"))
    assert dialog.editors["history.host"].isEnabled() and box.password.isEnabled() and box.test_button.isEnabled()
    _fill(dialog, host="db.office.lan", database="invoices", user="anna")
    box.password.setText("pa55-word")
    dialog.accept()
    assert "from its next start" in dialog.saved_message
    again = SettingsStore.default()
    server = SharedServer.from_settings(again)
    assert server is not None and server.host == "db.office.lan" and server.user == "anna"
    assert stored_password(CredentialStore(), server) == "pa55-word"
    assert "pa55-word" not in (app_home / "settings.json").read_text()
    # Reopened, the dialog shows the kept password (masked) and the same choice.
    reopened = _dialog(qtbot, again)
    assert reopened.history_box is not None and reopened.history_box.password.text() == "pa55-word"


def test_test_connection_says_what_it_found(qtbot, app_home, pg_server):
    database = f"t_{uuid.uuid4().hex[:12]}"
    pg_server.create_database(database)
    store = SettingsStore.default()
    dialog = _dialog(qtbot, store)
    location = dialog.editors["history.location"]
    assert isinstance(location, QComboBox)
    location.setCurrentIndex(location.findData("shared"))
    _fill(dialog, host=pg_server.host, port=pg_server.port, database=database, user="postgres")
    box = dialog.history_box
    assert box is not None
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_result.text().startswith(("✔", "✖")), timeout=10_000)
    assert box.test_result.text().startswith("✔ Connected to PostgreSQL")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        _fill(dialog, port=s.getsockname()[1])
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_result.text().startswith("✖"), timeout=10_000)
    assert "cannot be reached" in box.test_result.text() and "File → Settings" in box.test_result.text()
    dialog.reject()


def test_an_unreachable_shared_server_at_start_offers_this_computers_history(qtbot, app_home, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = SettingsStore.default()
    for key, value in (("location", "shared"), ("host", "127.0.0.1"), ("port", port), ("user", "anna")):
        store.set(f"history.{key}", value)
    store.save()
    asked: list[str] = []
    monkeypatch.setattr(history_trouble, "ask_to_switch", lambda _parent, text: asked.append(text) or False)
    try:
        create_services()
    except InvoiceDesktopError as exc:
        refused = exc
    assert history_trouble.start_despite(refused) is None  # the clerk chose Close: the app quits
    assert "cannot be reached" in asked[0] and "nothing was sent" in asked[0]
    assert SettingsStore.default().get("history.location") == "shared"  # nothing changed behind the clerk's back

    monkeypatch.setattr(history_trouble, "ask_to_switch", lambda _parent, _text: True)
    services = history_trouble.start_despite(refused)
    assert services is not None
    try:
        assert type(services.history) is History
        assert SettingsStore.default().get("history.location") == "local"
    finally:
        services.close()
