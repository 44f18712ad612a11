"""The app's long-lived parts, built once and shared by the GUI or the CLI."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .credentials import CredentialStore
from .history import History
from .practice_port import PracticeFactory
from .registry import ProviderRegistry

if TYPE_CHECKING:
    from .upload import UploadService


class Services:
    """The keyring, the history and the upload service. `make_uploads` (instead of `uploads`) builds the upload
    service when it is first asked for: the window opens its history before its first paint, and the upload
    machinery's imports (transport, exchanges, e-mail utilities: ~10 ms) are not needed for that frame."""

    def __init__(
        self,
        credentials: CredentialStore,
        history: History,
        uploads: UploadService | None = None,
        *,
        make_uploads: Callable[[], UploadService] | None = None,
    ) -> None:
        if uploads is None and make_uploads is None:
            raise TypeError("Services needs uploads or make_uploads")
        self.credentials = credentials
        self.history = history
        self._uploads = uploads
        self._make_uploads = make_uploads
        self._uploads_lock = threading.Lock()  # first asked for by a worker or the UI thread

    @property
    def uploads(self) -> UploadService:
        with self._uploads_lock:
            if self._uploads is None:
                assert self._make_uploads is not None
                self._uploads = self._make_uploads()
            return self._uploads

    @classmethod
    def create(
        cls,
        credentials: CredentialStore | None = None,
        history: History | None = None,
        *,
        providers: ProviderRegistry,
        practice: PracticeFactory,
    ) -> Services:
        """The front end (window or CLI) hands in what the core must not import: the provider registry and the
        practice environment's factory (invoice_desktop/wiring.py gives the app's own).

        Attempts whose sender stopped (its lease lapsed) are marked interrupted now and, while the app runs,
        as soon as their lease lapses; attempts another running app is sending keep their live lease."""
        credentials = credentials or CredentialStore()
        if history is None:
            from .history_location import open_default  # this computer's file, or the office's shared server

            history = open_default()
        try:
            history.mark_interrupted()
            history.keep_leases()
            _sweep_snapshots(history)
            _sweep_dropped(history)
        except BaseException:
            history.close()
            raise

        def make_uploads() -> UploadService:
            from .upload import UploadService

            return UploadService(credentials, history, providers=providers, practice=practice)

        return cls(credentials, history, make_uploads=make_uploads)

    def close(self) -> None:
        if self._uploads is not None:  # never built: no practice server was started
            self._uploads.stop_practice()
        self.history.close()


def _sweep_snapshots(history: History) -> None:
    """Remove file snapshots of settled or abandoned uploads (never one an unsettled attempt may send again)."""
    from . import snapshots

    try:
        snapshots.sweep(history.snapshots_in_use)
    except Exception:  # housekeeping: never keep the app from starting
        import logging

        logging.getLogger("invoice_desktop.snapshots").warning("Could not tidy the snapshots", exc_info=True)


def _sweep_dropped(history: History) -> None:
    """Remove dropped documents (Outlook attachments, browser downloads) that no upload may send again."""
    from . import dropped

    try:
        dropped.sweep(history.files_in_use)
    except Exception:  # housekeeping: never keep the app from starting
        import logging

        logging.getLogger("invoice_desktop.dropped").warning("Could not tidy the dropped documents", exc_info=True)
