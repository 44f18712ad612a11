"""Started as a clerk starts it, under the usual 0022 umask, the window leaves nothing of its own readable by the
other users of the computer: its settings, history and log files are 0600 and their folders 0700 (Linux)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.window_child import window_env

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux file modes")

START_AND_QUIT = """
import os, sys
os.umask(0o022)
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([sys.argv[0]])


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow) and not hasattr(self, "done"):
            self.done = True
            obj.settings.setValue("test/last", "Musterstraße 1")  # as the window saves the clerk's choices
            QTimer.singleShot(1500, app.quit)  # after the history and log are opened, off the first paint
        return False


watcher = FirstPaint()
app.installEventFilter(watcher)
from invoice_desktop.ui.app import main

main([])
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("where", ["system folders", "INVOICE_DESKTOP_HOME"])
def test_the_windows_settings_history_and_logs_are_private(where: str, tmp_path: Path) -> None:
    home, config = tmp_path / "home", tmp_path / "config"
    env = {k: v for k, v in os.environ.items() if k != "INVOICE_DESKTOP_HOME"}
    env |= {
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    if where == "INVOICE_DESKTOP_HOME":
        env["INVOICE_DESKTOP_HOME"] = str(home)
        settings, history, logs = home / "window.ini", home / "history.sqlite3", home / "logs"
        folders = [home, logs]
    else:
        settings = config / "invoice-desktop" / "invoice-desktop.conf"
        history = tmp_path / "data" / "invoice-desktop" / "history.sqlite3"
        logs = tmp_path / "state" / "invoice-desktop" / "log"
        folders = [settings.parent, history.parent, logs]
    done = subprocess.run(
        [sys.executable, "-c", START_AND_QUIT], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Musterstra" in settings.read_text(encoding="utf-8")
    files = [settings, history, logs / "invoice-desktop.log"]
    assert {str(f): oct(mode(f)) for f in files} == {str(f): "0o600" for f in files}
    assert {str(d): oct(mode(d)) for d in folders} == {str(d): "0o700" for d in folders}


LOCKED_START = """
import sqlite3, sys
from PySide6.QtWidgets import QApplication, QMessageBox
from invoice_desktop.core.history import History

app = QApplication([sys.argv[0]])
History.BUSY_TIMEOUT_S = 0.2  # the app waits 30 s for the lock before it says so
said = []
QMessageBox.critical = staticmethod(lambda parent, title, text, *a, **k: said.append(text))
holder = sqlite3.connect(sys.argv[1], isolation_level=None)
holder.execute("BEGIN EXCLUSIVE")  # another program holds the history
from invoice_desktop.ui.app import main

code = main([])
print("EXIT", code)
print("SAID", said[0] if said else "")
"""


def test_a_history_locked_at_start_is_said_plainly_by_the_window(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = window_env(home, tmp_path / "config")
    from invoice_desktop.core.history import History

    History(home / "history.sqlite3").close()
    done = subprocess.run(
        [sys.executable, "-c", LOCKED_START, str(home / "history.sqlite3")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "EXIT 1" in done.stdout
    assert "in use by another program" in done.stdout and "try again" in done.stdout
