"""Two clerks, two processes: the real CLI in children with home folders of their own, against one real PostgreSQL
server (INVOICE_DESKTOP_DATABASE_URL) — and a window and a command on one computer's history.

- Released together by a barrier (the test holds a lock both children's claims wait on, and lets go of it once
  both wait): exactly one sends; the other is told "being sent by NAME right now" and sends nothing.
- A clerk killed with SIGKILL in the middle of an upload: the colleague is refused while the lease lives, and
  proceeds once it lapsed by the server's clock; the killed clerk's attempt reads "may have arrived".
- A colleague's earlier success to the same order is said before sending, with who and when.
- A window and a command of one clerk on one computer's SQLite history: the same rule.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from invoice_desktop.core import duplicates
from invoice_desktop.core import history as hist
from invoice_desktop.core.clerk import computer_name, os_user
from invoice_desktop.core.history_pg import PgHistory
from invoice_desktop.practice.imaterialise import DEMO_API_CODE, IMaterialiseSandbox
from invoice_desktop.practice.server import PracticeServer
from invoice_desktop.providers import get_provider

ROOT = Path(__file__).resolve().parent.parent
IMAT = get_provider("imaterialise")
ORDER = {"order_id": "ORD-1001"}

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


@pytest.fixture
def provider_host():
    """One i.materialise for the whole office (the practice sandbox on loopback), counting what it receives."""
    server = PracticeServer()
    sandbox = IMaterialiseSandbox()
    server.mount("imaterialise", sandbox)
    server.start()
    yield server, sandbox
    sandbox.before_handle = None
    server.stop()


def uploads_received(sandbox: IMaterialiseSandbox) -> int:
    return sum(1 for method, _path in sandbox.requests_seen if method == "POST")


def clerk_cli(
    home: Path, user: str, server: PracticeServer, pdf: Path, *, database_url: str | None, lease_s: float | None = None
) -> subprocess.Popen[str]:
    """`invoice-desktop send imaterialise …` as `user`, in a process of its own with its own home folder."""
    env = dict(
        os.environ,
        INVOICE_DESKTOP_HOME=str(home),
        LOGNAME=user,  # the OS user the clerk is named after
        USER=user,
        INVOICE_DESKTOP_TEST_CREDENTIALS=json.dumps({"imaterialise/sandbox": {"api_code": DEMO_API_CODE}}),
    )
    env.pop("INVOICE_DESKTOP_DATABASE_URL", None)
    if database_url:
        env["INVOICE_DESKTOP_DATABASE_URL"] = database_url
    if lease_s is not None:
        env["INVOICE_DESKTOP_TEST_LEASE_S"] = str(lease_s)
    command = ["send", "imaterialise", "-e", "sandbox", "--base-url", f"{server.url}/imaterialise"]
    command += ["--data", json.dumps(ORDER), "--file", str(pdf)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli_child", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, what: str, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


@pytest.fixture
def office_database(pg_server) -> str:
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:16]}")
    PgHistory(url).close()  # the schema, made once (the administrator's job in an office)
    return url


def test_two_clerks_released_together_exactly_one_sends(office_database, provider_host, tmp_path, make_file):
    server, sandbox = provider_host
    held, release = threading.Event(), threading.Event()

    def hold(_request) -> None:  # the winner's upload stays on its way until the loser has finished
        held.set()
        release.wait(120)

    sandbox.before_handle = hold
    pdfs = {name: make_file(f"{name}.pdf", size=3000 + n) for n, name in enumerate(("anna", "ben"))}
    with psycopg.connect(office_database) as gate:
        # The barrier: both clerks' claims wait for this lock on the targets' table; let go once both wait.
        gate.execute("LOCK TABLE attempt_targets IN EXCLUSIVE MODE")
        clerks = {
            name: clerk_cli(tmp_path / name, name, server, pdf, database_url=office_database)
            for name, pdf in pdfs.items()
        }

        def both_wait() -> bool:
            for name, proc in clerks.items():
                if proc.poll() is not None:
                    raise AssertionError(f"{name} stopped before the barrier: {proc.communicate()}")
            waiting = gate.execute(
                "SELECT count(*) FROM pg_locks WHERE relation = 'attempt_targets'::regclass AND NOT granted"
            ).fetchone()
            return bool(waiting and waiting[0] == 2)

        wait_until(both_wait, "both clerks' claims wait at the barrier")
        gate.rollback()  # released together
    try:
        wait_until(lambda: any(p.poll() is not None for p in clerks.values()), "one clerk is done")
        [(loser, lost)] = [(n, p) for n, p in clerks.items() if p.poll() is not None]
        [(winner, won)] = [(n, p) for n, p in clerks.items() if n != loser]
        out, err = lost.communicate(timeout=60)
        assert lost.returncode == 1, (out, err)
        winner_clerk = f"{winner}@{computer_name()}"
        assert f"Not sent: “ORD-1001” is being sent by {winner_clerk} right now" in err
        assert "Nothing was sent" in err
        # The winner's upload, still on its way. Waited for: the loser can be done before the winner's request
        # reaches the provider (the winner still importing or connecting on a loaded machine).
        assert held.wait(60) and uploads_received(sandbox) == 1
    finally:
        release.set()
    out, err = won.communicate(timeout=60)
    assert won.returncode == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    assert uploads_received(sandbox) == 1  # exactly one sent

    office = PgHistory(office_database)
    try:
        attempts = {a.clerk: a for a in office.recent()}
        assert set(attempts) == {winner_clerk, f"{loser}@{computer_name()}"}
        assert attempts[winner_clerk].state == hist.SUCCEEDED
        lost_attempt = attempts[f"{loser}@{computer_name()}"]
        assert lost_attempt.state == hist.FAILED and winner_clerk in lost_attempt.summary
        assert office.exchanges(lost_attempt.id) == []
    finally:
        office.close()


def test_a_clerk_killed_mid_upload_holds_the_order_until_the_lease_lapses(
    office_database, provider_host, tmp_path, make_file
):
    server, sandbox = provider_host
    arrived, release = threading.Event(), threading.Event()

    def hold(_request) -> None:
        arrived.set()
        release.wait(120)

    sandbox.before_handle = hold
    lease_s = 5.0
    anna = clerk_cli(
        tmp_path / "anna", "anna", server, make_file("anna.pdf"), database_url=office_database, lease_s=lease_s
    )
    try:
        wait_until(lambda: arrived.is_set() or anna.poll() is not None, "Anna's upload reaches the provider")
        assert arrived.is_set(), anna.communicate()
        sandbox.before_handle = None
        # While Anna's app lives, the order is hers.
        ben_pdf = make_file("ben.pdf", size=4000)
        early = clerk_cli(tmp_path / "ben", "ben", server, ben_pdf, database_url=office_database)
        _out, err = early.communicate(timeout=120)
        assert early.returncode == 1 and f"is being sent by anna@{computer_name()} right now" in err, err
        assert uploads_received(sandbox) == 1
        anna.kill()  # SIGKILL, mid-upload
        anna.wait(30)
    finally:
        release.set()
        if anna.poll() is None:
            anna.kill()
    time.sleep(lease_s + 1)  # no heartbeat any more: Anna's lease lapses by the server's clock
    late = clerk_cli(tmp_path / "ben", "ben", server, ben_pdf, database_url=office_database)
    out, err = late.communicate(timeout=120)
    assert late.returncode == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    # Ben sees Anna's upload as interrupted, and is told before it goes that hers may have arrived.
    assert f"warning: The last upload to “ORD-1001”, by anna@{computer_name()} on " in err
    assert "may have arrived: The app stopped while this upload was being sent" in err

    office = PgHistory(office_database)
    try:
        annas, bens_refused, bens_sent = sorted(office.recent(), key=lambda a: a.id)
        assert annas.clerk == f"anna@{computer_name()}" and annas.state == hist.INTERRUPTED
        assert "may have arrived" in annas.summary  # nothing lost: recorded before it left, told as it is
        assert bens_refused.state == hist.FAILED and bens_sent.state == hist.SUCCEEDED
        assert uploads_received(sandbox) == 2  # Anna's (which may have arrived) and Ben's
    finally:
        office.close()


def test_a_colleagues_earlier_upload_is_named_before_sending_with_who_and_when(
    office_database, provider_host, tmp_path, make_file
):
    server, sandbox = provider_host
    anna = clerk_cli(tmp_path / "anna", "anna", server, make_file("anna.pdf"), database_url=office_database)
    out, err = anna.communicate(timeout=120)
    assert anna.returncode == 0, err
    annas = json.loads(out)["attempt_id"]
    office = PgHistory(office_database)
    try:
        made = office.get(annas)
        assert made is not None
        when = duplicates.when(made)
    finally:
        office.close()

    ben = clerk_cli(tmp_path / "ben", "ben", server, make_file("ben.pdf", size=4000), database_url=office_database)
    out, err = ben.communicate(timeout=120)
    assert ben.returncode == 0, err  # the command says it, and sends (the window asks first)
    assert (
        f"warning: An invoice was already attached to order “ORD-1001” by anna@{computer_name()} on {when} "
        f"(attempt {annas}). Sending again replaces the order's invoice document with this one." in err
    )
    assert uploads_received(sandbox) == 2


def test_a_window_and_a_command_on_one_computer_follow_the_same_rule(services, app_home, make_file):
    """The window (this process's app on the computer's history) is sending; the command refuses to send too."""
    from invoice_desktop.core.paths import data_dir

    assert services.history.path == data_dir() / "history.sqlite3"  # the file the command opens too
    server = PracticeServer()
    sandbox = IMaterialiseSandbox()
    server.mount("imaterialise", sandbox)
    server.start()
    arrived, release = threading.Event(), threading.Event()

    def hold(_request) -> None:
        arrived.set()
        release.wait(120)

    sandbox.before_handle = hold
    window: dict[str, object] = {}
    prepared = services.uploads.prepare(
        IMAT,
        "sandbox",
        ORDER,
        file_path=make_file("a.pdf"),
        base_url=f"{server.url}/imaterialise",
        credentials={"api_code": DEMO_API_CODE},
    )
    sending = threading.Thread(target=lambda: window.setdefault("result", services.uploads.run(prepared)))
    sending.start()
    try:
        assert arrived.wait(60)
        sandbox.before_handle = None
        command = clerk_cli(app_home, os_user(), server, make_file("b.pdf", size=4000), database_url=None)
        _out, err = command.communicate(timeout=120)
        assert command.returncode == 1, err
        assert "is being sent right now by another Invoice Desktop window or command of yours" in err
        assert uploads_received(sandbox) == 1
    finally:
        release.set()
        sending.join(60)
        server.stop()
    assert window["result"].ok  # type: ignore[attr-defined]
