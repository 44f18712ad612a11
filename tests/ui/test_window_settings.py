"""The window's choices (provider, environment, geometry) belong to the app's home when INVOICE_DESKTOP_HOME is
set: a fresh home opens on the first provider in Practice whatever this computer's own settings say, and a run in
that home leaves the computer's settings alone.

Each start runs in a fresh interpreter, as a clerk's does (Qt reads XDG_CONFIG_HOME once per process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.ui.window_child import window_env

REPO = Path(__file__).resolve().parents[2]

START = textwrap.dedent(
    """
    import json, sys
    from invoice_desktop.ui.app import main
    seen = {}
    code = main(sys.argv[1:], on_window=lambda window: seen.update(window=window))
    window = seen["window"]
    print("SEEN " + json.dumps({"code": code, "provider": window.provider.id, "environment": window.environment}))
    """
)

# What an earlier run on this computer (without INVOICE_DESKTOP_HOME) left in Qt's own settings file.
COMPUTER_SETTINGS = "[General]\nprovider=payfabric\n\n[payfabric]\nenvironment=production\n"


def start_window(home: Path, config: Path, *args: str) -> dict[str, object]:
    env = window_env(home, config)
    done = subprocess.run(
        [sys.executable, "-c", START, "--smoke-test", *args],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("SEEN ")), None)
    assert line is not None, done.stdout + done.stderr
    seen: dict[str, object] = json.loads(line.removeprefix("SEEN "))
    assert seen["code"] == 0, done.stdout + done.stderr
    return seen


def test_a_fresh_home_opens_on_the_first_provider_in_practice_and_keeps_its_own_choices(tmp_path: Path) -> None:
    config = tmp_path / "config"
    computer_file = config / "invoice-desktop" / "invoice-desktop.conf"
    computer_file.parent.mkdir(parents=True)
    computer_file.write_text(COMPUTER_SETTINGS, encoding="utf-8")
    home = tmp_path / "home"

    first = start_window(home, config)
    # Not PayFabric's Production, which this computer's own settings chose.
    assert (first["provider"], first["environment"]) == ("imaterialise", "practice")

    start_window(home, config, "--provider", "shopwave", "--environment", "sandbox")
    again = start_window(home, config)
    assert (again["provider"], again["environment"]) == ("shopwave", "sandbox")

    assert computer_file.read_text(encoding="utf-8") == COMPUTER_SETTINGS
    if os.name == "posix":
        assert (home / "window.ini").stat().st_mode & 0o777 == 0o600
