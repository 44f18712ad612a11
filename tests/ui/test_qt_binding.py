"""The Qt binding survives what the app does all day: signals emitted from worker threads (an upload's progress,
every log line of a worker). PySide6 6.12.0 miscounted references on each and aborted the interpreter after a few
hundred ("Fatal Python error: bool_dealloc"); pyproject.toml excludes it. Run in a child process, so a binding
with that fault fails this test instead of killing the whole test run."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication
from invoice_desktop.ui.tasks import TaskRunner

app = QApplication([])
runner = TaskRunner()
seen = []

def work(task):
    for n in range(3000):
        task.report_progress(n, 3000)
    return True

runner.submit("many-reports", work, on_progress=lambda sent, total: seen.append(sent))
runner.all_done.connect(app.quit)
QTimer.singleShot(60000, app.quit)
app.exec()
# As the app does on close: the worker has reported "done" but may still be unwinding; wait for it before the
# interpreter (and Qt's adopted-thread bookkeeping) is torn down.
assert runner.shutdown(timeout=30)
print(len(seen), flush=True)
# What this test guards is the run above (6.12.0 aborted during it). Interpreter teardown with Qt objects alive
# has aborted a handful of times under heavy load ("terminate called without an active exception") on 6.11.3
# too; that is not the fault guarded here, so leave without it.
os._exit(0)
"""


def test_thousands_of_progress_reports_from_a_worker_thread_do_not_crash_the_app():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "3000"
