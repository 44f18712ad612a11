"""The CLI while another program holds the history (another window or command, a backup, a database viewer): it
says at once that it waits and for what, goes on when the history is let go, and Ctrl-C stops the wait at once.
Before, it stayed silent for a minute and then said the history was locked; Ctrl-C was answered only then."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_desktop.core.history import History
from tests.test_cli_signals import server, start_send  # noqa: F401  (server is a fixture)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


@pytest.fixture
def held_history(app_home: Path) -> Iterator[sqlite3.Connection]:
    """The app's history, held by another program's write transaction until the test lets it go."""
    History(app_home / "history.sqlite3").close()  # it exists, as after any earlier use
    holder = sqlite3.connect(app_home / "history.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def first_waiting_line(child: subprocess.Popen[str]) -> str:
    """The child's stderr up to its line saying it waits for the history ("" if it ended without one)."""
    assert child.stderr is not None
    for line in child.stderr:
        if "waiting for the upload history" in line or "waiting for the shared history" in line:
            return line
    return ""


def test_the_cli_says_at_once_that_it_waits_for_the_history_and_sends_once_it_is_let_go(
    server,  # noqa: F811
    app_home,
    make_file,
    held_history,
):
    srv, sandbox = server
    child = start_send(app_home, srv.url, make_file("a.pdf"))
    try:
        line = first_waiting_line(child)
        assert str(app_home / "history.sqlite3") in line, line
        assert "another program is using it" in line and "Ctrl-C" in line
        # Said while it still waits: nothing sent, nothing given up.
        assert child.poll() is None and sandbox.requests_seen == []
        held_history.execute("ROLLBACK")
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert json.loads(out)["outcome"] == "succeeded"


def test_ctrl_c_while_waiting_for_the_history_stops_at_once_and_nothing_was_sent(
    server,  # noqa: F811
    app_home,
    make_file,
    held_history,
):
    srv, sandbox = server
    child = start_send(app_home, srv.url, make_file("a.pdf"))
    try:
        assert first_waiting_line(child)
        child.send_signal(signal.SIGINT)
        # Well within the 30 s the history is waited for (before, Ctrl-C was answered only after 60 s).
        _out, err = child.communicate(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "nothing was sent" in err and "Traceback" not in err
    assert sandbox.requests_seen == []


def test_the_cli_says_at_once_that_it_waits_for_the_shared_history_and_sends_once_it_is_let_go(
    server,  # noqa: F811
    app_home,
    make_file,
    pg_server,
):
    """On the office's server the holder is another clerk's upload or the server's maintenance (here a table lock
    an administrator's job takes): said at once, by the server's name, never its password."""
    import uuid

    import psycopg

    from invoice_desktop.core.history_pg import PgHistory, server_of

    srv, sandbox = server
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:16]}")
    PgHistory(url).close()  # the schema, made once (the administrator's job in an office)
    with psycopg.connect(url) as maintenance:
        maintenance.execute("LOCK TABLE attempts IN EXCLUSIVE MODE")
        child = start_send(app_home, srv.url, make_file("a.pdf"), INVOICE_DESKTOP_DATABASE_URL=url)
        try:
            line = first_waiting_line(child)
            assert f"waiting for the shared history ({server_of(url)})" in line, line
            assert "another clerk's upload or maintenance on the server" in line and "Ctrl-C" in line
            assert child.poll() is None and sandbox.requests_seen == []
        except BaseException:
            child.kill()
            raise
    try:  # the lock is let go with its connection
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert json.loads(out)["outcome"] == "succeeded"


def test_a_batch_says_at_once_when_recording_a_row_waits_for_the_history(app_home, tmp_path):
    """`invoice-desktop batch` waited silently while another program held the history between two rows."""
    import sys
    import threading

    from invoice_desktop.practice.payfabric import PayFabricSandbox
    from invoice_desktop.practice.server import PracticeServer
    from tests.documents_factory import einvoice_data, facturx_pdf
    from tests.test_cli_signals import ROOT

    folder = tmp_path / "month-end"
    folder.mkdir()
    for n in (1, 2):
        facturx_pdf(folder / f"invoice-{n}.pdf", einvoice_data(f"INV-{n}"))
    path = app_home / "history.sqlite3"
    History(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    held = threading.Event()

    class HoldingPayFabric(PayFabricSandbox):
        def handle(self, request):  # type: ignore[no-untyped-def]
            if not held.is_set():  # the first request arrives: another program takes the history meanwhile
                holder.execute("BEGIN EXCLUSIVE")
                held.set()
            return super().handle(request)

    host = PracticeServer()
    sandbox = HoldingPayFabric()
    host.mount("payfabric", sandbox)
    host.start()
    env = dict(
        os.environ,
        INVOICE_DESKTOP_HOME=str(app_home),
        INVOICE_DESKTOP_TEST_CREDENTIALS=json.dumps({"payfabric/sandbox": sandbox.DEMO_CREDENTIALS}),
        PYTHONUNBUFFERED="1",
    )
    command = ["batch", "payfabric", str(folder), "-e", "sandbox", "--base-url", f"{host.url}/payfabric"]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.cli_child", *command],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = first_waiting_line(child)
        assert f"waiting for the upload history ({path})" in line, line
        assert child.poll() is None  # still waiting, not given up
        holder.execute("ROLLBACK")
        _out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        host.stop()
    assert child.returncode == 0, err
    assert sorted(r["invoice"]["InvoiceId"] for r in sandbox.received) == ["INV-1", "INV-2"]
