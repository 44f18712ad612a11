"""Settings → History: this computer, or the office's shared server (PostgreSQL).

The declared settings (core/settings.py, section "History") give the choice and the server's fields; this adds what
a declaration cannot: the password kept in the OS keyring (never in the settings file), the server fields greyed
out while "This computer" is chosen, a Test connection button that runs off the UI thread, and a plain note that the
choice takes effect at the app's next start (and that INVOICE_DESKTOP_DATABASE_URL, when set, wins).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..core.credentials import CredentialStore
from ..core.history_location import (
    ENV,
    HistoryLocationError,
    SharedServer,
    check_server,
    save_password,
    stored_password,
)
from ..core.i18n import _
from .tasks import TaskRunner

SERVER_KEYS = (
    "history.host",
    "history.port",
    "history.database",
    "history.user",
    "history.ca_file",
    "history.client_cert",
    "history.client_key",
)


class HistoryLocationBox:
    """The extra parts of the History section, over the editors the dialog built from the declarations."""

    def __init__(
        self,
        form: QFormLayout,
        editors: Mapping[str, QWidget],
        credentials: CredentialStore,
        runner: TaskRunner,
        parent: QWidget,
    ) -> None:
        self.editors = editors
        self.credentials = credentials
        self.runner = runner
        location = editors["history.location"]
        assert isinstance(location, QComboBox)
        self.location = location
        self.password = QLineEdit(parent)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        self.password.setPlaceholderText(_("kept in the system keyring (optional)"))
        self.password.setToolTip(
            _(
                "Kept in the system keyring, never in a file. Leave it empty to use libpq's password file "
                "(~/.pgpass or PGPASSFILE) or the client certificate."
            )
        )
        label = QLabel(_("Password:"), parent)
        label.setBuddy(self.password)
        # Right under the user's row.
        user_row: int = form.getWidgetPosition(editors["history.user"])[0]  # type: ignore[index]
        form.insertRow(user_row + 1, label, self.password)
        self.test_button = QPushButton(_("&Test connection"), parent)
        self.test_button.setAccessibleName(_("Test the connection to the shared server"))
        self.test_result = QLabel("", parent)
        self.test_result.setWordWrap(True)
        row = QWidget(parent)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.test_button)
        line.addWidget(self.test_result, 1)
        form.addRow(row)
        if os.environ.get(ENV, "").strip():
            note = QLabel(_("{variable} is set for this app: it wins over this choice.").format(variable=ENV), parent)
            note.setWordWrap(True)
            note.setStyleSheet("color: #8a5a00;")
            form.addRow(note)
        self._loaded_password = ""
        server = self.server()
        if server.host:
            self._loaded_password = stored_password(credentials, server) or ""
            self.password.setText(self._loaded_password)
        self.test_button.clicked.connect(self.test)
        self.location.currentIndexChanged.connect(self._enable)
        self._enable()

    def shared(self) -> bool:
        return self.location.currentData() == "shared"

    def _enable(self) -> None:
        on = self.shared()
        for key in SERVER_KEYS:
            self.editors[key].setEnabled(on)
        self.password.setEnabled(on)
        self.test_button.setEnabled(on)

    def server(self) -> SharedServer:
        """The server the fields describe now (whether or not "shared" is chosen)."""

        def text(key: str) -> str:
            editor = self.editors[key]
            assert isinstance(editor, QLineEdit)
            return editor.text().strip()

        port = self.editors["history.port"]
        assert isinstance(port, QSpinBox)
        return SharedServer(
            host=text("history.host"),
            port=port.value(),
            database=text("history.database"),
            user=text("history.user"),
            ca_file=text("history.ca_file"),
            client_cert=text("history.client_cert"),
            client_key=text("history.client_key"),
        )

    def test(self) -> None:
        server = self.server()
        password = self.password.text() or None
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(_("Connecting…"))
        self.runner.submit(
            "history-test-connection",
            lambda _task: check_server(server, password),
            on_result=lambda text: self._tested(str(text), ok=True),
            on_error=lambda exc: self._tested(
                str(exc.message) if isinstance(exc, HistoryLocationError) else f"{type(exc).__name__}: {exc}", ok=False
            ),
        )

    def _tested(self, text: str, *, ok: bool) -> None:
        self.test_button.setEnabled(self.shared())
        self.test_result.setStyleSheet("color: #1e7e34;" if ok else "color: #b3261e;")
        self.test_result.setText(("✔ " if ok else "✖ ") + text)

    def save(self) -> None:
        """Keep the password in the keyring (only when it changed: the keyring may ask to be unlocked)."""
        server = self.server()
        if not server.host:
            return
        typed = self.password.text()
        if typed != self._loaded_password:
            save_password(self.credentials, server, typed)
            self._loaded_password = typed
