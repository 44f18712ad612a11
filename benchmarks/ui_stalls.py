"""How long the window stops answering during a clerk's busiest moments: a 5 ms timer probe in the real window.

    .venv/bin/python benchmarks/ui_stalls.py [--runs 5] [--attempts 10000]

Four scenarios, each in a fresh app process started as `invoice-desktop` starts (offscreen unless DISPLAY is set):
  history  the History opened on 10,000 attempts, refreshed 10 times, scrolled 4,000 rows deep, searched 3 times
           (the history is seeded once through the app's own History API, then copied for each run)
  log      the log pane (shown) receiving 1,000 exchanges from a worker thread, as the transport logs them, 1 ms
           apart (a tight loop with no network wait measures Python's GIL hand-over, not the pane)
  upload   a 10 MB PDF (made by fpdf2) dropped on i.materialise and uploaded to the practice sandbox
  drops    100 PDFs dropped on the window one after another, 10 ms apart
A QTimer fires every 5 ms on the UI thread; the gaps between its ticks are what the clerk would feel as a frozen
window. The reference is the same probe in a bare QMainWindow left idle for as long (same run, interleaved): the
machine's own noise. Prints each scenario's max and p99 gap (median and min–max over runs), the History's refresh
and search times, one line per scenario `ui_stalls NAME: app max X ms, p99 Y ms; reference max X' ms, p99 Y' ms`,
and a last line `ui_stalls: app X ms, reference Y ms, ratio Z` (X: the worst scenario's median max gap; Y: the
reference's). Goal (issue 12): max ≤ 33 ms and p99 ≤ 16 ms in every scenario, refresh ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("history", "log", "upload", "drops")

CHILD = r"""
import json, os, sys, threading, time
sys.path.insert(0, sys.argv[3])
from PySide6.QtCore import QEventLoop, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QMainWindow

scenario, files = sys.argv[1], sys.argv[2]


class Probe:
    def __init__(self):
        self.ticks = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self):
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self):
        self.timer.stop()
        self.ticks.append(time.perf_counter())
        return [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:])]


def wait_for(signal, timeout_ms=60000):
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def pause(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def report(gaps, **extra):
    print("RESULT " + json.dumps({"gaps": gaps, **extra}), flush=True)
    QApplication.instance().quit()


def history(window):
    view = window.history_view
    window.tabs.setCurrentWidget(view)
    pause(300)
    probe = Probe()
    probe.start()
    refresh_ms = []
    for _ in range(10):
        t = time.perf_counter()
        view.refresh()
        wait_for(view.updated)
        refresh_ms.append((time.perf_counter() - t) * 1000)
    for _ in range(20):  # 4,000 rows deep
        view.table.scrollToBottom()
        wait_for(view.model.rowsInserted)
    rows = view.model.rowCount()
    search_ms = []
    for text in (os.environ["UI_STALLS_SEARCH"], "no such invoice", "INV-1"):  # one match, none, many
        t = time.perf_counter()
        view.search.setText(text)
        view.search.returnPressed.emit()
        wait_for(view.updated)
        search_ms.append((time.perf_counter() - t) * 1000)
        if text == os.environ["UI_STALLS_SEARCH"]:
            found = view.model.rowCount()
    report(probe.stop(), refresh_ms=refresh_ms, search_ms=search_ms, found=found, rows_scrolled=rows)


def log(window):
    import logging
    from invoice_desktop.core.exchange import Exchange

    pane = window.log_pane
    window.tabs.setCurrentWidget(pane)
    pause(300)
    exchange_log = logging.getLogger("invoice_desktop.exchange")
    body = json.dumps({"orderId": "ORD-1001", "status": "accepted", "lines": [{"n": n} for n in range(40)]})

    def work():
        for n in range(1000):
            e = Exchange(
                label="Upload invoice", method="POST", url=f"http://127.0.0.1:9/web-api/order/ORD-{n}/invoice",
                started_at="2026-12-02T07:00:00+00:00", request_headers={"ApiCode": "•••redacted•••"},
                status=200, response_headers={"Content-Type": "application/json"}, response_body=body, duration_ms=7,
            )
            exchange_log.info(e.summary(), extra={"exchange": e})
            time.sleep(0.001)  # the network wait before each answer (a loopback request takes longer)

    probe = Probe()
    probe.start()
    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive() or pane._pending:
        pause(10)
    pause(100)
    report(probe.stop(), rows=pane.model.rowCount())


def drop(window, path):
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(path)])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, QDragEnterEvent(QPoint(20, 300), *args))
    QApplication.sendEvent(window, QDropEvent(QPointF(20, 300), *args))


def upload(window):
    pdf = os.path.join(files, "Rechnung_10MB.pdf")
    window.page.form.editors["order_id"].input.setText("ORD-1001")
    pause(300)
    probe = Probe()
    probe.start()
    drop(window, pdf)
    wait_for(window.page.drop_zone.checked)
    t = time.perf_counter()
    window.flow.upload()
    wait_for(window.outcome.shown)
    upload_ms = (time.perf_counter() - t) * 1000
    report(probe.stop(), upload_ms=upload_ms, outcome=window.outcome.text()[:80])


def drops(window):
    names = sorted(n for n in os.listdir(files) if n.startswith("drop-"))
    pause(300)
    probe = Probe()
    probe.start()
    zone = window.page.drop_zone
    for name in names:
        drop(window, os.path.join(files, name))
        pause(10)
    while zone.state == "checking":
        wait_for(zone.checked, 5000)
    pause(100)
    report(probe.stop(), last=os.path.basename(zone.path or ""), dropped=len(names))


def bare(seconds):
    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.resize(1180, 860)
    window.show()

    def run():
        probe = Probe()
        probe.start()
        pause(int(seconds * 1000))
        report(probe.stop())

    QTimer.singleShot(500, run)
    app.exec()


if scenario.startswith("bare:"):
    bare(float(scenario.split(":")[1]))
else:
    from invoice_desktop.ui.app import main

    def on_window(window):
        window.first_painted.connect(lambda: QTimer.singleShot(500, lambda: globals()[scenario](window)))

    main([], on_window=on_window)
"""


def seed_history(path: Path, count: int) -> None:
    """`count` attempts recorded through the app's own History API, as uploads would record them."""
    sys.path.insert(0, str(ROOT))
    from invoice_desktop.core import history as hist
    from invoice_desktop.core.history import History

    history = History(path)
    outcomes = (hist.SUCCEEDED,) * 8 + (hist.REJECTED, hist.FAILED)
    for n in range(count):
        invoice = f"INV-{n}"
        attempt = history.create(
            provider="payfabric",
            environment="practice",
            base_url="http://127.0.0.1:9/payfabric",
            form={"InvoiceId": invoice, "CustomerId": f"C-{n % 40}"},
            options={"format": "json", "description": f"invoice {invoice} for C-{n % 40}"},
            file_path=Path(f"/invoices/{invoice}.pdf"),
            file_size=20_000,
            targets=[invoice],
        )
        history.finish(attempt, state=outcomes[n % len(outcomes)], summary=f"PayFabric answered for {invoice}.")
    history.close()


def time_duplicate_check(path: Path, count: int) -> None:
    """The warning before a send, for an invoice uploaded long ago (older than the newest 5,000 attempts)."""
    import time

    from invoice_desktop.core.history import History
    from invoice_desktop.providers import get_provider

    provider = get_provider("payfabric")
    history = History(path)
    try:
        for n in (1, count // 2, count - 3):  # uploads that succeeded (the seed refuses or fails 2 in 10)
            form = provider.form_model.model_validate(
                {"InvoiceId": f"INV-{n}", "CustomerId": "C-1", "Amount": "1.00", "BalanceDue": "1.00"}
            )
            times = []
            for _ in range(50):
                start = time.perf_counter()
                warnings = provider.warnings(form, history, "practice")
                times.append((time.perf_counter() - start) * 1000)
            found = any("already uploaded" in w for w in warnings)
            print(
                f"duplicate check, invoice of attempt {n + 1:,} of {count:,}: median {statistics.median(times):.2f} ms,"
                f" max {max(times):.2f} ms, earlier upload found: {'yes' if found else 'NO'}",
                flush=True,
            )
    finally:
        history.close()


def make_files(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.documents import pdf, pdf_of_size

    (folder / "Rechnung_10MB.pdf").write_bytes(pdf_of_size(10 * 1024 * 1024))
    small = pdf(pages=2)
    for n in range(100):
        (folder / f"drop-{n:03}.pdf").write_bytes(small)


def run_child(scenario: str, files: Path, home: Path | None, search: str = "") -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not env.get("DISPLAY") else "xcb")
    env["UI_STALLS_SEARCH"] = search
    if home is not None:
        env["INVOICE_DESKTOP_HOME"] = str(home)
        env["HOME"] = str(home)  # the window's settings too: a fresh clerk each run
        env["XDG_CONFIG_HOME"] = str(home / "config")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, scenario, str(files), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"{scenario}: no result (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(line[len("RESULT ") :])


def p99(gaps: list[float]) -> float:
    ordered = sorted(gaps)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.1f} ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--only", choices=SCENARIOS, action="append", help="run only these scenarios")
    args = parser.parse_args()
    scenarios = args.only or list(SCENARIOS)

    work = Path(tempfile.mkdtemp(prefix="ui-stalls-"))
    try:
        files = work / "files"
        files.mkdir()
        make_files(files)
        template = work / "history-template.sqlite3"
        if "history" in scenarios:
            print(f"seeding {args.attempts:,} attempts through the History API…", flush=True)
            seed_history(template, args.attempts)
            time_duplicate_check(template, args.attempts)
        results: dict[str, dict[str, list[dict]]] = {s: {"app": [], "reference": []} for s in scenarios}
        for run in range(args.runs):
            for scenario in scenarios:
                home = work / f"home-{run}-{scenario}"
                home.mkdir()
                if scenario == "history":
                    shutil.copy(template, home / "history.sqlite3")
                app = run_child(scenario, files, home, search=f"INV-{args.attempts * 42 // 100}")
                seconds = sum(app["gaps"]) / 1000
                reference = run_child(f"bare:{seconds:.3f}", files, None)
                results[scenario]["app"].append(app)
                results[scenario]["reference"].append(reference)
                print(
                    f"run {run + 1} {scenario:<8} app max {max(app['gaps']):6.1f} ms p99 {p99(app['gaps']):5.1f} ms"
                    f" | reference max {max(reference['gaps']):6.1f} ms p99 {p99(reference['gaps']):5.1f} ms"
                    f" | {json.dumps({k: v for k, v in app.items() if k != 'gaps'})}",
                    flush=True,
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nmedian (min–max) over {args.runs} runs, gaps between 5 ms probe ticks on the UI thread:")
    worst_app, worst_ref = 0.0, 0.0
    summaries: list[str] = []
    for scenario in scenarios:
        app_max = [max(r["gaps"]) for r in results[scenario]["app"]]
        app_p99 = [p99(r["gaps"]) for r in results[scenario]["app"]]
        ref_max = [max(r["gaps"]) for r in results[scenario]["reference"]]
        ref_p99 = [p99(r["gaps"]) for r in results[scenario]["reference"]]
        # A scenario lasts a fraction of a second (a few dozen ticks): its own p99 is nearly its max. The p99 of
        # all runs' ticks together says more.
        app_all = [g for r in results[scenario]["app"] for g in r["gaps"]]
        ref_all = [g for r in results[scenario]["reference"] for g in r["gaps"]]
        print(
            f"{scenario:<8} app max {spread(app_max)} ms, p99 {spread(app_p99)} ms, p99 of all {len(app_all)} ticks"
            f" {p99(app_all):.1f} ms | reference max {spread(ref_max)} ms, p99 {spread(ref_p99)} ms, p99 of all"
            f" {p99(ref_all):.1f} ms"
        )
        if statistics.median(app_max) > worst_app:
            worst_app, worst_ref = statistics.median(app_max), statistics.median(ref_max)
        summaries.append(
            f"ui_stalls {scenario}: app max {statistics.median(app_max):.1f} ms, p99 {p99(app_all):.1f} ms; "
            f"reference max {statistics.median(ref_max):.1f} ms, p99 {p99(ref_all):.1f} ms (goal: max ≤ 33, p99 ≤ 16)"
        )
    if "history" in scenarios:
        refresh = [statistics.median(r["refresh_ms"]) for r in results["history"]["app"]]
        search = [r["search_ms"][0] for r in results["history"]["app"]]
        among = f"{args.attempts:,}"
        print(f"history  refresh {spread(refresh)} ms, search for one invoice among {among}: {spread(search)} ms")
    # One line per scenario with the machine's own stalls (the bare window's, same run) beside the app's: under load
    # the reference alone can miss the goal, and the app's figure means little without it.
    print("\n".join(summaries))
    print(f"ui_stalls: app {worst_app:.1f} ms, reference {worst_ref:.1f} ms, ratio {worst_app / worst_ref:.2f}")


if __name__ == "__main__":
    main()
