"""The UI thread never waits for a worker thread to begin: `threading.Thread.start` blocks its caller until the new
thread has run, which, while other workers hold Python's GIL, froze the window for 5-20 ms at each task started
(the clerk's first drop starts the provider's import, the file check and the preview together)."""

from __future__ import annotations

import threading

import pytest

from invoice_desktop.ui.tasks import TaskRunner


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(thread started, thread that started it), for every thread started while the test runs."""
    started: list[tuple[str, str]] = []
    original = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append((thread.name, threading.current_thread().name))
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


def test_tasks_and_lanes_are_started_off_the_ui_thread(qtbot, starts):
    runner = TaskRunner()
    results: list[int] = []
    with qtbot.waitSignal(runner.all_done, timeout=10000):
        runner.submit("provider", lambda _t: 1, results.append)
        runner.submit("check-file", lambda _t: 2, results.append, lane="file-check")
        runner.submit("preview", lambda _t: 3, results.append, lane="preview", lane_threads=1)
    assert sorted(results) == [1, 2, 3]
    ui = threading.main_thread().name
    by_ui = [name for name, starter in starts if starter == ui]
    # The launcher itself is started once, by the app's first task; no worker is ever started by the UI thread.
    assert set(by_ui) <= {"task-launcher"}
    assert {"task-provider", "lane-file-check", "lane-preview"} <= {name for name, _ in starts}
    assert runner.shutdown(timeout=5)


def test_shutdown_joins_a_task_the_launcher_has_just_been_asked_to_start(qtbot):
    runner = TaskRunner()
    cancelled: list[bool] = []

    def slow(task):
        while not task.cancel_token.cancelled:
            threading.Event().wait(0.01)
        cancelled.append(True)

    task = runner.submit("upload", slow)
    assert task.running  # asked for: running, even before its thread begins
    assert runner.shutdown(timeout=5)  # started, cancelled and waited for: not left behind unjoined
    assert cancelled == [True]
    assert not task.running
