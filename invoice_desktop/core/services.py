"""The app's long-lived parts, built once and shared by the GUI or the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from .credentials import CredentialStore
from .history import History
from .upload import UploadService


@dataclass
class Services:
    credentials: CredentialStore
    history: History
    uploads: UploadService

    @classmethod
    def create(cls, credentials: CredentialStore | None = None, history: History | None = None) -> Services:
        credentials = credentials or CredentialStore()
        history = history or History.default()
        history.mark_interrupted()
        return cls(credentials, history, UploadService(credentials, history))

    def close(self) -> None:
        if self.uploads._practice is not None:
            self.uploads.practice.stop()
        self.history.close()
