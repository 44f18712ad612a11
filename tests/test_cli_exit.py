"""How the `invoice-desktop` command ends its process: as soon as the work is done, recorded and printed, without
Python's tear-down of every module, and without losing anything on the way (output, exit code, the log file)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from . import documents

REPO = Path(__file__).resolve().parents[1]


def environment(tmp_path: Path) -> dict[str, str]:
    # Without PYTHONUNBUFFERED (set on some machines): output to a pipe is then buffered, as for most scripts.
    return {
        **{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
        "INVOICE_DESKTOP_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }


def run_command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m invoice_desktop ARGS`, as a script runs it: stdout and stderr are pipes, so block-buffered."""
    return subprocess.run(
        [sys.executable, "-m", "invoice_desktop", *args],
        capture_output=True,
        text=True,
        env=environment(tmp_path),
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_a_send_prints_its_whole_answer_logs_and_records_it_before_the_process_ends(tmp_path):
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(documents.pdf())
    done = run_command(tmp_path, "send", "imaterialise", "-d", '{"order_id": "ORD-1001"}', "-f", str(pdf))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the whole JSON reached the pipe, not a buffer's worth of it
    assert result["outcome"] == "succeeded"
    log = (tmp_path / "home" / "logs" / "invoice-desktop.log").read_text(encoding="utf-8")
    assert f"Attempt {result['attempt_id']} succeeded" in log and log.endswith("\n")
    with sqlite3.connect(tmp_path / "home" / "history.sqlite3") as db:
        states = db.execute("SELECT id, state FROM attempts").fetchall()
    assert states == [(result["attempt_id"], "succeeded")]


def test_a_refused_command_still_ends_with_its_exit_code_and_message(tmp_path):
    done = run_command(tmp_path, "send", "imaterialise", "-d", "{not json")
    assert done.returncode == 2
    assert done.stderr.startswith("invoice-desktop: --data is not valid JSON") and "Nothing was sent." in done.stderr
    assert done.stdout == ""


def test_a_send_ends_its_process_at_once_and_still_runs_the_exit_handlers(tmp_path):
    """The installed script calls main() and would then exit through Python's tear-down: the process ends inside
    main() instead, once the exit handlers (logging's, the libraries') have run. No thread a send starts (the
    upload's, the history's heartbeat, the practice server's, the deadline's watchdog) keeps it from doing so."""
    marker = tmp_path / "atexit-ran"
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(documents.pdf())
    code = textwrap.dedent(
        f"""
        import atexit, sys
        atexit.register(lambda: open({str(marker)!r}, "w").write("ran"))
        from invoice_desktop.__main__ import main
        sys.argv = ["invoice-desktop", "send", "imaterialise", "-d", '{{"order_id": "ORD-1001"}}', "-f", {str(pdf)!r}]
        main()
        print("AFTER MAIN")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment(tmp_path), cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "succeeded"  # all of it, and nothing after main()
    assert marker.read_text() == "ran"
