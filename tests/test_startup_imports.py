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


@pytest.mark.parametrize("args", [["--help"], ["providers"], ["send", "--help"], ["batch", "--help"]], ids=" ".join)
def test_help_and_providers_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    output, heavy = imported_by(args, tmp_path)
    assert "usage: invoice-desktop" in output or "i.materialise" in output
    assert heavy == []


def test_providers_lists_every_provider_from_the_declarations(tmp_path: Path) -> None:
    output, _ = imported_by(["providers"], tmp_path)
    ids = [line.split()[0] for line in output.splitlines()]
    assert ids == list(PROVIDER_MODULES)
    assert "practice, sandbox, production" in output.splitlines()[0]


WINDOW = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication([sys.argv[0]])
seen = {}


def modules():
    return sorted(
        m for m in sys.modules
        if m.startswith(("invoice_desktop.providers.", *WATCHED)) or m.split(".")[0] in HEAVY
    )


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if not seen and event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            seen["painted"] = modules()
            seen["qt_namespace_at_paint"] = "Qt" in vars(sys.modules["PySide6.QtCore"])
            seen["listed"] = [obj.provider_list.item(i).text() for i in range(obj.provider_list.count())]
            obj.first_painted.connect(lambda: QTimer.singleShot(1500, lambda: when_idle(obj)))
        return False


def when_idle(window):
    # The start-up work after the paint is done once the keyring's state and (in practice) what to try there are
    # shown (on a loaded machine that takes longer than the 1.5 s waited): then the window is idle, as a clerk finds it.
    from invoice_desktop.core.i18n import _

    hint_shown = window.environment != "practice" or _("What to try…") in window.banner.plain_text()
    if window.keyring_status.text() and hint_shown:
        finish(window)
    else:
        QTimer.singleShot(50, lambda: when_idle(window))


def finish(window):
    import linecache

    seen["later"] = modules()
    seen["idle_unused"] = sorted(m for m in sys.modules if m in UNUSED_AT_IDLE)
    window.banner.linkActivated.emit("#hint")  # the clerk opens "What to try…"
    seen["banner"] = window.banner.plain_text()
    seen["switch_interval"] = sys.getswitchinterval()
    seen["sources_kept"] = len(linecache.cache)
    # The clerk starts on an upload: types into the form's first line.
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    seen["open_keys"] = window.open_action.shortcut().toString()
    QTest.keyClicks(window.page.form.findChildren(QLineEdit)[0], "ORD-1")
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.start(60_000)
    poll = QTimer()

    def look():
        ready = "requests.adapters" in sys.modules and window.page.form.model is not None
        if ready or not deadline.isActive():
            poll.stop()
            seen["after_typing"] = modules()
            print("SEEN " + json.dumps(seen), flush=True)
            app.quit()

    poll.timeout.connect(look)
    poll.start(20)


watcher = FirstPaint()
app.installEventFilter(watcher)
from invoice_desktop.ui.app import main

main(sys.argv[1:])
"""


# What no start needs: the batch machinery (the documents' readers included) until a batch is opened; the installed
# metadata (the version) until Help -> About; the content checks (ctypes, zipfile, ElementTree) until a file is checked.
BATCH_MODULES = (
    "invoice_desktop.core.batch",
    "invoice_desktop.core.documents",
    # The batch window and the parts it is made of (not batch_launcher/batch_model: the main window uses them).
    "invoice_desktop.ui.batch_window",
    "invoice_desktop.ui.batch_questions",
    "invoice_desktop.ui.batch_side_panel",
    "invoice_desktop.ui.batch_status",
    "invoice_desktop.ui.batch_table",
)
# Nor the folded Log and History (built with the page, after the first paint), nor the Settings dialog.
LATER_UI = ("invoice_desktop.ui.log_pane", "invoice_desktop.ui.history_view", "invoice_desktop.ui.settings_dialog")
# Nor the practice server (http.server, socketserver, the sandboxes: 1-2 MiB) until an upload needs it.
PRACTICE_SERVER = ("invoice_desktop.practice.", "http.server", "socketserver")
# Nor the upload machinery: the history is opened before the first paint, the upload service is built after it.
UPLOAD_MODULES = ("invoice_desktop.core.upload", "invoice_desktop.core.transport", "invoice_desktop.core.exchange")
WATCHED = (
    *BATCH_MODULES,
    "importlib.metadata",
    "invoice_desktop.core.content_",  # content_checks.py and its one module a kind
    *LATER_UI,
    *PRACTICE_SERVER,
    *UPLOAD_MODULES,
)


# Nor, once the window is idle, standard modules it does not use (benchmarks/startup.py's idle memory): each was
# imported for one line the idle window never runs, or one that had a lighter way.
UNUSED_AT_IDLE = {
    # name: what it cost the idle window, and the line that imported it
    "secrets": "with hmac, hashlib and OpenSSL's libcrypto ~3.5 MiB: core/dropped.py's folder names",
    "hashlib": "OpenSSL's libcrypto ~3.5 MiB",
    "_hashlib": "OpenSSL's libcrypto ~3.5 MiB",
    "html.entities": "0.7 MiB of tables, for html.escape (ui/rich_text.py)",
    "uuid": "0.7 MiB with platform and libuuid: random names in core/history.py and core/snapshots.py",
    "platform": "0.5 MiB: the computer's name in core/clerk.py",
    "socket": "1 MiB with selectors and array: core/clerk.py, core/transport.py",
    "shlex": "the Log's curl command (core/exchange.py)",
    "pkgutil": "the search for undeclared providers (invoice_desktop/providers/__init__.py)",
    "decimal": '0.5 MiB: the drop zone\'s "up to 20 MB" (core/local_format.py), the batch count (core/outbox.py)',
}


def window_start(args: list[str], tmp_path: Path, *, desktop: bool = True) -> dict[str, list[str]]:
    """What the window imported when painted, when idle, after typing. `desktop=False`: as benchmarks/startup.py
    starts it, with no desktop session, hence no keyring (whose own imports include most of UNUSED_AT_IDLE)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INVOICE_DESKTOP_HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    if not desktop:
        for name in (
            "PYTHON_KEYRING_BACKEND",
            "DBUS_SESSION_BUS_ADDRESS",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "XDG_RUNTIME_DIR",
        ):
            env.pop(name, None)
    code = (
        WINDOW.replace("HEAVY", repr(("pydantic", "requests", "keyring", "urllib3")))
        .replace("WATCHED", repr(WATCHED))
        .replace("UNUSED_AT_IDLE", repr(set(UNUSED_AT_IDLE)))
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("SEEN ")), None)
    assert line is not None, done.stdout + done.stderr
    return json.loads(line.removeprefix("SEEN "))


def provider_modules(modules: list[str]) -> set[str]:
    """The provider modules among `modules`, by provider (helpers such as _ddapi_form count as their provider's)."""
    found = set()
    for name in modules:
        if name.startswith("invoice_desktop.providers.") and name != "invoice_desktop.providers._pages":
            leaf = name.rsplit(".", 1)[1].lstrip("_")
            found.add(next((p for p in PROVIDER_MODULES if leaf.startswith(p)), leaf))
    return found


@pytest.mark.parametrize("provider", ["imaterialise", "ddapi"])
def test_showing_the_window_imports_only_the_visible_provider(provider: str, tmp_path: Path) -> None:
    seen = window_start(["--provider", provider], tmp_path)
    assert seen["listed"] == [
        "i.materialise",
        "SkyPostal API-BOX",
        "PayFabric Receivables",
        "Shopwave",
        "DäckData DDAPI",
    ]
    # The window is painted before the visible page is built: no provider module, no pydantic (~15 MiB, a third of
    # the start), no installed metadata; nor the keyring or the HTTP stack, which come after it.
    assert provider_modules(seen["painted"]) == set()
    assert [m for m in seen["painted"] if m.split(".")[0] in ("pydantic", "keyring", "requests", "urllib3")] == []
    assert [m for m in seen["painted"] if m.startswith(WATCHED)] == []
    # Nor the Python enums of Qt's namespace (93 of them, ~15 ms; see invoice_desktop/ui/__init__.py)...
    assert seen["qt_namespace_at_paint"] is False
    # The keyring is read after it; the HTTP stack (~9 MiB) only at the first sign of an upload, on a worker...
    later = {m.split(".")[0] for m in seen["later"]}
    assert "keyring" in later and "requests" not in later
    # ... and so are the provider's module and pydantic (~20 MiB): the page is shown from its generated description.
    assert provider_modules(seen["later"]) == set() and "pydantic" not in later
    # PySide6's import hook asks each module imported after it whether it uses PySide6; asked through inspect, it
    # kept every module's source in memory (some 240 files, over 10 MiB). Asked from the file, nothing is kept.
    assert seen["sources_kept"] < 10
    # ... so the first upload does not pay for it.
    assert "requests.adapters" in seen["after_typing"]
    assert provider_modules(seen["after_typing"]) == {provider} and "pydantic.main" in seen["after_typing"]
    assert seen["open_keys"] == "Ctrl+O"  # the menus' keys, assigned right after the first paint
    assert {"invoice_desktop.ui.log_pane", "invoice_desktop.ui.history_view"} <= set(seen["later"])
    # Workers hand Python's GIL back to the UI thread every millisecond, not every five (the stalls they caused).
    assert seen["switch_interval"] <= 0.001
    # Counting the unfinished batches after the paint reads the outbox; it imports no batch machinery.
    assert [m for m in seen["later"] if m.startswith(BATCH_MODULES)] == []
    # What to try in practice is shown, read from the page's description: no sandbox, no practice server.
    assert declared_hint(provider, "en") in seen["banner"]
    assert practice_server(seen["later"]) == []


def test_the_idle_window_keeps_no_standard_module_it_does_not_use(tmp_path: Path) -> None:
    seen = window_start(["--provider", "imaterialise"], tmp_path, desktop=False)
    assert "keyring" not in {m.split(".")[0] for m in seen["later"]}  # no desktop session: no keyring to read
    assert seen["idle_unused"] == []
    # The first upload still gets what it needs.
    assert "requests.adapters" in seen["after_typing"]


def declared_hint(provider: str, language: str) -> str:
    """The hint the provider's practice sandbox declares, in `language`."""
    from invoice_desktop.core import i18n
    from invoice_desktop.providers import get_provider

    sandbox_module, _sep, class_name = get_provider(provider).practice_sandbox.partition(":")
    hint = getattr(__import__(sandbox_module, fromlist=[class_name]), class_name).HINT
    before = i18n.current_language()
    i18n.set_language(language)
    try:
        return i18n._(hint)
    finally:
        i18n.set_language(before)


def practice_server(modules: list[str]) -> list[str]:
    """The practice server's modules among `modules` (the sample folder's lookup for the hint is not one of them)."""
    return [m for m in modules if m.startswith(PRACTICE_SERVER) and m != "invoice_desktop.practice.samples"]


def test_the_practice_hint_shows_in_german_and_starts_no_practice_server(tmp_path: Path) -> None:
    seen = window_start(["--provider", "payfabric", "--language", "de"], tmp_path)
    hint = declared_hint("payfabric", "de")
    assert hint != declared_hint("payfabric", "en")  # translated: the German catalog has it
    assert hint in seen["banner"]
    assert practice_server(seen["later"]) == [] and provider_modules(seen["later"]) == set()


def test_the_cli_starts_no_practice_server_and_reads_no_keyring_it_does_not_need(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import json, sys
        from invoice_desktop.__main__ import main
        try:
            code = main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
        loaded = sorted(m for m in sys.modules if m.startswith(("invoice_desktop.practice", "keyring")))
        print("IMPORTED " + json.dumps({"code": code, "loaded": loaded}))
        """
    )
    env = {**os.environ, "INVOICE_DESKTOP_HOME": str(tmp_path / "home")}

    def run(*args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=60
        )
        return json.loads(done.stdout.strip().splitlines()[-1].removeprefix("IMPORTED "))

    assert run("history") == {"code": 0, "loaded": []}
    # Another address than this computer's practice sandbox: no practice server (the keyring is read: the
    # sandbox's credentials live there).
    elsewhere = run(
        "send", "imaterialise", "-e", "sandbox", "--base-url", "http://127.0.0.1:9",
        "-d", '{"order_id": "ORD-1001"}', "--file-url", "https://example.com/invoice.pdf",
    )  # fmt: skip
    assert elsewhere["code"] == 3  # credentials missing: nothing was sent
    assert [m for m in elsewhere["loaded"] if m.startswith("invoice_desktop.practice")] == []


@pytest.mark.skipif(sys.platform != "linux", reason="names Linux's keyring stores")
def test_a_cli_send_imports_no_keyring_without_a_desktop_nor_what_it_does_not_use(tmp_path: Path) -> None:
    """keyring's own detection imports every backend it knows (the macOS one runs find_library subprocesses even on
    Linux; Secret Service loads cryptography) and every plug-in: a third of a send. Only the platform's own stores
    are tried, and without a desktop session (no session bus, no display: a server running the CLI) none can answer,
    so keyring itself is not imported. Nor is what else a send does not use: pypdfium2's Python helpers (a PDF is
    checked through PDFium's raw bindings), logging.handlers (the log rotates by its own rule) or Qt."""
    code = textwrap.dedent(
        """
        import json, sys
        from invoice_desktop.__main__ import main
        try:
            code = main(sys.argv[1:])
        except SystemExit as exc:
            code = exc.code
        unused = ("keyring", "keyrings", "cryptography", "pypdfium2", "PySide6")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in unused or m == "logging.handlers")
        print("IMPORTED " + json.dumps({"code": code, "loaded": loaded}))
        """
    )
    pdf = tmp_path / "invoice.pdf"
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Invoice INV-1 for order ORD-1001")
    document.output(str(pdf))
    desktop = ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR")
    env = {k: v for k, v in os.environ.items() if k not in desktop}
    env |= {"INVOICE_DESKTOP_HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-c", code, "send", "imaterialise", "-d", '{"order_id": "ORD-1001"}', "-f", str(pdf)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120,
    )  # fmt: skip
    seen = json.loads(done.stdout.strip().splitlines()[-1].removeprefix("IMPORTED "))
    assert seen["code"] == 0, done.stdout + done.stderr
    assert '"outcome": "succeeded"' in done.stdout
    assert seen["loaded"] == []
