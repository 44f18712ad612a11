"""The window's start while another program holds the history: a message says at once what it waits for and where,
with the time left and Quit; the window opens as soon as the history is let go. Before, the clerk saw nothing at all
for up to 30 s (the history was opened on the UI thread before any window existed)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from invoice_desktop.core.history import History, HistoryBusy
from invoice_desktop.core.history_pg import PgHistory, server_of
from invoice_desktop.ui.history_wait import open_services
from invoice_desktop.wiring import create_services
from tests.ui.window_child import window_env

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def held_history(app_home: Path) -> Iterator[sqlite3.Connection]:
    """The app's history, held by another program's write transaction until the test lets it go."""
    History(app_home / "history.sqlite3").close()  # it exists, as after any earlier use
    holder = sqlite3.connect(app_home / "history.sqlite3", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def when_the_wait_is_said(then: Callable[[QMessageBox], None]) -> None:
    """Call `then` with the start's wait message once it is shown (looked for on the UI thread, which the start's
    own event loop keeps running meanwhile)."""

    def look() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "history-wait"), None)
        if isinstance(box, QMessageBox) and box.isVisible() and box.informativeText():
            then(box)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def opening_worker_ends() -> None:
    for thread in threading.enumerate():
        if thread.name == "open-history":
            thread.join(30)
            assert not thread.is_alive()


def test_a_held_history_is_said_at_once_and_the_start_goes_on_once_it_is_let_go(
    qtbot, app_home, memory_keyring, held_history
):
    said: dict[str, str] = {}

    def let_go(box: QMessageBox) -> None:
        said.update(text=box.text(), next=box.informativeText(), buttons=" ".join(b.text() for b in box.buttons()))
        held_history.execute("ROLLBACK")  # the other program finishes

    when_the_wait_is_said(let_go)
    services = open_services(create_services)
    try:
        assert services is not None and services.history.path == app_home / "history.sqlite3"
        assert f"Waiting for the upload history ({app_home / 'history.sqlite3'})" in said["text"], said
        assert "another program is using it" in said["text"]
        assert "Waiting up to" in said["next"] and "Quit stops waiting" in said["next"], said
        assert said["buttons"] == "&Quit"
        assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if w.objectName() == "history-wait")
    finally:
        services.close() if services is not None else None


def test_quit_while_the_history_is_held_ends_the_wait_at_once(qtbot, app_home, memory_keyring, held_history):
    path = app_home / "history.sqlite3"
    when_the_wait_is_said(lambda box: box.buttons()[0].click())
    # The history is waited for 10 s here (30 s in the app): Quit comes long before, while it still waits, even on
    # a loaded machine (had the wait ended first, open_services would have raised HistoryBusy).
    started = open_services(lambda: create_services(history=History(path, busy_timeout_s=10.0)))
    assert started is None
    assert any(t.name == "open-history" and t.is_alive() for t in threading.enumerate())
    opening_worker_ends()  # it gives up on its own (HistoryBusy, on its thread); nothing was opened or sent


def test_a_lock_on_the_shared_history_is_said_by_server_and_the_start_goes_on(qtbot, memory_keyring, pg_server):
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:16]}")
    PgHistory(url).close()  # the schema, made once
    said: dict[str, str] = {}
    with psycopg.connect(url) as maintenance:
        maintenance.execute("LOCK TABLE attempts IN EXCLUSIVE MODE")

        def let_go(box: QMessageBox) -> None:
            said.update(text=box.text(), next=box.informativeText())
            maintenance.rollback()

        when_the_wait_is_said(let_go)
        services = open_services(lambda: create_services(history=PgHistory(url)))
    assert services is not None
    try:
        assert f"Waiting for the shared history ({server_of(url)})" in said["text"], said
        assert "another clerk's upload or maintenance on the server" in said["text"]
        assert "Waiting up to" in said["next"]
    finally:
        services.close()


def test_a_history_that_stays_held_is_given_up_with_the_plain_message(qtbot, app_home, memory_keyring, held_history):
    path = app_home / "history.sqlite3"
    seen: list[str] = []
    when_the_wait_is_said(lambda box: seen.append(box.text()))
    with pytest.raises(HistoryBusy, match="stayed locked"):
        open_services(lambda: create_services(history=History(path, busy_timeout_s=1.5)))
    assert seen  # said while it waited, then given up as before


QUIT_AT_START = textwrap.dedent(
    """
    import sqlite3, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication([sys.argv[0]])
    critical = []
    QMessageBox.critical = staticmethod(lambda parent, title, text, *a, **k: critical.append(text))
    holder = sqlite3.connect(sys.argv[1], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the history
    said = []

    def look():
        box = next((w for w in app.topLevelWidgets() if w.objectName() == "history-wait" and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, look)
            return
        said.append(box.text())
        box.buttons()[0].click()  # Quit

    QTimer.singleShot(0, look)
    from invoice_desktop.ui.app import main

    seen = []
    code = main([], on_window=seen.append)
    print("EXIT", code)
    print("SAID", said[0] if said else "")
    print("WINDOW", bool(seen), "CRITICAL", bool(critical))
    """
)


def test_the_window_quits_from_the_wait_without_opening(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = window_env(home, tmp_path / "config")
    History(home / "history.sqlite3").close()
    done = subprocess.run(
        [sys.executable, "-c", QUIT_AT_START, str(home / "history.sqlite3")],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
    )  # fmt: skip
    assert "EXIT 1" in done.stdout, done.stdout + done.stderr
    assert f"SAID Waiting for the upload history ({home / 'history.sqlite3'})" in done.stdout, done.stdout
    assert "WINDOW False CRITICAL False" in done.stdout, done.stdout


def test_an_upload_waiting_for_the_history_says_so_in_the_status_bar_and_sends_once_it_is_let_go(
    qtbot, window, services, make_file
):
    """Its record is written before it is sent: while another program holds the history, the clerk saw only the
    upload's own words for up to 30 s. Now the status bar says what it waits for, as the CLI does."""
    from invoice_desktop.core.results import Outcome

    from .conftest import select_provider
    from .test_main_window import drop_file, order_input, sandbox

    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("a.pdf"))
    holder = sqlite3.connect(services.history.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with qtbot.waitSignal(
            window.statusBar().messageChanged,
            timeout=15000,
            check_params_cb=lambda text: "Waiting for the upload history" in text,
        ) as said:
            qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
        assert "another program is using it — another Invoice Desktop window or command" in said.args[0]
        assert sandbox(services).received == []  # not sent before it is recorded
        with qtbot.waitSignal(window.outcome.shown, timeout=15000) as shown:
            holder.execute("ROLLBACK")
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    assert shown.args[0].outcome is Outcome.SUCCEEDED
    assert len(sandbox(services).received) == 1
