"""What start-up imports: `--help` and `providers` stay light; the window imports only the provider on show.

Each runs in a fresh interpreter, as a clerk's start does, and reads `sys.modules` at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Libraries that cost tens of milliseconds to import and that neither command uses.
HEAVY = ("pydantic", "requests", "urllib3", "lxml", "pypdfium2", "openpyxl", "babel", "keyring", "PySide6")
PROVIDER_MODULES = ("imaterialise", "skypostal", "payfabric", "shopwave", "ddapi")


def imported_by(args: list[str], tmp_path: Path) -> tuple[str, list[str]]:
    """(stdout, the heavy modules and provider modules in sys.modules) after `invoice-desktop ARGS` has run."""
    code = textwrap.dedent(
        """
        import json, sys
        from invoice_desktop.__main__ import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        heavy = sorted(
            name for name in sys.modules
            if name.split(".")[0] in HEAVY or name.startswith("invoice_desktop.providers.")
        )
        print("IMPORTED " + json.dumps(heavy))
        """
    ).replace("HEAVY", repr(HEAVY))
    env = {**os.environ, "INVOICE_DESKTOP_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=60
    )
    *output, last = done.stdout.strip().splitlines()
    assert last.startswith("IMPORTED "), done.stdout + done.stderr
    return "\n".join(output), json.loads(last.removeprefix("IMPORTED "))


@pytest.mark.parametrize("args", [["--help"], ["providers"], ["send", "--help"]], ids=" ".join)
def test_help_and_providers_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    output, heavy = imported_by(args, tmp_path)
    assert "usage: invoice-desktop" in output or "i.materialise" in output
    assert heavy == []


def test_providers_lists_every_provider_from_the_declarations(tmp_path: Path) -> None:
    output, _ = imported_by(["providers"], tmp_path)
    ids = [line.split()[0] for line in output.splitlines()]
    assert ids == list(PROVIDER_MODULES)
    assert "practice, sandbox, production" in output.splitlines()[0]
