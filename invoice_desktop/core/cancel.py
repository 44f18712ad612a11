"""Cancel, shared by the one who asks (the UI's Cancel button, Ctrl-C) and the work that must stop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("invoice_desktop.exchange")


class CancelToken:
    """Set by the UI (or Ctrl-C in the CLI); checked by the transport while it streams, and able to break off a
    wait for the provider's answer (see `on_cancel`)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:  # on the cancelling thread: each must be quick and thread-safe
            try:
                callback()
            except Exception:
                log.debug("a cancel callback failed", exc_info=True)

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Run `callback` once when cancelled (at once if already so). Returns a function that removes it."""
        with self._lock:
            registered = not self._event.is_set()
            if registered:
                self._callbacks.append(callback)
        if not registered:
            callback()

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(seconds)
