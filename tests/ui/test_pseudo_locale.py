"""The pseudo-locale check (pseudo_locale_check.py) on a 1366×768 screen with a taskbar: every provider page and
dialog translated, nothing cut, every text in the catalog. Its own process: Qt reads the screen's size once, before
the application starts, and a dialog may take at most two thirds of the screen's width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_page_and_dialog_in_the_pseudo_locale_on_a_1366x768_screen(tmp_path):
    screen = {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 728, "logicalDpi": 96, "dpr": 1}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/ui/pseudo_locale_check.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = [line for line in done.stdout.splitlines() if line.startswith("E  ")]
    assert done.returncode == 0, "\n".join(report[:80]) or done.stdout[-3000:] + done.stderr[-2000:]
