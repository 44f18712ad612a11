"""Fixtures the core's tests share: the multi-clerk apps, the log handlers, files written for a test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.services import Services
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import registry

ANNA, BEN = "anna@FRONTDESK-2", "ben@BACKOFFICE"


@pytest.fixture
def clerks(open_history, practice, memory_keyring) -> Iterator[dict[str, Services]]:
    """Anna's and Ben's apps on one history (the office's server, or one computer's file)."""
    apps: dict[str, Services] = {}
    for name in (ANNA, BEN):
        history = open_history("office", clerk=name)
        credentials = CredentialStore(memory_keyring)
        uploads = UploadService(
            credentials, history, providers=registry(), practice=lambda: practice, timeouts=Timeouts(5, 20, 60)
        )
        apps[name] = Services(credentials, history, uploads)
    yield apps
    for app in apps.values():
        app.history.close()


@pytest.fixture
def no_lasting_log_file() -> Iterator[None]:
    """Remove the log handlers a test added (the CLI's `main` sets up the app's log file in the test's folder)."""
    root = logging.getLogger("invoice_desktop")
    before, level = list(root.handlers), root.level
    yield
    root.setLevel(level)
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()


@pytest.fixture
def put(tmp_path: Path):
    """Write a file of the test's into its folder and give its path."""

    def put(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return put
