"""The command line while it waits for the history: it says so at once (another program holds the history's lock:
another window or command, a backup, a database viewer; on the shared server, another clerk's upload or the
server's maintenance) instead of staying silent until it gives up, and Ctrl-C stays answered at once: the wait runs
on a worker thread, the main thread keeps watching and takes the signal."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

from .core.i18n import _

T = TypeVar("T")

# A local history answers in milliseconds; a statement still running after this long is waiting for a lock.
SAY_AFTER_S = 0.5
TICK_S = 0.1


class WaitNotice:
    """Prints one line per wait for the history, on stderr, once the wait has lasted SAY_AFTER_S."""

    def __init__(self) -> None:
        self._said_for: float | None = None

    def check(self) -> None:
        from .core.history_waits import longest

        wait = longest()
        if wait is None or wait.waited_s < SAY_AFTER_S or wait.started == self._said_for:
            return
        self._said_for = wait.started
        if wait.shared:
            message = _(
                "waiting for the shared history ({server}): another clerk's upload or maintenance on the server holds "
                "what this needs. Waiting up to {seconds} s; Ctrl-C stops waiting."
            ).format(server=wait.where, seconds=math.ceil(wait.left_s))
        else:
            message = _(
                "waiting for the upload history ({path}): another program is using it (another Invoice Desktop "
                "window or command, a backup or a database viewer). Waiting up to {seconds} s; Ctrl-C stops waiting."
            ).format(path=wait.where, seconds=math.ceil(wait.left_s))
        print(f"invoice-desktop: {message}", file=sys.stderr, flush=True)


def watch(finished: threading.Event, notice: WaitNotice | None = None) -> None:
    """Return when `finished` is set, saying meanwhile when the work waits for the history. A signal handler's
    exception (KeyboardInterrupt) is raised here at once."""
    notice = notice or WaitNotice()
    while not finished.wait(TICK_S):
        notice.check()


def run_watched(work: Callable[[], T], name: str) -> T:
    """`work()` on a worker thread, watched as `watch` does: its result, or its exception raised here. On Ctrl-C
    the worker is left behind (a daemon): only call it for work that sends nothing (e.g. opening the history)."""
    done: dict[str, object] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            done["result"] = work()
        except BaseException as exc:  # handed to the caller's thread
            done["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    watch(finished)
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["result"]  # type: ignore[return-value]
