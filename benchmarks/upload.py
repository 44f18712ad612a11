"""The transfer alone: 1, 10 and 100 MB to the practice i.materialise sandbox, the app's transport beside curl sending
the same multipart request to the same sandbox, interleaved; with each process's peak memory.

    .venv/bin/python benchmarks/upload.py [--runs 5] [--sizes 1 10 100]

This process runs the practice server. Each measurement is a fresh child: the app's child sends the request that
providers/imaterialise.py builds (a `File` part streamed from disk, the ApiCode and Accept headers) through
core/transport.py and times `Transport.send` (request out, answer read); curl's child sends the same parts and
reports its `time_total`. Peak RSS is each child's own (GNU time). The documents are real PDFs (fpdf2) with an
incompressible annex. The sandbox reads and parses every body whole; past 10 MB it answers i.materialise's error 109
(file too large) after reading it, which is what we want to time here.

Prints per-run figures, median and min–max per size, and last `upload 10 MB: app X s, reference Y s, ratio Z`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

APP_CHILD = r"""
import resource, sys, time
from pathlib import Path
from invoice_desktop.core.http import MultipartBody, OutgoingRequest, Part
from invoice_desktop.core.transport import Timeouts, Transport

# What the window imports ahead of the first upload (UploadFlow.prepare_for_upload): not part of the transfer.
import requests.adapters, requests_toolbelt, truststore  # noqa: E401

url, api_code, path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
request = OutgoingRequest(
    "POST",
    url,
    headers={"ApiCode": api_code, "Accept": "application/json"},
    body=MultipartBody((Part("File", path=path, filename=path.name, content_type="application/pdf"),)),
    label="Upload invoice",
    idempotent=True,
)
transport = Transport(timeouts=Timeouts(connect=5, read=120, deadline=300))
started = time.perf_counter()
response = transport.send(request)
elapsed = time.perf_counter() - started
print(f"{elapsed:.6f} {response.status}", flush=True)
"""


def real_pdf(path: Path, megabytes: int) -> Path:
    from fpdf import FPDF

    annex = path.with_suffix(".annex")
    with annex.open("wb") as fh:
        for _ in range(megabytes):
            fh.write(os.urandom(1024 * 1024))
        fh.truncate(max(megabytes * 1024 * 1024 - 4096, 1))
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="Invoice INV-2026-0042 for order ORD-1001")
    pdf.embed_file(str(annex), desc="annex", compress=False)
    pdf.output(str(path))
    annex.unlink()
    return path


def run_measured(command: list[str]) -> tuple[str, float]:
    """(stdout, peak RSS in MiB) of a child. GNU time starts it, so the peak is the child's own (a child forked
    from this process would count this process's pages, practice server and all, in its peak)."""
    done = subprocess.run(["/usr/bin/time", "-f", "PEAK_KIB %M", *command], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    peak = next(line for line in done.stderr.splitlines() if line.startswith("PEAK_KIB "))
    return done.stdout, int(peak.split()[1]) / 1024


def summary(values: list[float], unit: str, digits: int) -> str:
    middle = statistics.median(values)
    return f"median {middle:.{digits}f} {unit} (min {min(values):.{digits}f}, max {max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="invoice-desktop-bench-"))
    os.environ["INVOICE_DESKTOP_HOME"] = str(folder / "home")
    from invoice_desktop.practice import PracticeEnvironment
    from invoice_desktop.practice.imaterialise import DEMO_API_CODE
    from invoice_desktop.providers import get_provider

    practice = PracticeEnvironment()
    url = practice.base_url(get_provider("imaterialise")) + "/web-api/order/ORD-1001/invoice"
    results: dict[int, dict[str, list[float]]] = {}
    try:
        for megabytes in options.sizes:
            pdf = real_pdf(folder / f"invoice-{megabytes}mb.pdf", megabytes)
            app = [sys.executable, "-c", APP_CHILD, url, DEMO_API_CODE, str(pdf)]
            curl = [
                "curl", "-sS", "-o", "/dev/null", "-w", "%{time_total} %{http_code}",
                "-H", f"ApiCode: {DEMO_API_CODE}", "-H", "Accept: application/json", "-H", "Expect:",
                "-F", f"File=@{pdf};type=application/pdf;filename={pdf.name}", url,
            ]  # fmt: skip
            run_measured(app)  # warm the file cache and the sandbox once, unmeasured
            run_measured(curl)
            figures: dict[str, list[float]] = {"app": [], "curl": [], "app_rss": [], "curl_rss": []}
            for number in range(options.runs):
                for kind in ("app", "curl") if number % 2 == 0 else ("curl", "app"):
                    out, peak = run_measured(app if kind == "app" else curl)
                    seconds, status = out.split()
                    if megabytes <= 10 and status != "200":
                        raise SystemExit(f"{kind}: the sandbox answered {status} for {megabytes} MB")
                    figures[kind].append(float(seconds))
                    figures[f"{kind}_rss"].append(peak)
                print(
                    f"{megabytes:>3} MB run {number + 1}: app {figures['app'][-1]:.3f} s "
                    f"(peak {figures['app_rss'][-1]:.0f} MiB) · curl {figures['curl'][-1]:.3f} s "
                    f"(peak {figures['curl_rss'][-1]:.0f} MiB)"
                )
            results[megabytes] = figures
            pdf.unlink()
    finally:
        practice.stop()
    print()
    for megabytes, figures in results.items():
        app_s, curl_s = statistics.median(figures["app"]), statistics.median(figures["curl"])
        for kind in ("app", "curl"):
            times, peaks = summary(figures[kind], "s", 3), summary(figures[f"{kind}_rss"], "MiB", 0)
            print(f"{megabytes:>3} MB {kind + ':':<5} {times}, peak RSS {peaks}")
        print(f"{megabytes:>3} MB ratio {app_s / curl_s:.2f}")
    for megabytes, figures in results.items():
        if megabytes == 10 or len(results) == 1:
            app_s, curl_s = statistics.median(figures["app"]), statistics.median(figures["curl"])
            print(f"upload {megabytes} MB: app {app_s:.3f} s, reference {curl_s:.3f} s, ratio {app_s / curl_s:.2f}")


if __name__ == "__main__":
    main()
