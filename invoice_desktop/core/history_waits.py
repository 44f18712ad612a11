"""Statements on the history that are running right now, and for how long: the command line says at once when
one waits (another program holds the history's lock) instead of staying silent until it gives up.

SQLite waits for a lock inside one call (its busy timeout), and PostgreSQL for another clerk's row lock or the
server's maintenance inside one statement (its lock_timeout), so the wait cannot be seen from the statement itself;
a front end asks here instead. A local history answers in milliseconds: a statement still running after a fraction
of a second is waiting for another program.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Wait:
    """A statement on the history that has been waiting: where, since when, and how long it may still wait."""

    where: str  # the history's file, or the shared history's server ("host:port/database")
    started: float  # time.monotonic() when the statement began: tells one wait from the next
    waited_s: float
    left_s: float  # at most, before the app gives up and says the history stayed locked
    shared: bool = False  # the office's shared history: what holds it is another clerk's upload or the server's


# Thread -> (where, started, limit_s, shared): the statement each thread is running on a history.
_running: dict[int, tuple[str, float, float, bool]] = {}


@contextmanager
def running(where: str, limit_s: float, *, shared: bool = False) -> Iterator[None]:
    """Mark the calling thread as running a statement on the history at `where` that may wait up to `limit_s`;
    `shared`: the office's server (PostgreSQL waits for a row or table lock as long as its lock_timeout)."""
    key = threading.get_ident()
    if key in _running:  # nested: the outer statement's start and limit are what the clerk waits for
        yield
        return
    _running[key] = (where, time.monotonic(), limit_s, shared)
    try:
        yield
    finally:
        _running.pop(key, None)


def longest() -> Wait | None:
    """The statement that has been running longest now, on any thread; None when none is running."""
    entries = list(_running.values())
    if not entries:
        return None
    where, started, limit_s, shared = min(entries, key=lambda entry: entry[1])
    waited = time.monotonic() - started
    return Wait(where, started, waited, max(0.0, limit_s - waited), shared)
