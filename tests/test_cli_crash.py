"""A CLI killed with SIGKILL at any point never leaves a false or lost record.

Twenty sequential uploads, each in a child process running the real CLI, are killed at seeded points: before the
request, while the provider receives it, after the provider stored it, or not at all. Each next upload is a
restart; a last restart comes after the killed children's leases lapsed. Then every receipt the provider has is a
history success or an attempt marked "may have arrived", no attempt is left `sending`, and no invoice was created
twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from invoice_desktop.practice.imaterialise import DEMO_API_CODE, IMaterialiseSandbox
from invoice_desktop.practice.server import PracticeServer

ROOT = Path(__file__).resolve().parent.parent
UPLOADS = 20
LEASE_S = 1.0
POINTS = ("before", "during", "after", "none")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


class KillingSandbox(IMaterialiseSandbox):
    """i.materialise's sandbox, which kills the sending child at the point the test chose."""

    def __init__(self) -> None:
        super().__init__()
        self.point = "none"
        self.child: subprocess.Popen[bytes] | None = None
        self.killed = threading.Event()

    def kill_child(self) -> None:
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGKILL)
            self.child.wait()
        self.killed.set()

    def handle(self, request):  # type: ignore[no-untyped-def]
        if self.point == "during":  # the request reached the provider; it has not been read or stored yet
            self.kill_child()
        response = super().handle(request)
        if self.point == "after":  # stored, and the answer is about to go back
            self.kill_child()
        return response


def child(app_home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        INVOICE_DESKTOP_HOME=str(app_home),
        INVOICE_DESKTOP_TEST_CREDENTIALS=json.dumps({"imaterialise/sandbox": {"api_code": DEMO_API_CODE}}),
        INVOICE_DESKTOP_TEST_LEASE_S=str(LEASE_S),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli_child", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_uploads_killed_at_any_point_leave_a_true_history_and_no_duplicate(app_home, make_file):
    rng = random.Random(20261202)
    server = PracticeServer()
    sandbox = KillingSandbox()
    server.mount("imaterialise", sandbox)
    server.start()
    points: list[str] = []
    try:
        for n in range(UPLOADS):
            point = rng.choice(POINTS)
            points.append(point)
            pdf = make_file(f"invoice-{n}.pdf", size=20_000 + n)
            sandbox.point, sandbox.killed = point, threading.Event()
            sandbox.child = proc = child(
                app_home,
                "send",
                "imaterialise",
                "-e",
                "sandbox",
                "--base-url",
                f"{server.url}/imaterialise",
                "--data",
                json.dumps({"order_id": "ORD-1001"}),
                "--file",
                str(pdf),
            )
            if point == "before":  # somewhere between start-up and the request
                time.sleep(rng.uniform(0.0, 0.6))
                sandbox.kill_child()
            try:
                proc.communicate(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
        time.sleep(LEASE_S * 1.5)  # the last child's lease lapses; then the clerk starts the app again
        restart = child(app_home, "history", "--json", "--limit", "100")
        out, err = restart.communicate(timeout=60)
        assert restart.returncode == 0, err.decode()
    finally:
        server.stop()

    attempts = json.loads(out)
    print(
        "kill points:",
        Counter(points),
        "states:",
        Counter(a["state"] for a in attempts),
        "receipts:",
        len(sandbox.received),
    )
    assert {"before", "during", "after", "none"} <= set(points), points  # the seed covers every point
    assert [a["id"] for a in attempts if a["state"] == "sending"] == []
    receipts = [r["sha256"] for r in sandbox.received]
    assert [sha for sha, times in Counter(receipts).items() if times > 1] == []  # no invoice created twice
    by_file = {a["snapshot_sha256"]: a for a in attempts}
    for sha in receipts:
        attempt = by_file.get(sha)
        assert attempt is not None, "the provider has an upload the history does not know"
        told = attempt["state"] == "succeeded" or "may have arrived" in attempt["summary"]
        assert told, (attempt["state"], attempt["summary"])
    # And nothing is called a success that the provider does not have.
    assert {a["snapshot_sha256"] for a in attempts if a["state"] == "succeeded"} <= set(receipts)
