"""File checks share a few worker threads: a hundred files dropped in a row start three threads, not a hundred."""

from __future__ import annotations

import threading

from invoice_desktop.ui.tasks import LANE_LINGER_S, LANE_THREADS, TaskRunner


def test_a_hundred_tasks_in_a_lane_share_a_few_threads(qtbot):
    runner = TaskRunner()
    release = threading.Event()
    ran_on: list[str] = []
    idents: set[int] = set()
    results: list[int] = []

    def work(number: int):
        def run(_task):
            release.wait(10)  # the lane's threads are all busy while the others queue up behind them
            ran_on.append(threading.current_thread().name)
            idents.add(threading.get_ident())
            return number

        return run

    tasks = [runner.submit("check-file", work(n), results.append, lane="file-check") for n in range(100)]
    assert LANE_THREADS == 3
    assert all(t.running for t in tasks)  # waiting their turn counts as running
    with qtbot.waitSignal(runner.all_done, timeout=10000):
        release.set()
    assert sorted(results) == list(range(100))
    assert set(ran_on) == {"lane-file-check"} and len(ran_on) == 100
    assert len(idents) <= LANE_THREADS
    assert not any(t.running for t in tasks)
    # The next task right after (the next file of a drop) runs on a thread the lane already has: starting one makes
    # the UI thread wait until it runs.
    lane_threads = {t for t in threading.enumerate() if t.name == "lane-file-check"}
    with qtbot.waitSignal(runner.all_done, timeout=10000):
        runner.submit("check-file", work(100), results.append, lane="file-check")
    assert results[-1] == 100
    assert {t for t in threading.enumerate() if t.name == "lane-file-check"} <= lane_threads
    # An idle lane keeps no thread for long: its threads end by themselves, and a next task starts one again.
    qtbot.waitUntil(lambda: not any(t.name == "lane-file-check" for t in threading.enumerate()), timeout=15000)
    with qtbot.waitSignal(runner.all_done, timeout=10000):
        runner.submit("check-file", work(101), results.append, lane="file-check")
    assert results[-1] == 101
    assert runner.shutdown(timeout=5)


def test_shutdown_ends_idle_lane_threads_at_once(qtbot):
    runner = TaskRunner()
    with qtbot.waitSignal(runner.all_done, timeout=10000):
        runner.submit("check-file", lambda _task: 1, lane="file-check")
    assert any(t.name == "lane-file-check" for t in threading.enumerate())  # idle, waiting for a next task
    # It is woken, not waited for: LANE_LINGER_S is far longer than a shutdown takes.
    assert runner.shutdown(timeout=LANE_LINGER_S / 2)
    assert not any(t.name == "lane-file-check" and t.is_alive() for t in threading.enumerate())


def test_shutdown_waits_for_a_lane_and_cancels_its_tasks(qtbot):
    runner = TaskRunner()
    started = threading.Event()
    cancelled: list[bool] = []

    def slow(task):
        started.set()
        while not task.cancel_token.cancelled:
            threading.Event().wait(0.01)
        cancelled.append(True)

    runner.submit("check-file", slow, lane="file-check")
    assert started.wait(5)
    assert runner.shutdown(timeout=5)
    assert cancelled == [True]
