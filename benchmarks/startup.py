"""Prints how long the window takes to appear (offscreen), from a cold interpreter, over a few runs.

.venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time


def main(runs: int = 5) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INVOICE_DESKTOP_HOME": tempfile.mkdtemp()}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "invoice_desktop", "--smoke-test"], env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    print(
        f"window shown and closed: median {statistics.median(times):.2f} s, best {min(times):.2f} s "
        f"({runs} runs; includes a 0.3 s wait before the smoke test reports)"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "invoice_desktop", "providers"], env=env, check=True, capture_output=True)
    print(f"CLI `providers`: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
