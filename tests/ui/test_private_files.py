"""Started as a clerk starts it, under the usual 0022 umask, the window leaves nothing of its own readable by the
other users of the computer: its settings, history and log files are 0600 and their folders 0700 (Linux)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_the_windows_settings_history_and_logs_are_private(tmp_path: Path) -> None:
    home, config = tmp_path / "home", tmp_path / "config"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INVOICE_DESKTOP_HOME": str(home),
        "XDG_CONFIG_HOME": str(config),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [sys.executable, "-c", START_AND_QUIT], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    settings = config / "invoice-desktop" / "invoice-desktop.conf"
    assert "Musterstra" in settings.read_text(encoding="utf-8")
    files = [settings, home / "history.sqlite3", home / "logs" / "invoice-desktop.log"]
    folders = [settings.parent, home, home / "logs"]
    assert {str(f): oct(mode(f)) for f in files} == {str(f): "0o600" for f in files}
    assert {str(d): oct(mode(d)) for d in folders} == {str(d): "0o700" for d in folders}
