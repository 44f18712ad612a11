"""The window's start while another program holds the history: it says at once what it waits for, with Quit.

Every attempt is recorded before it is sent, so the window opens only on a history it can write. Before, a history
held by another program (another Invoice Desktop window or command, a backup, a database viewer; on the shared
server another clerk's upload or maintenance) kept the clerk looking at nothing for up to 30 s. Now the history is
opened on a worker; the moment a statement has waited half a second for a lock (core/history_waits.py), a message
says for what and where, counts down the time left, and Quit ends the wait. The window opens once it is free.
A history that answers at once costs the start a thread and nothing else: no message, no event loop.

While an upload runs, `UploadWaitNotice` says the same in the status bar when recording it waits for the history.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from ..core import history_waits
from ..core.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from ..core.services import Services

# A history answers in milliseconds; a statement still running after this long is waiting for a lock (as the CLI).
SAY_AFTER_S = 0.5
TICK_S = 0.1
NOTICE_TICK_MS = 250  # during an upload: the status bar's message, renewed while the wait lasts


def open_services(create: Callable[[], Services]) -> Services | None:
    """`create()` on a worker, saying meanwhile what it waits for: the services, or None when the clerk chose Quit
    while it waited; its exception (e.g. HistoryBusy once it gave up) is raised here."""
    done: dict[str, object] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            done["result"] = create()
        except BaseException as exc:  # handed to the UI thread
            done["error"] = exc
        finally:
            finished.set()

    # A daemon: after Quit, the history may stay held for as long as it is waited for; nothing is sent meanwhile.
    threading.Thread(target=run, name="open-history", daemon=True).start()
    while not finished.wait(TICK_S):
        wait = history_waits.longest()
        if wait is not None and wait.waited_s >= SAY_AFTER_S:
            if not _wait_with_notice(finished):
                return None
            finished.wait()
            break
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["result"]  # type: ignore[return-value]


def _wait_with_notice(finished: threading.Event) -> bool:
    """Show what the start waits for until `finished`; False when the clerk chose Quit."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QMessageBox

    from .. import APP_NAME

    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, "", QMessageBox.StandardButton.NoButton)
    box.setObjectName("history-wait")
    quit_button = box.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(quit_button)  # Esc and the title bar's close button quit too
    loop = QEventLoop()
    chose_quit: list[bool] = []

    def quit_now() -> None:
        chose_quit.append(True)
        loop.quit()

    def tick() -> None:
        if finished.is_set():
            loop.quit()
        else:
            _say(box)

    box.rejected.connect(quit_now)
    box.buttonClicked.connect(lambda _button: quit_now())
    timer = QTimer(box)
    timer.setInterval(int(TICK_S * 1000))
    timer.timeout.connect(tick)
    _say(box)
    box.show()
    timer.start()
    if not finished.is_set():
        loop.exec()
    timer.stop()
    box.hide()
    box.deleteLater()
    return not chose_quit


def _say(box: QMessageBox) -> None:
    wait = history_waits.longest()
    if wait is None:  # between two statements: what was said stays
        return
    seconds = max(1, math.ceil(wait.left_s))
    if wait.shared:
        next_step = _(
            "The window opens as soon as it is free again, usually within seconds. Waiting up to {seconds} s more; "
            "Quit stops waiting."
        )
    else:
        next_step = _(
            "The window opens as soon as that program lets go of it: close it, or let it finish. Waiting up to "
            "{seconds} s more; Quit stops waiting."
        )
    text = waiting_for(wait)
    if box.text() != text:
        box.setText(text)
    box.setInformativeText(next_step.format(seconds=seconds))


def waiting_for(wait: history_waits.Wait) -> str:
    """What the app waits for, and who may hold it, in one sentence."""
    if wait.shared:
        return _(
            "Waiting for the shared history ({server}): another clerk's upload or maintenance on the server holds it."
        ).format(server=wait.where)
    return _(
        "Waiting for the upload history ({path}): another program is using it — another Invoice Desktop window "
        "or command, a backup or a database viewer."
    ).format(path=wait.where)


class UploadWaitNotice(QObject):
    """While an upload runs, the status bar says when it waits for the history, as the CLI does: its record is
    written before it is sent and its outcome after, and each may wait for another program's lock (30 s and more)
    while the clerk saw only "Sending…". Looked at only while an upload runs: an idle window has no timer for it."""

    def __init__(self, say: Callable[[str, int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._say = say
        self._timer = QTimer(self)
        self._timer.setInterval(NOTICE_TICK_MS)
        self._timer.timeout.connect(self._look)

    def follow(self, busy: bool) -> None:
        """An upload started (True) or ended (False)."""
        if busy:
            self._timer.start()
        else:
            self._timer.stop()

    def _look(self) -> None:
        wait = history_waits.longest()
        if wait is None or wait.waited_s < SAY_AFTER_S:
            return
        # Without the history's place, which the start's message gives: the sentence fits the status bar beside
        # the keyring's words, in German too. Renewed while the wait lasts; gone within a second of its end.
        if wait.shared:
            text = _("Waiting for the shared history: another clerk's upload or maintenance on the server holds it.")
        else:
            text = _(
                "Waiting for the upload history: another program is using it — another Invoice Desktop window or "
                "command, a backup or a database viewer."
            )
        self._say(text, NOTICE_TICK_MS * 4)
