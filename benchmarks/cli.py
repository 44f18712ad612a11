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
import resource
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


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall seconds of the whole process; its CPU seconds (user + system, steadier on a shared machine) are
    appended to `cpu`."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-500:]}")
    if cpu is not None:
        cpu.append(children_cpu() - cpu_before)
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
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for number in range(options.runs):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            times[name].append(timed(commands[name], env, cpu[name]))
        print(
            f"run {number + 1}: "
            + " · ".join(f"{name} {times[name][-1]:.3f} s (CPU {cpu[name][-1]:.3f} s)" for name in names)
        )
    for name in names:
        print(f"{name + ':':<12} {summary(times[name])}")
        print(f"{name + ' CPU:':<12} {summary(cpu[name])}")
    reference_cpu = statistics.median(cpu["reference"])
    for name in names[:-1]:
        figure = statistics.median(cpu[name])
        ratio = figure / reference_cpu
        print(f"cli {name}, CPU: app {figure:.3f} s, reference {reference_cpu:.3f} s, ratio {ratio:.2f}")
    reference = statistics.median(times["reference"])
    for name in names[:-1]:
        figure = statistics.median(times[name])
        print(f"cli {name}: app {figure:.3f} s, reference {reference:.3f} s, ratio {figure / reference:.2f}")


if __name__ == "__main__":
    main()
