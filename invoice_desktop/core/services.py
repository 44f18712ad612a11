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
    def create(
        cls,
        credentials: CredentialStore | None = None,
        history: History | None = None,
        interrupted_after_s: float = 0.0,
    ) -> Services:
        """`interrupted_after_s`: how long an attempt must have been silent to count as interrupted. The window
        takes 0 (it is the one that sends); the CLI waits an hour, so it never marks an upload the window is
        still sending."""
        credentials = credentials or CredentialStore()
        history = history or History.default()
        history.mark_interrupted(interrupted_after_s)
        return cls(credentials, history, UploadService(credentials, history))

    def close(self) -> None:
        if self.uploads._practice is not None:
            self.uploads.practice.stop()
        self.history.close()
