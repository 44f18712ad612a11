"""Tests the frozen executables that packaging/build.sh made: what breaks only in a bundle is caught here.

Run by packaging/smoke_test.sh (after the build), on Linux in CI and on the Windows and macOS runners:
1. the folder holds no Qt module the app doesn't use (QtQml, QtQuick, QtNetwork, WebEngine, ...);
2. the window starts offscreen, in German, with `--language de --smoke-test FILE`, shows its main window (with
   German words: ours from the bundled catalog, Qt's own from its qtbase catalog), exits 0 and names the keyring
   backend it found (per OS: Windows Credential Manager, macOS Keychain; on Linux the Secret Service when the
   caller started one and says so with --expect-keyring SecretService); when it reports its drop zone
   ("drop zone: <file> accepted"), the file given on the command line must have arrived there;
3. the CLI lists the same providers as the source tree (discovery by module listing works frozen), and speaks
   German with `--language de` (its help, and a refused file: still exit 2);
4. the CLI uploads a PDF to the practice i.materialise sandbox and exits 0;
5. where the test owns a keyring (Linux with a throwaway one, Windows), a credential saved by one frozen process is
   read by the next.
Each run gets its own INVOICE_DESKTOP_HOME, so no user's history or logs are touched.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # seconds per frozen process; the first start on macOS can be slow (Gatekeeper scans the bundle)

# Lower-case fragments of paths that must not be in the bundle (Qt modules and plugins the app doesn't use).
FORBIDDEN = (
    "qt6qml",
    "qtqml",
    "qt6quick",
    "qtquick",
    "qt6network",
    "qtnetwork",
    "webengine",
    "qt6pdf",
    "qtpdf",
    "virtualkeyboard",
    "qt6opengl",
    "qtopengl",
    "qt6svg",
    "qtsvg",
    "wayland",
    "opengl32sw",
    "qgtk3",
)
EXPECTED_KEYRING = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}
DEMO_API_CODE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"  # any well-formed i.materialise API code

failures: list[str] = []
passed: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("  ok    " if ok else "  FAIL  ") + what)
    (passed if ok else failures).append(what)


def executables(dist: Path) -> tuple[Path, Path, Path]:
    """(bundle folder to inspect, the window's executable, the CLI's executable)."""
    if sys.platform == "darwin":
        app = dist / "Invoice Desktop.app"
        return app, app / "Contents/MacOS/InvoiceDesktop", app / "Contents/MacOS/invoice-desktop"
    folder = dist / "InvoiceDesktop"
    suffix = ".exe" if sys.platform == "win32" else ""
    return folder, folder / f"InvoiceDesktop{suffix}", folder / f"invoice-desktop{suffix}"


def run(exe: Path, *args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    start = time.monotonic()
    try:
        done = subprocess.run(
            [str(exe), *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        done = subprocess.CompletedProcess(exc.cmd, -1, exc.stdout or "", f"timed out after {TIMEOUT} s")
    shown = " ".join([exe.name, *(a if len(a) < 60 else a[:57] + "..." for a in args)])
    print(f"\n$ {shown}    (exit {done.returncode}, {time.monotonic() - start:.1f} s)")
    for line in (done.stdout or "").strip().splitlines()[:20]:
        print(f"  | {line}")
    for line in (done.stderr or "").strip().splitlines()[-10:]:
        print(f"  ! {line}")
    return done


def inspect_bundle(folder: Path) -> None:
    print(f"bundle: {folder}")
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    print(f"  {size / 1e6:.0f} MB in {len(files)} files")
    rel = [p.relative_to(folder).as_posix() for p in files]
    qt_libs = sorted(
        {
            Path(r).name
            for r in rel
            if "/plugins/" not in r
            and ("qt6" in r.lower() or ".framework/" in r)
            and not r.endswith((".qm", ".plist", ".prl"))
        }
    )
    plugins = sorted(r.split("/plugins/", 1)[1] for r in rel if "/plugins/" in r)
    print(f"  Qt libraries: {', '.join(qt_libs)}")
    print(f"  Qt plugins: {', '.join(plugins)}")
    unwanted = [r for r in rel if any(f in r.lower() for f in FORBIDDEN)]
    check(not unwanted, "no unused Qt module or plugin in the bundle" + (f": {unwanted[:8]}" if unwanted else ""))
    check(
        any("keyring-" in r and r.endswith("entry_points.txt") for r in rel),
        "keyring's entry-point metadata is bundled",
    )
    languages = [code for code in shipped_languages() if code != "en"]
    missing = [
        wanted
        for code in languages
        for wanted in (f"invoice_desktop/locale/{code}/LC_MESSAGES/invoice_desktop.mo", f"/qtbase_{code}.qm")
        if not any(r.endswith(wanted) for r in rel)
    ]
    check(
        not missing,
        f"the catalogs of every shipped language are bundled, ours and Qt's ({', '.join(languages)})"
        + (f": missing {missing}" if missing else ""),
    )


def shipped_languages() -> tuple[str, ...]:
    sys.path.insert(0, str(ROOT))
    from invoice_desktop.core.i18n import SHIPPED_LANGUAGES

    return SHIPPED_LANGUAGES


def source_provider_ids() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from invoice_desktop.providers import all_providers

    return [p.id for p in all_providers()]


def write_real_pdf(path: Path) -> None:
    """A one-page PDF made by PDFium (the app checks PDFs for real: hand-written bytes would be refused)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)  # A4, in points
    document.save(str(path))
    document.close()


def german(message: str) -> str:
    """`message` as the source tree's German catalog (the one bundled) has it; the English when not translated."""
    import gettext

    locale = ROOT / "invoice_desktop" / "locale"
    return gettext.translation("invoice_desktop", locale, languages=["de"], fallback=True).gettext(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--expect-keyring", help="a fragment of the backend's name the window must report")
    args = parser.parse_args()
    sys.stdout.reconfigure(encoding="utf-8", errors="replace")  # a Windows runner's console code page
    folder, gui, cli = executables(Path(args.dist))
    for exe in (gui, cli):
        if not exe.is_file():
            print(f"missing {exe}: run packaging/build.sh first", file=sys.stderr)
            return 2
    expect_keyring = args.expect_keyring or EXPECTED_KEYRING.get(sys.platform)

    inspect_bundle(folder)
    with tempfile.TemporaryDirectory(prefix="invoice-desktop-smoke-") as tmp:
        env = dict(os.environ, INVOICE_DESKTOP_HOME=str(Path(tmp) / "home"), QT_QPA_PLATFORM="offscreen")
        if sys.platform.startswith("linux"):
            env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # the window's QSettings stay in the temp dir
        pdf = Path(tmp) / "Rechnung_Müller_№5.pdf"  # a non-ASCII name must survive argv and the multipart header
        write_real_pdf(pdf)

        # The window. Windows' windowed executable has no stdout, so the console executable (same code, same
        # bundle) reports there and the windowed one must still exit 0.
        reporter = cli if sys.platform == "win32" else gui
        done = run(reporter, "--language", "de", "--smoke-test", str(pdf), env=env)
        out = done.stdout or ""
        check(done.returncode == 0, "the window starts offscreen and exits 0 on --smoke-test")
        check("main window: shown" in out, "the main window was shown")
        check("language: de" in out, "the window runs in German with --language de")
        check("qt cancel button: Abbrechen" in out, "Qt's own words are German (qtbase_de.qm is bundled)")
        # The send button's Alt letter is picked among the letters free in German, so compare its words only.
        upload = german("Upload")
        shown = next(
            (line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("upload button:")), ""
        )
        check(upload != "Upload" and shown.replace("&", "") == upload, f"the window speaks German ({shown!r})")
        backend = next(
            (line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("keyring backend:")), None
        )
        check(backend is not None, f"the window reports its keyring backend ({backend})")
        if expect_keyring:
            check(
                bool(backend) and expect_keyring in backend and "session only" not in backend,
                f"the frozen app found the {expect_keyring} keyring backend",
            )
        dropped = next((line for line in out.splitlines() if line.startswith("drop zone:")), None)
        if dropped is None:
            print("  note  no 'drop zone:' line from the window: the file given on the command line is not checked")
        else:
            check(
                pdf.name in dropped and "accepted" in dropped,
                "the PDF given on the command line arrived in the drop zone and was accepted",
            )
        if sys.platform == "win32":
            check(
                run(gui, "--smoke-test", str(pdf), env=env).returncode == 0,
                "the windowed executable exits 0 on --smoke-test",
            )

        # The CLI.
        done = run(cli, "providers", env=env)
        frozen_ids = [line.split()[0] for line in (done.stdout or "").splitlines() if line.strip()]
        expected_ids = source_provider_ids()
        check(
            done.returncode == 0 and frozen_ids == expected_ids,
            f"the CLI lists every provider of the source tree ({', '.join(expected_ids)})",
        )

        usage = german("usage: ")
        done = run(cli, "--language", "de", "--help", env=env)
        check(
            done.returncode == 0 and usage != "usage: " and (done.stdout or "").startswith(usage),
            f"the CLI speaks German with --language de ({usage.strip()!r} from the bundled catalog)",
        )
        text = Path(tmp) / "Rechnung.txt"
        text.write_text("not an invoice document", encoding="utf-8")
        refused = run(
            cli,
            "--language",
            "de",
            "send",
            "imaterialise",
            "--data",
            '{"order_id":"ORD-1001"}',
            "--file",
            str(text),
            env=env,
        )
        refusal = german("file refused, nothing was sent: {reason}").split("{", 1)[0].strip()
        check(refused.returncode == 2, "the CLI refuses a wrong file, in German too, with exit 2")
        if not refusal.startswith("file refused"):  # the German catalog has this sentence
            check(refusal in (refused.stderr or ""), f"the CLI says the refusal in German ({refusal!r})")

        done = run(cli, "send", "imaterialise", "--data", '{"order_id":"ORD-1001"}', "--file", str(pdf), env=env)
        try:
            outcome = json.loads(done.stdout).get("outcome")
        except ValueError:
            outcome = None
        check(
            done.returncode == 0 and outcome == "succeeded" and pdf.name in done.stdout,
            "the CLI uploads a PDF with a non-ASCII name to the practice i.materialise sandbox and exits 0",
        )

        if sys.platform == "win32" or args.expect_keyring:
            # Only where the keyring is the test's own (a throwaway Secret Service) or a runner's (Windows).
            where = ["imaterialise", "--environment", "sandbox"]
            saved = run(cli, "credentials", "set", *where, env=env, stdin=json.dumps({"api_code": DEMO_API_CODE}))
            shown = run(cli, "credentials", "show", *where, env=env)
            run(cli, "credentials", "delete", *where, env=env)
            check(
                saved.returncode == 0 and "api_code: set" in (shown.stdout or ""),
                "a credential saved by one frozen process is read from the system keyring by the next",
            )

    if failures:
        print("\nfrozen smoke test FAILED:\n" + "\n".join(f"  - {f}" for f in failures))
    print(f"\nfrozen-smoke: {len(passed)} passed, {len(failures)} failed")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
