"""Documents dropped with no file behind them (an Outlook attachment, a browser download) are saved in the app's
data folder. At a later start those no upload needs any more are removed; never one an upload that may still be
sent again (a failed attempt, a pending batch row) or one dropped in the last day."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from invoice_desktop.core.batch import BatchService
from invoice_desktop.core.dropped import save_dropped
from invoice_desktop.core.services import Services
from invoice_desktop.providers import get_provider, registry
from tests import documents

PROVIDER = get_provider("imaterialise")


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    """This computer's history and the office's shared one keep the same documents."""
    return request.param


def dropped(name: str, hours_ago: float = 25) -> Path:
    """An invoice (a real PDF) dropped from Outlook `hours_ago`, as the window saves it."""
    path = save_dropped(name, documents.pdf())
    then = path.parent.stat().st_mtime - hours_ago * 3600
    os.utime(path.parent, (then, then))
    return path


def send(services: Services, path: Path, order: str):
    prepared = services.uploads.prepare(PROVIDER, "practice", {"order_id": order}, file_path=path)
    return services.uploads.run(prepared)


def start_again(services: Services, practice) -> None:
    """What the app does at its start (the window's and the command line's)."""
    Services.create(services.credentials, services.history, providers=registry(), practice=lambda: practice)


def test_start_up_removes_dropped_documents_no_upload_needs_and_keeps_the_others(services, practice):
    sent = dropped("sent.pdf")
    assert send(services, sent, "ORD-1001").ok
    failed = dropped("failed.pdf")
    assert not send(services, failed, "ORD-0404").ok  # refused (no such order): sent again once corrected
    in_batch = dropped("in-batch.pdf")
    BatchService(services.uploads).create("imaterialise", "practice", [in_batch])  # a row pending
    never_sent = dropped("never-sent.pdf")  # dropped, then the app was closed
    just_now = dropped("just-now.pdf", hours_ago=0.5)  # perhaps in another window's drop zone now

    start_again(services, practice)

    assert not sent.exists() and not never_sent.exists()
    assert failed.exists() and in_batch.exists() and just_now.exists()
