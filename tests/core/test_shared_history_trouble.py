"""Server trouble on the shared history, with a real PostgreSQL server stopped under the app: when it cannot be
reached nothing is sent and the clerk is told what to check; when the connection is lost during an upload, the
provider's answer is kept in the local journal (shown in the History meanwhile) and lands on the server once it is
back — at the next heartbeat, or at the next start. 0 lost."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.history import HistoryBusy, HistoryQuery
from invoice_desktop.core.history_journal import Journal
from invoice_desktop.core.history_shared import KEPT_PREFIX, SharedHistory
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import get_provider, registry

from ..pg_server import PgServer, start_server

PROVIDER = get_provider("imaterialise")


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """A server of this module's own: its tests stop it."""
    server = start_server()
    yield server
    server.close()


@pytest.fixture
def url(own_server: PgServer) -> str:
    return own_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def journal(app_home) -> Journal:
    return Journal(app_home / "shared-history-journal")


def _uploads(history: SharedHistory, practice, memory_keyring) -> UploadService:
    return UploadService(
        CredentialStore(memory_keyring),
        history,
        providers=registry(),
        practice=lambda: practice,
        timeouts=Timeouts(connect=5, read=20, deadline=60),
    )


def _upload(uploads: UploadService, make_file, order: str = "ORD-1001"):
    prepared = uploads.prepare(PROVIDER, "practice", {"order_id": order}, file_path=make_file("a.pdf"))
    return uploads.run(prepared)


def test_a_connection_lost_during_an_upload_keeps_the_answer_and_it_lands_when_the_server_is_back(
    own_server, url, journal, practice, memory_keyring, make_file
):
    history = SharedHistory(url, journal=journal)
    uploads = _uploads(history, practice, memory_keyring)
    sandbox = practice.sandbox_for(PROVIDER)
    # The server dies while the invoice is on its way.
    sandbox.before_handle = lambda _request: own_server.stop(keep=True)
    try:
        result = _upload(uploads, make_file)
        sandbox.before_handle = None
        # The clerk sees what the provider said, and where the answer is kept meanwhile.
        assert result.outcome is Outcome.SUCCEEDED
        assert "kept on this computer" in (result.detail or "") and "Nothing is lost" in (result.detail or "")
        [entry] = journal.entries(history.server)
        assert entry.attempt_id == result.attempt_id and entry.outcome["state"] == hist.SUCCEEDED
        # The History shows it while the server is away.
        [row] = history.rows(HistoryQuery())
        assert row.id == result.attempt_id and row.state == hist.SUCCEEDED and row.summary.startswith(KEPT_PREFIX)
        assert history.count(HistoryQuery()) == 1

        own_server.start()
        assert history.write_deferred() == 1  # what the heartbeat does every few seconds
        assert journal.entries(history.server) == []
        [row] = history.rows(HistoryQuery())
        assert row.state == hist.SUCCEEDED and not row.summary.startswith(KEPT_PREFIX)
    finally:
        sandbox.before_handle = None
        own_server.start() if not _running(own_server) else None
        history.close()
    colleague = SharedHistory(url, journal=Journal(journal.folder.parent / "another-computer"))
    try:
        attempt = colleague.get(result.attempt_id)
        assert attempt is not None and attempt.state == hist.SUCCEEDED
        assert attempt.result["outcome"] == "succeeded" and colleague.exchanges(result.attempt_id)
    finally:
        colleague.close()


def test_an_answer_kept_when_the_app_closed_lands_at_the_next_start(
    own_server, url, journal, practice, memory_keyring, make_file
):
    history = SharedHistory(url, journal=journal)
    uploads = _uploads(history, practice, memory_keyring)
    sandbox = practice.sandbox_for(PROVIDER)
    sandbox.before_handle = lambda _request: own_server.stop(keep=True)
    try:
        result = _upload(uploads, make_file, "ORD-1002")
    finally:
        sandbox.before_handle = None
        history.close()  # the clerk closes the app while the server is still away
    assert [e.attempt_id for e in journal.entries(history.server)] == [result.attempt_id]
    own_server.start()
    again = SharedHistory(url, journal=journal)
    try:
        assert journal.entries(again.server) == []
        attempt = again.get(result.attempt_id)
        assert attempt is not None and attempt.state == hist.SUCCEEDED
    finally:
        again.close()


def test_an_unreachable_server_sends_nothing_and_says_what_to_check(
    own_server, url, journal, practice, memory_keyring, make_file
):
    history = SharedHistory(url, journal=journal)
    uploads = _uploads(history, practice, memory_keyring)
    received: list[object] = []
    practice.sandbox_for(PROVIDER).before_handle = received.append
    own_server.stop(keep=True)
    try:
        with pytest.raises(HistoryBusy) as refused:
            _upload(uploads, make_file)
        assert received == []  # nothing reached the provider: no record, no sending
        message = refused.value.message
        assert "cannot be reached" in message and "Nothing was sent" in message
        assert "office network" in message and "This computer" in message
        with pytest.raises(HistoryBusy, match="cannot be reached"):  # the History says so, not "no uploads yet"
            history.count(HistoryQuery())
    finally:
        own_server.start()
    # Back: the same app records and sends again without a restart.
    result = _upload(uploads, make_file)
    try:
        assert result.outcome is Outcome.SUCCEEDED and len(received) == 1
        assert history.get(result.attempt_id).state == hist.SUCCEEDED  # type: ignore[union-attr]
    finally:
        history.close()


def _running(server: PgServer) -> bool:
    import psycopg

    try:
        psycopg.connect(server.url(), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True
