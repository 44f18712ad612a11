"""The window's start when the shared history cannot be used: say why plainly and offer this computer's history.

Nothing is sent while the history is unreachable (every attempt is recorded before it is sent), so the window does
not open on a history it cannot write. When the shared server was chosen in Settings, switching back to this
computer's history is one button (it changes that one setting); when INVOICE_DESKTOP_DATABASE_URL chose it, the
message says to remove it.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_NAME
from ..core.errors import InvoiceDesktopError
from ..core.history_location import HistoryLocationError, chosen_by_environment
from ..core.i18n import N_, _
from ..core.services import Services
from ..core.settings import SettingsStore
from ..wiring import create_services
from .history_wait import open_services

log = logging.getLogger(__name__)

SWITCH = N_("Use this computer's history")


def ask_to_switch(parent: QWidget | None, text: str) -> bool:
    """Ask whether to switch to this computer's history; True when the clerk chose so."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(
        _(
            "Uploads made on this computer's history are not seen by your colleagues. Choose the shared server "
            "again in File → Settings → History when it is back."
        )
    )
    switch = box.addButton(_(SWITCH), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(QMessageBox.StandardButton.Close)  # switching is a choice, not the default
    box.exec()
    return box.clickedButton() is switch


def start_despite(exc: InvoiceDesktopError, store: SettingsStore | None = None) -> Services | None:
    """The services to start with after `exc` stopped the first try, or None (the app quits; also when the clerk
    chose Quit while this computer's history was held by another program)."""
    if isinstance(exc, HistoryLocationError) and not chosen_by_environment():
        if not ask_to_switch(None, str(exc.message)):
            return None
        store = store or SettingsStore.default()
        store.set("history.location", "local")
        store.save()
        log.warning("The shared history could not be used; switched to this computer's history")
        try:
            return open_services(create_services)  # this computer's history may be held by another program too
        except InvoiceDesktopError as again:
            exc = again
    QMessageBox.critical(None, APP_NAME, str(exc.message))
    return None
