"""The app's long-lived parts, built once and shared by the GUI or the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from .credentials import CredentialStore
from .history import History
from .practice_port import PracticeFactory
from .registry import ProviderRegistry
from .upload import UploadService


@dataclass
class Services:
    credentials: CredentialStore
    history: History
    uploads: UploadService

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
        return cls(credentials, history, UploadService(credentials, history, providers=providers, practice=practice))

    def close(self) -> None:
        self.uploads.stop_practice()
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
