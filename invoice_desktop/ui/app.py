"""Start the window: `invoice-desktop [FILE] [--provider ID] [--environment ENV] [--smoke-test]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

UI_SWITCH_INTERVAL_S = 0.001


def parse_args(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="invoice-desktop", description="Invoice Desktop (the window).")
    parser.add_argument("file", nargs="?", help="an invoice file to open, as if dropped on the window")
    parser.add_argument("--provider", help="start on this provider (e.g. imaterialise)")
    parser.add_argument("--environment", choices=("practice", "sandbox", "production"))
    parser.add_argument("--language", help="en, de, es, fr or sv (default: Settings → Language, else the system's)")
    parser.add_argument(
        "--smoke-test", action="store_true", help="start, show the window, report, and exit (for packaging checks)"
    )
    return parser.parse_args(args)


def main(argv: list[str] | None = None, on_window: Callable[[Any], None] | None = None) -> int:
    """`on_window` is called with the main window before it is shown (benchmarks/startup.py watches it)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    import os

    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        if not args.smoke_test:
            from ..core import i18n

            # No window to ask QLocale with: the terminal's language, as the CLI speaks.
            i18n.set_language(i18n.choose_language(args.language, None, [i18n.language_from_environment()]))
            message = i18n._(
                "no display found ({variable} is not set). Start the app from a desktop session, or use the command "
                "line: {command}"
            ).format(variable="DISPLAY", command="invoice-desktop --help")
            print(f"invoice-desktop: {message}", file=sys.stderr)
            return 1
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # Workers (file checks, previews, uploads, the practice sandbox) hold Python's GIL in turns of the switch
    # interval: 5 ms by default, so the UI thread waited up to 5 ms each time it wanted the GIL back, often several
    # times in a row. At 1 ms the window answers sooner while they work (benchmarks/ui_stalls.py).
    sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    _import_core_first()
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    from PySide6.QtGui import QFileOpenEvent, QIcon
    from PySide6.QtWidgets import QApplication

    from .qt_import_hook import answer_feature_checks_cheaply

    answer_feature_checks_cheaply()  # before the modules below, and every module a worker imports later

    from ..core.settings import LANGUAGE_SETTING, SettingsStore
    from . import language

    # Before any widget is built: every text is translated when it is made.
    chosen = language.choose_window_language(args.language, SettingsStore.default().get(LANGUAGE_SETTING))
    language.use_system_region()

    from .. import APP_ID, APP_NAME
    from ..core.errors import InvoiceDesktopError
    from ..core.logs import setup_file_logging
    from ..providers import infos, registry
    from ..wiring import create_services
    from .main_window import MainWindow
    from .resources import icon_path
    from .tasks import TaskRunner
    from .window_settings import open_window_settings

    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationName(APP_ID)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationDisplayName(APP_NAME)
    language.install_qt_translations(app, chosen)
    if (icon := icon_path()) is not None:
        app.setWindowIcon(QIcon(str(icon)))

    setup_file_logging()

    from .history_wait import open_services

    try:
        # Says at once when another program holds the history, with Quit (None), instead of a silent wait.
        started = open_services(create_services)
    except InvoiceDesktopError as exc:  # the history is locked, from a newer release, or its server unreachable
        from .history_trouble import start_despite

        started = start_despite(exc)
    if started is None:
        return 1
    services = started
    runner = TaskRunner()
    settings = open_window_settings()
    if args.provider:
        settings.setValue("provider", args.provider)
        if args.environment:
            settings.setValue(f"{args.provider}/environment", args.environment)
    # Only the visible provider's module is imported now, the others when the clerk first picks them.
    window = MainWindow(services, registry(), runner, settings, defer_first_page=True)
    # The version is read from the installed metadata (importlib.metadata: 20-40 ms and ~5 MiB) only when shown,
    # by Help -> About; nothing else asks for it.
    if on_window is not None:
        on_window(window)

    class OpenFileFilter(QObject):
        """macOS delivers "Open With" as a QFileOpenEvent to the application."""

        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
                window.open_file(event.file())
                return True
            return False

    # Only where the event exists: an application-wide filter in Python is called for every event of every widget
    # (thousands a second while files are dropped or the log fills), which the window pays for in stalls.
    open_filter = OpenFileFilter()
    if sys.platform == "darwin":
        app.installEventFilter(open_filter)
    window.show()
    if args.file:
        QTimer.singleShot(0, lambda: window.open_file(args.file))

    if args.smoke_test:
        reported = False

        def report(*_: object) -> None:
            nonlocal reported
            if reported:
                return
            reported = True
            status = services.credentials.status()
            lines = [
                f"keyring backend: {status.backend_name} ({'persistent' if status.persistent else 'session only'})",
                f"main window: {'shown' if window.isVisible() else 'NOT shown'}",
                f"providers: {', '.join(p.id for p in infos())}",
                # The language in use, our word and Qt's own word in it (the installers carry both catalogs).
                f"language: {chosen}",
                f"upload button: {window.upload_button.text()}",
                f"qt cancel button: {_qt_cancel_text()}",
            ]
            zone = window.page.drop_zone
            if args.file and zone is not None:
                from pathlib import Path

                name = Path(args.file).name
                lines.append(
                    f"drop zone: {name} accepted"
                    if zone.path
                    else f"drop zone: {name} refused: {zone.detail.text().splitlines()[0]}"
                )
            # A windowed executable on Windows has no stdout at all.
            if sys.stdout is not None:
                print("\n".join(lines))
                sys.stdout.flush()
            app.exit(0 if window.isVisible() else 1)

        if args.file:
            # Report once the file given on the command line has been checked (or after 10 s at most). The page
            # that takes it exists once the file is opened (opening may switch to a provider that takes files).
            def watch_check() -> None:
                if window.page.drop_zone is not None:
                    window.page.drop_zone.checked.connect(report)

            QTimer.singleShot(0, watch_check)
            QTimer.singleShot(10000, report)
        else:
            QTimer.singleShot(300, report)

    try:
        code = app.exec()
    finally:
        runner.shutdown(timeout=1.0)
        services.close()
    return int(code)


def _qt_cancel_text() -> str:
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    text = box.buttons()[0].text()
    box.deleteLater()
    return text


def _import_core_first() -> None:
    """Import the Qt-free parts the first paint needs before PySide6: once PySide6 is imported, its import hook
    (shibokensupport.feature) is asked about every module imported after it. pydantic and the provider contract are
    not among them: the visible page is built after the first paint."""
    from ..core import logs, services  # noqa: F401
    from ..providers import registry

    registry()
