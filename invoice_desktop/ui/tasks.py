"""Runs core calls off the UI thread and delivers their outcome back on it.

Workers are plain Python daemon threads; each reports through a parentless `_Bridge` QObject that lives on the
UI thread, so a late report after the window closed reaches a live object (and is dropped), never a deleted one.
The runner is owned by the long-lived application controller, not by a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.cancel import CancelToken

log = logging.getLogger(__name__)


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

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

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

    def submit(
        self,
        name: str,
        work: Callable[[Task], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Task:
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
                task.bridge.done.emit()

        self._tasks.add(task)
        task.thread = threading.Thread(target=run, name=f"task-{name}", daemon=True)
        task.thread.start()
        return task

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
        for task in tasks:
            if task.thread is not None:
                task.thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.running for t in tasks)
