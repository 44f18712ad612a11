"""`invoice-desktop COMMAND` sets up without garbage collection (imports, the history, the provider, the checks) and
collects through the work itself, with what the set-up made frozen: a long batch or export still frees its garbage.
A send or retry starts collecting once the first request of its upload is answered.

Each case runs the real command in a fresh interpreter (`__main__.main`, as the installed script does) and records
the collector's state when the work begins and when the process ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from . import documents

REPO = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import atexit, gc, json, sys
    from invoice_desktop import cli
    from invoice_desktop.core.upload import UploadService

    def collections():
        return sum(generation["collections"] for generation in gc.get_stats())

    seen = {}

    def look(when="begun"):
        seen[when] = dict(
            enabled=gc.isenabled(),
            frozen=gc.get_freeze_count(),
            collections=collections() - seen["collections_at_start"],
        )

    real_run = UploadService.run

    def run(self, prepared, **kwargs):
        look()
        return real_run(self, prepared, **kwargs)

    UploadService.run = run
    real_history = cli.HANDLERS["history"]

    def history(args, services):
        look()
        return real_history(args, services)

    cli.HANDLERS["history"] = history
    atexit.register(lambda: look("at_exit") or print("SEEN " + json.dumps(seen), file=sys.stderr))
    sys.argv = ["invoice-desktop", *sys.argv[1:]]
    seen["collections_at_start"] = collections()
    from invoice_desktop.__main__ import main

    main()
    """
)


def collector_when_the_work_began(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    env = {
        **os.environ,
        "INVOICE_DESKTOP_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    seen = [line for line in done.stderr.splitlines() if line.startswith("SEEN ")]
    assert seen, done.stderr
    return done, json.loads(seen[-1].removeprefix("SEEN "))


def test_a_send_sets_up_without_collecting_and_collects_while_it_uploads(tmp_path):
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(documents.pdf())
    done, seen = collector_when_the_work_began(
        tmp_path, "send", "imaterialise", "-d", '{"order_id": "ORD-1001"}', "-f", str(pdf)
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "succeeded"
    # Importing pydantic, opening the history, loading the provider and checking the file: no collection at all.
    assert seen["begun"] == {"enabled": False, "frozen": 0, "collections": 0}
    # Once the upload's first request was answered, it collects, and never looks through the set-up's objects again.
    assert seen["at_exit"]["enabled"] is True
    assert seen["at_exit"]["frozen"] > 10_000


def test_other_commands_collect_from_the_start_of_their_work(tmp_path):
    done, seen = collector_when_the_work_began(tmp_path, "history")
    assert done.returncode == 0, done.stderr
    assert "No uploads yet." in done.stdout
    assert seen["begun"]["collections"] == 0
    assert seen["begun"]["enabled"] is True and seen["begun"]["frozen"] > 0


def test_the_window_collects_as_it_always_did(tmp_path):
    # `invoice-desktop` without a command is the window: the collector is on when it starts, as before.
    code = textwrap.dedent(
        """
        import gc, sys
        import invoice_desktop.ui.app as app

        app.main = lambda args: print("COLLECTING", gc.isenabled()) or 0
        sys.argv = ["invoice-desktop"]
        from invoice_desktop.__main__ import main

        main()
        """
    )
    env = {**os.environ, "INVOICE_DESKTOP_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert "COLLECTING True" in done.stdout, done.stdout + done.stderr
