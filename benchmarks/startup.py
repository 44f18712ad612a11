"""Start → main window shown, and idle memory, for the app beside a bare QMainWindow (offscreen, same run).

    .venv/bin/python benchmarks/startup.py [--runs 7] [--idle 2.0]
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python benchmarks/startup.py --platform xcb   # a real X display

Each run starts a fresh interpreter (the app and the reference, interleaved) and times from the start of the
process until the window has been painted once and the event loop runs again (both windows notice their first
Paint event the same way; the app's is MainWindow.first_painted). The app paints its window before it builds the
visible provider's page (the form): "form shown" is when that page has been built and painted too
(MainWindow.first_page_shown, then a repaint), compared with the same bare window, so the wait for what the clerk
works with is reported beside the window's.
After the paint each child stays idle for --idle seconds (the app's deferred work — keyring check, history, log —
runs then), reads its resident memory (VmRSS) and quits. The app starts with an empty data folder and the practice
environment, as on a clerk's first day.

Prints per-run figures, the median and min–max of each, and a last line
`startup: app X s, reference Y s, ratio Z` (the lines before it compare the form shown, CPU times and idle memory).
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

CHILD = r"""
import sys

idle_ms = int(float(sys.argv[2]) * 1000)


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def shown(app) -> None:
    # Called once the window has been painted (and the event loop is free again).
    from PySide6.QtCore import QTimer

    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"SHOWN {usage.ru_utime + usage.ru_stime:.4f}", flush=True)

    def report() -> None:
        print(f"RSS {rss_mib():.1f}", flush=True)
        app.quit()

    QTimer.singleShot(idle_ms, report)


if sys.argv[1] == "bare":
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])

    class Window(QMainWindow):
        painted = False

        def event(self, event):
            if not self.painted and event.type() == QEvent.Type.Paint:
                self.painted = True
                QTimer.singleShot(0, lambda: shown(app))
            return super().event(event)

    window = Window()
    window.resize(1180, 860)
    window.show()
    app.exec()
else:
    # The app as `invoice-desktop` starts it; its window says when it was first painted in the same way.
    from invoice_desktop.ui.app import main

    def watch(window) -> None:
        import resource

        from PySide6.QtWidgets import QApplication

        window.first_painted.connect(lambda: shown(QApplication.instance()))

        def page_shown() -> None:
            # The visible provider's page is built right after the first paint: painted with it now.
            window.repaint()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(f"PAGE {usage.ru_utime + usage.ru_stime:.4f}", flush=True)

        window.first_page_shown.connect(page_shown)

    main([], on_window=watch)
"""


def run_child(kind: str, idle: float, env: dict[str, str]) -> tuple[float, float, float, float, float]:
    """(seconds from process start to first paint, CPU seconds until then, idle RSS in MiB, seconds and CPU seconds
    until the form is painted too) of a fresh interpreter. The CPU time is the steadier figure on a machine shared
    with other work. The bare window has no form: its form figures are its first paint's."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(idle)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    shown = rss = cpu = page = page_cpu = None
    for line in child.stdout:
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - started
            cpu = float(line.split()[1])
        elif line.startswith("PAGE") and page is None:
            page = time.perf_counter() - started
            page_cpu = float(line.split()[1])
        elif line.startswith("RSS "):
            rss = float(line.split()[1])
    child.wait(timeout=60)
    if shown is None or rss is None or cpu is None:
        raise SystemExit(f"the {kind} child did not report (exit code {child.returncode})")
    if kind == "bare":
        page, page_cpu = shown, cpu
    if page is None or page_cpu is None:
        raise SystemExit("the app did not report its first page")
    return shown, cpu, rss, page, page_cpu


def summary(values: list[float], unit: str, digits: int) -> str:
    return (
        f"median {statistics.median(values):.{digits}f} {unit} "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, {len(values)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--idle", type=float, default=2.0, help="seconds idle after the first paint before RSS")
    parser.add_argument(
        "--platform", choices=("offscreen", "xcb"), default="offscreen", help="xcb: on the X display in DISPLAY"
    )
    options = parser.parse_args()
    if options.platform == "xcb" and not os.environ.get("DISPLAY"):
        raise SystemExit("--platform xcb needs an X display: run it under xvfb-run (see above)")
    home = Path(tempfile.mkdtemp(prefix="invoice-desktop-bench-"))
    print(f"platform: {options.platform}")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": options.platform,
        "INVOICE_DESKTOP_HOME": str(home / "home"),
        "XDG_CONFIG_HOME": str(home / "config"),  # fresh window settings: the first provider, practice
        "PYTHONDONTWRITEBYTECODE": "",
    }
    run_child("app", options.idle, env)  # warm the file cache and write the .pyc files once, unmeasured
    run_child("bare", options.idle, env)
    times: dict[str, list[float]] = {"app": [], "bare": []}
    cpu: dict[str, list[float]] = {"app": [], "bare": []}
    memory: dict[str, list[float]] = {"app": [], "bare": []}
    form: list[float] = []
    form_cpu: list[float] = []
    for number in range(1, options.runs + 1):
        for kind in ("app", "bare") if number % 2 else ("bare", "app"):
            shown, cpu_s, rss, page, page_cpu = run_child(kind, options.idle, env)
            times[kind].append(shown)
            cpu[kind].append(cpu_s)
            memory[kind].append(rss)
            if kind == "app":
                form.append(page)
                form_cpu.append(page_cpu)
        print(
            f"run {number}: app {times['app'][-1]:.3f} s (CPU {cpu['app'][-1]:.3f} s), form {form[-1]:.3f} s "
            f"(CPU {form_cpu[-1]:.3f} s), {memory['app'][-1]:.0f} MiB · bare QMainWindow {times['bare'][-1]:.3f} s "
            f"(CPU {cpu['bare'][-1]:.3f} s) {memory['bare'][-1]:.0f} MiB"
        )
    print(f"app, start → window shown: {summary(times['app'], 's', 3)}")
    print(f"bare QMainWindow:          {summary(times['bare'], 's', 3)}")
    print(f"app, start → form shown:   {summary(form, 's', 3)}")
    print(f"app, CPU until shown:      {summary(cpu['app'], 's', 3)}")
    print(f"app, CPU until form shown: {summary(form_cpu, 's', 3)}")
    print(f"bare QMainWindow CPU:      {summary(cpu['bare'], 's', 3)}")
    print(f"app, idle memory:          {summary(memory['app'], 'MiB', 0)}")
    print(f"bare QMainWindow memory:   {summary(memory['bare'], 'MiB', 0)}")
    app_mem, bare_mem = statistics.median(memory["app"]), statistics.median(memory["bare"])
    print(f"memory: app {app_mem:.0f} MiB, reference {bare_mem:.0f} MiB, ratio {app_mem / bare_mem:.2f}")
    app_cpu, bare_cpu = statistics.median(cpu["app"]), statistics.median(cpu["bare"])
    print(f"CPU until shown: app {app_cpu:.3f} s, reference {bare_cpu:.3f} s, ratio {app_cpu / bare_cpu:.2f}")
    bare_s = statistics.median(times["bare"])
    page_s, page_cpu_s = statistics.median(form), statistics.median(form_cpu)
    print(f"form shown: app {page_s:.3f} s, reference {bare_s:.3f} s, ratio {page_s / bare_s:.2f}")
    ratio = page_cpu_s / bare_cpu
    print(f"CPU until form shown: app {page_cpu_s:.3f} s, reference {bare_cpu:.3f} s, ratio {ratio:.2f}")
    app_s = statistics.median(times["app"])
    print(f"startup: app {app_s:.3f} s, reference {bare_s:.3f} s, ratio {app_s / bare_s:.2f}")


if __name__ == "__main__":
    main()
