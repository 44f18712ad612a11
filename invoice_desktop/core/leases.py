"""The heartbeat behind the history's leases.

Each attempt being sent carries a lease (the sending app's random owner id and an expiry time). While the app
runs, this thread renews its own leases and marks attempts whose lease lapsed — their sender was killed, crashed or
lost power — as interrupted, so a clerk sees "may have arrived" within a lease of the crash rather than a row stuck
at `sending`. A live sender elsewhere (the window while the CLI runs) keeps its lease and is left alone.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from .errors import InvoiceDesktopError
from .i18n import N_

log = logging.getLogger("invoice_desktop.history")


class LeasedHistory(Protocol):
    """What the heartbeat does to the history (core/history.py's History and PgHistory); typed here so that this
    module, which the history imports, does not import it back."""

    def write_deferred(self) -> object: ...

    def renew_leases(self) -> int: ...

    def mark_interrupted(self) -> object: ...


class LeaseKeeper:
    def __init__(self, history: LeasedHistory, interval_s: float) -> None:
        self._history = history
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="history-leases", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._history.write_deferred()
                self._history.renew_leases()
                self._history.mark_interrupted()
            except InvoiceDesktopError as exc:  # the history is locked for now: the next beat tries again
                log.warning(N_("Could not renew the upload leases: %(error)s"), {"error": exc.message})
            except Exception:  # closed under us at shutdown, or a disk error: never kill the app over a heartbeat
                if self._stop.is_set():
                    return
                log.exception(N_("Could not renew the upload leases"))
