"""Ctrl-C and SIGTERM in the CLI settle the attempt before the exit (130 after Ctrl-C, 143 after SIGTERM, as a shell
reports a command each signal ended): never a row left `sending`, and "may have arrived" once any of it had left.
Run against a real child process, as a clerk's terminal or a service manager would interrupt it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.history import History
from invoice_desktop.practice.imaterialise import DEMO_API_CODE, IMaterialiseSandbox
from invoice_desktop.practice.server import PracticeServer
from invoice_desktop.wiring import create_services

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


@pytest.fixture
def server() -> Iterator[tuple[PracticeServer, IMaterialiseSandbox]]:
    srv = PracticeServer()
    sandbox = IMaterialiseSandbox()
    srv.mount("imaterialise", sandbox)
    srv.start()
    yield srv, sandbox
    srv.stop()


def child_env(app_home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        INVOICE_DESKTOP_HOME=str(app_home),
        INVOICE_DESKTOP_TEST_CREDENTIALS=json.dumps({"imaterialise/sandbox": {"api_code": DEMO_API_CODE}}),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def as_in_a_terminal() -> None:
    """Ctrl-C as a clerk's terminal delivers it: a suite started in the background (`pytest &` from a script) runs
    with SIGINT ignored, the child would inherit that and never see the Ctrl-C this file sends."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_send(app_home: Path, url: str, pdf: Path, order: str = "ORD-1001", **env: str) -> subprocess.Popen[str]:
    args = ["send", "imaterialise", "-e", "sandbox", "--base-url", f"{url}/imaterialise"]
    args += ["--data", json.dumps({"order_id": order}), "--file", str(pdf)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli_child", *args],
        cwd=ROOT,
        env=child_env(app_home, **env),
        preexec_fn=as_in_a_terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    ("signum", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c-130", "sigterm-143"]
)
def test_an_interrupted_upload_is_settled_as_may_have_arrived_before_its_exit(
    server, app_home, make_file, signum, exit_code
):
    srv, sandbox = server
    arrived = threading.Event()
    release = sandbox.hold_answers()  # the provider got the whole request and is slow to answer
    sandbox.before_handle = lambda _request: arrived.set()
    child = start_send(app_home, srv.url, make_file("a.pdf"))
    try:
        assert arrived.wait(30), child.stderr.read() if child.poll() is not None else "no request"
        child.send_signal(signum)
        _out, err = child.communicate(timeout=30)
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
    assert child.returncode == exit_code, err
    assert "Traceback" not in err
    assert "may have arrived" in err
    history = History(app_home / "history.sqlite3")
    try:
        [attempt] = history.recent()
        assert attempt.state == hist.CANCELLED
        assert "may have arrived" in attempt.summary
    finally:
        history.close()


def test_the_window_starting_while_the_cli_sends_leaves_its_upload_alone(server, app_home, make_file, memory_keyring):
    # The window starts (and looks for interrupted uploads) while a CLI upload is waiting for the provider's answer.
    from invoice_desktop.core.credentials import CredentialStore

    srv, sandbox = server
    arrived = threading.Event()
    release = sandbox.hold_answers()
    sandbox.before_handle = lambda _request: arrived.set()
    child = start_send(app_home, srv.url, make_file("a.pdf"))
    try:
        assert arrived.wait(30), "no request"
        window = create_services(CredentialStore(memory_keyring), History(app_home / "history.sqlite3"))
        try:
            [attempt] = window.history.recent()
            assert attempt.state == hist.SENDING  # not "interrupted": its sender is alive
            release.set()
            _out, err = child.communicate(timeout=30)
            assert child.returncode == 0, err
            assert window.history.get(attempt.id).state == hist.SUCCEEDED
        finally:
            window.close()
    finally:
        release.set()
        if child.poll() is None:
            child.kill()


def test_ctrl_c_before_anything_left_says_nothing_was_sent(server, app_home, make_file):
    # The attempt cannot be recorded (the history is held by another program), so nothing can have been sent.
    srv, sandbox = server
    child = start_send(
        app_home,
        srv.url,
        make_file("a.pdf"),
        INVOICE_DESKTOP_TEST_HISTORY_STUCK="1",
        INVOICE_DESKTOP_TEST_SETTLE_S="0.5",
    )
    try:
        # Wait until the upload is under way: its checked copy exists, and recording it is what hangs.
        deadline = time.monotonic() + 30
        while not list((app_home / "snapshots").glob("*/a.pdf")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "nothing was sent" in err and "may have arrived" not in err
    assert sandbox.requests_seen == []


@pytest.mark.parametrize("command", [["--help"], ["batch", "--help"]], ids=" ".join)
def test_the_help_gives_the_exit_code_of_ctrl_c_and_of_sigterm(command, capsys):
    from invoice_desktop import cli

    with pytest.raises(SystemExit):
        cli.main(command)
    said = " ".join(capsys.readouterr().out.split())  # argparse wraps the epilog to the terminal's width
    assert "130 cancelled" in said and "143 after SIGTERM" in said
