"""Runs core calls off the UI thread and delivers their outcome back on it.

Workers are plain Python daemon threads (one per task, or a few per lane for many short tasks of a kind, such as
file checks and previews: a hundred files dropped in a row start at most LANE_THREADS threads, not a hundred, and a
lane's idle thread waits LANE_LINGER_S for the next task before it ends, since starting a thread makes the UI thread
wait until the new one runs, several milliseconds when a worker holds Python's GIL); each reports
through a parentless `_Bridge` QObject that lives on the UI thread, so a late report after the window closed
reaches a live object (and is dropped), never a deleted one.
The UI thread never starts a worker itself: `threading.Thread.start` waits until the new thread has run, which
takes as long as the workers already busy take to give up Python's GIL (5 ms each, and longer when the machine is
loaded: 10-20 ms stalls, seen at the clerk's first drop, when the provider's import, the file check and the preview
start together). One launcher thread starts them instead, in the order asked.
The runner is owned by the long-lived application controller, not by a widget.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.cancel import CancelToken

log = logging.getLogger(__name__)

# Threads a lane may run at once: enough that one slow task (a file on a network share that hangs) does not hold
# up the next ones, few enough that a burst of tasks does not start a thread each.
LANE_THREADS = 3
# How long an idle lane thread waits for the next task before it ends (files dropped or rows previewed one after
# another reuse it).
LANE_LINGER_S = 2.0


class _Launcher:
    """Starts worker threads for the UI thread, which then never waits for a thread to begin running. (A deque and a
    condition, not queue.SimpleQueue: the queue module is one more import before the first paint.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._asked = threading.Condition(self._lock)
        self._waiting: deque[tuple[threading.Thread, Task | None] | threading.Event] = deque()
        self._thread: threading.Thread | None = None

    def start(self, thread: threading.Thread, task: Task | None = None) -> None:
        """Start `thread` soon (a lane thread has no one task: `task` None)."""
        self._ask((thread, task))

    def flush(self, timeout: float) -> bool:
        """Wait (bounded) until every thread asked for so far is started. True if they are."""
        reached = threading.Event()
        self._ask(reached)
        return reached.wait(timeout)

    def _ask(self, item: tuple[threading.Thread, Task | None] | threading.Event) -> None:
        with self._lock:
            self._waiting.append(item)
            self._asked.notify()
            if self._thread is None or not self._thread.is_alive():
                # Once, at the app's first task (its start, before the clerk does anything): the one wait left.
                self._thread = threading.Thread(target=self._run, name="task-launcher", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._waiting:
                    self._asked.wait()
                item = self._waiting.popleft()
            if isinstance(item, threading.Event):
                item.set()
                continue
            thread, task = item
            try:
                thread.start()
            except RuntimeError as exc:  # "can't start new thread": the task ends with that error, shown plainly
                log.warning("could not start %s: %s", thread.name, exc)
                if task is not None:
                    task.bridge.failed.emit(exc)
                    task.finished.set()
                    task.bridge.done.emit()


_launcher = _Launcher()


class _Lane:
    def __init__(self, lock: threading.Lock) -> None:
        self.waiting: deque[Callable[[], None]] = deque()
        self.workers: set[threading.Thread] = set()
        self.busy = 0
        self.wake = threading.Condition(lock)  # a task arrived, or the runner is closing


class _Bridge(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    done = Signal()


class Task:
    """A running piece of work: cancel it, or wait for it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cancel_token = CancelToken()
        self.thread: threading.Thread | None = None
        self.bridge = _Bridge()
        self.finished = threading.Event()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def running(self) -> bool:
        """Started and not finished (a task waiting its turn in a lane counts as running)."""
        return self.thread is not None and not self.finished.is_set()

    def report_progress(self, sent: int, total: int) -> None:
        """Called on the worker thread."""
        self.bridge.progressed.emit(sent, total)


class TaskRunner(QObject):
    """Starts tasks; `shutdown` cancels them and waits (bounded) when the app closes."""

    all_done = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[Task] = set()
        self._closing = False
        self._lanes: dict[str, _Lane] = {}
        self._lanes_lock = threading.Lock()

    def submit(
        self,
        name: str,
        work: Callable[[Task], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lane: str | None = None,
        lane_threads: int = LANE_THREADS,
    ) -> Task:
        """Run `work(task)` off the UI thread. With a `lane`, tasks of that lane share at most `lane_threads`
        threads (started when the lane has work and no free thread, ended when it has none) instead of one each."""
        task = Task(name)
        if on_result:
            task.bridge.succeeded.connect(lambda value: None if self._closing else on_result(value))
        if on_error:
            task.bridge.failed.connect(lambda exc: None if self._closing else on_error(exc))
        if on_progress:
            task.bridge.progressed.connect(lambda a, b: None if self._closing else on_progress(a, b))
        task.bridge.done.connect(lambda: self._finished(task))

        def run() -> None:
            try:
                value = work(task)
            except BaseException as exc:  # delivered to the UI thread, which shows it plainly
                if not isinstance(exc, Exception):
                    log.warning("task %s ended by %s", name, type(exc).__name__)
                task.bridge.failed.emit(exc)
            else:
                task.bridge.succeeded.emit(value)
            finally:
                task.finished.set()
                task.bridge.done.emit()

        self._tasks.add(task)
        if lane is None:
            task.thread = threading.Thread(target=run, name=f"task-{name}", daemon=True)
            _launcher.start(task.thread, task)
        else:
            task.thread = self._queue(lane, run, lane_threads)
        return task

    def _queue(self, name: str, run: Callable[[], None], limit: int) -> threading.Thread:
        with self._lanes_lock:
            lane = self._lanes.get(name)
            if lane is None:
                lane = self._lanes[name] = _Lane(self._lanes_lock)
            lane.waiting.append(run)
            free = len(lane.workers) - lane.busy  # idle threads waiting for a task
            if (free < len(lane.waiting) and len(lane.workers) < limit) or not lane.workers:
                thread = threading.Thread(target=self._drain, args=(lane,), name=f"lane-{name}", daemon=True)
                lane.workers.add(thread)
                _launcher.start(thread)
                return thread
            lane.wake.notify()
            return next(iter(lane.workers))  # one of the lane's threads will run it (shutdown joins them all)

    def _drain(self, lane: _Lane) -> None:
        me = threading.current_thread()
        while True:
            with self._lanes_lock:
                if not lane.waiting and not self._closing:
                    lane.wake.wait(LANE_LINGER_S)
                if not lane.waiting:
                    lane.workers.discard(me)  # the next task of this lane starts a thread again
                    return
                run = lane.waiting.popleft()
                lane.busy += 1
            try:
                run()
            finally:
                with self._lanes_lock:
                    lane.busy -= 1

    def _finished(self, task: Task) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self.all_done.emit()

    @property
    def busy(self) -> bool:
        return any(t.running for t in self._tasks)

    def running_tasks(self) -> list[Task]:
        return [t for t in self._tasks if t.running]

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Cancel every task and wait up to `timeout` seconds in all. True if all ended."""
        import time

        self._closing = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        deadline = time.monotonic() + timeout
        _launcher.flush(timeout)  # the threads asked for are started (a thread not yet started cannot be joined)
        with self._lanes_lock:
            for lane in self._lanes.values():
                lane.wake.notify_all()  # idle lane threads end now instead of waiting for a next task
            threads = {w for lane in self._lanes.values() for w in lane.workers}
        threads |= {t.thread for t in tasks if t.thread is not None}
        for thread in threads:
            if thread.ident is not None:  # started (else the launcher could not start it in time)
                thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.running for t in tasks)
