"""The command line, whole process: `providers`, `--help` and a 1 MB send to practice, beside `python -c "import
requests"` measured in the same run.

    .venv/bin/python benchmarks/cli.py [--runs 7]

Each run starts every command once, as a clerk's terminal does (the installed `invoice-desktop` script, a fresh
data folder, the real keyring lookup), in an order that rotates from run to run. The send uploads a real 1 MB PDF
(fpdf2, with a 1 MB annex) to the practice i.materialise sandbox, which the process starts itself. Prints each
measure's median and min–max and one line per measure `NAME: app X s, reference Y s, ratio Z`; the last is the
send.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def real_pdf(path: Path, megabytes: int) -> Path:
    """A real PDF (fpdf2) of about `megabytes` MB: one page of text and an incompressible annex."""
    from fpdf import FPDF

    annex = path.with_suffix(".annex")
    annex.write_bytes(os.urandom(megabytes * 1024 * 1024 - 4096))
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="Invoice INV-2026-0042 for order ORD-1001")
    pdf.embed_file(str(annex), desc="annex", compress=False)
    pdf.output(str(path))
    annex.unlink()
    return path


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def summary(values: list[float]) -> str:
    middle = statistics.median(values)
    return f"median {middle:.3f} s (min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="invoice-desktop-bench-"))
    pdf = real_pdf(folder / "invoice-1mb.pdf", 1)
    env = {**os.environ, "INVOICE_DESKTOP_HOME": str(folder / "home")}
    app = str(BIN / "invoice-desktop")
    commands = {
        "providers": [app, "providers"],
        "--help": [app, "--help"],
        "send 1 MB": [app, "send", "imaterialise", "-d", '{"order_id": "ORD-1001"}', "-f", str(pdf)],
        "reference": [sys.executable, "-c", "import requests"],
    }
    for command in commands.values():  # warm the file cache and the .pyc files once, unmeasured
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for number in range(options.runs):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            times[name].append(timed(commands[name], env))
        print(f"run {number + 1}: " + " · ".join(f"{name} {times[name][-1]:.3f} s" for name in names))
    for name in names:
        print(f"{name + ':':<12} {summary(times[name])}")
    reference = statistics.median(times["reference"])
    for name in names[:-1]:
        figure = statistics.median(times[name])
        print(f"cli {name}: app {figure:.3f} s, reference {reference:.3f} s, ratio {figure / reference:.2f}")


if __name__ == "__main__":
    main()
