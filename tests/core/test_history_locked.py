"""Another program holding the history (a second window, the CLI, a backup, a database viewer) never turns a
delivered upload into a failure: the outcome waits for the lock; if it cannot be written at all, the clerk is told
plainly and the provider's answer is kept in the log. A history locked when the CLI starts gives a plain message."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.history import History
from invoice_desktop.core.services import Services
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import get_provider, registry

PROVIDER = get_provider("imaterialise")


class Holder:
    """A second connection, as another program would hold it: takes the write lock and keeps it."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.released = threading.Event()

    def hold(self, mode: str = "IMMEDIATE") -> None:
        self.db.execute(f"BEGIN {mode}")

    def release(self) -> None:
        self.db.execute("ROLLBACK")
        self.released.set()

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.close()


@pytest.fixture
def quick_services(practice, memory_keyring, app_home) -> Iterator[Services]:
    """The app's services with a history that waits 0.2 s per statement (the app waits 30 s; before this fix it
    waited 5 s and then recorded the delivered upload as failed)."""
    from invoice_desktop.core.credentials import CredentialStore

    credentials = CredentialStore(memory_keyring)
    history = History(app_home / "history.sqlite3", busy_timeout_s=0.2, outcome_patience_s=10, lease_s=0.6)
    uploads = UploadService(
        credentials,
        history,
        providers=registry(),
        practice=lambda: practice,
        timeouts=Timeouts(connect=5, read=20, deadline=60),
    )
    yield Services(credentials, history, uploads)
    history.close()


def _send_while_locked(services: Services, make_file, release_after_s: float | None):
    """Upload while a second connection takes the history's write lock as the provider receives the request,
    holding it for longer than the busy timeout (released after `release_after_s`, or held)."""
    holder = Holder(services.history.path)
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)

    def lock_history(_request) -> None:
        holder.hold()
        if release_after_s is not None:
            threading.Timer(release_after_s, holder.release).start()

    sandbox.before_handle = lock_history
    prepared = services.uploads.prepare(PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    try:
        result = services.uploads.run(prepared)
    finally:
        sandbox.before_handle = None
    return result, holder, sandbox


def test_a_delivered_upload_is_recorded_as_succeeded_when_the_history_was_locked_for_longer_than_the_busy_timeout(
    quick_services, make_file
):
    result, holder, sandbox = _send_while_locked(quick_services, make_file, release_after_s=1.0)
    try:
        assert holder.released.is_set()
        assert len(sandbox.received) == 1
        assert result.ok, result
        assert "could not be written" not in result.detail
        attempt = quick_services.history.get(result.attempt_id)
        assert attempt.state == hist.SUCCEEDED
        # The exchange that happened while the history was locked is recorded too, with the outcome.
        assert [e.status for e in quick_services.history.exchanges(result.attempt_id)] == [200]
    finally:
        holder.close()


def test_an_outcome_that_cannot_be_written_is_said_plainly_and_kept_in_the_log(quick_services, make_file, caplog):
    quick_services.history.outcome_patience_s = 0.5
    caplog.set_level(logging.INFO, logger="invoice_desktop")
    result, holder, sandbox = _send_while_locked(quick_services, make_file, release_after_s=None)
    try:
        assert len(sandbox.received) == 1
        # Still true: the provider took it. And the clerk is told the history could not record it.
        assert result.ok
        assert "could not be written to the upload history" in result.detail
        assert "kept in" in result.detail
        kept = [r.getMessage() for r in caplog.records if "could not be written to the history" in r.getMessage()]
        assert kept and '"outcome": "succeeded"' in kept[0] and f'"attempt_id": {result.attempt_id}' in kept[0]
        # The provider's answer itself is in the log, as every exchange is.
        assert any(getattr(r, "exchange", None) is not None and r.exchange.status == 200 for r in caplog.records)
        # Meanwhile no one may take the attempt for interrupted: its answer is known here.
        assert quick_services.history.get(result.attempt_id).state == hist.SENDING
        # Once the other program lets go, the outcome is written, exchange and all, without the clerk doing anything.
        holder.release()
        deadline = time.monotonic() + 10
        while quick_services.history.get(result.attempt_id).state == hist.SENDING and time.monotonic() < deadline:
            time.sleep(0.05)
        attempt = quick_services.history.get(result.attempt_id)
        assert attempt.state == hist.SUCCEEDED
        assert [e.status for e in quick_services.history.exchanges(result.attempt_id)] == [200]
    finally:
        holder.close()


def test_a_history_locked_by_another_program_refuses_the_upload_before_anything_is_sent(quick_services, make_file):
    holder = Holder(quick_services.history.path)
    sandbox = quick_services.uploads.practice.sandbox_for(PROVIDER)
    prepared = quick_services.uploads.prepare(
        PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf")
    )
    holder.hold()
    try:
        with pytest.raises(hist.HistoryBusy, match=r"in use by another program.*Nothing was sent"):
            quick_services.uploads.run(prepared)
        assert sandbox.received == [] and sandbox.requests_seen == []
    finally:
        holder.close()


def test_the_cli_says_plainly_that_the_history_is_locked_at_start(app_home, monkeypatch, capsys):
    from invoice_desktop import cli

    History(app_home / "history.sqlite3").close()
    holder = Holder(app_home / "history.sqlite3")
    holder.hold("EXCLUSIVE")
    monkeypatch.setattr(History, "BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr("invoice_desktop.core.logs.setup_file_logging", lambda: None)
    try:
        code = cli.main(["history"])
    finally:
        holder.close()
    _out, err = capsys.readouterr()
    assert code == cli.EXIT_REJECTED
    assert "Traceback" not in err and "OperationalError" not in err
    assert "history" in err and "in use by another program" in err and "try again" in err


def test_an_app_that_recorded_nothing_leaves_a_held_history_without_waiting_for_it_again(app_home, caplog):
    # The CLI started while another program held the history and gave up: on its way out it has no upload of its
    # own to mark interrupted, so it does not wait for the lock a second time (it waited 30 s twice before).
    History(app_home / "history.sqlite3").close()
    history = History(app_home / "history.sqlite3", busy_timeout_s=0.2)
    holder = Holder(app_home / "history.sqlite3")
    holder.hold("EXCLUSIVE")
    try:
        with pytest.raises(hist.HistoryBusy):
            history.mark_interrupted()
        with caplog.at_level(logging.WARNING, logger="invoice_desktop.history"):
            history.close()
    finally:
        holder.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
