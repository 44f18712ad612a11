"""The Help menu: how to use the app, how a provider is sent, where files are kept, About."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..core.i18n import _

if TYPE_CHECKING:
    from ..core.history import History


class TextDialog(QDialog):
    """A readable page of text (Markdown) with a Close button."""

    def __init__(self, title: str, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(markdown)
        self.browser.setAccessibleName(title)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Fit the screen it opens on (a laptop at 1366×768 included).
        screen = (parent.screen() if parent is not None else None) or self.screen()
        free = screen.availableGeometry()
        self.resize(min(760, free.width() - 40), min(560, free.height() - 80))


def how_sent_text(provider_name: str, notes: str) -> str:
    """For integrators: the provider's readings of its documentation (the README has them in full)."""
    heading = _("How {provider} is sent").format(provider=provider_name)
    body = _(notes) if notes else _("Nothing special: the form is sent as the documentation describes.")
    # TRANSLATORS: Markdown; keep the *asterisks* around the README section's name.
    details = _(
        "The README's section *How this is sent* has the details, with every reading the app chose where the "
        "documentation is silent. Every request and answer is in the Log (secrets hidden)."
    )
    return f"## {heading}\n\n{body}\n\n{details}"


def build_help_menu(
    window: QMainWindow,
    history: History,
    provider_names: Sequence[str],
    show_how_sent: Callable[[], None],
    keys: Callable[[QAction, QKeySequence.StandardKey], None] | None = None,
) -> QMenu:
    """The window's Help menu; `show_how_sent` shows how the provider on screen is sent. `keys` assigns an
    action's shortcut (the window's, after its first paint); by default at once."""
    menu = window.menuBar().addMenu(_("&Help"))
    usage = QAction(_("&How to use {app}").format(app=APP_NAME), window)
    if keys is None:
        usage.setShortcut(QKeySequence.StandardKey.HelpContents)
    else:
        keys(usage, QKeySequence.StandardKey.HelpContents)
    usage.triggered.connect(lambda: show_usage(window))
    menu.addAction(usage)
    how = QAction(_("How this provider is &sent"), window)
    how.triggered.connect(show_how_sent)
    menu.addAction(how)
    folders = QAction(_("&Where files are kept (open the log folder)"), window)
    folders.triggered.connect(lambda: show_folders(window, history))
    menu.addAction(folders)
    menu.addSeparator()
    about = QAction(_("&About {app}").format(app=APP_NAME), window)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window, provider_names))
    menu.addAction(about)
    return menu


def show_text(window: QWidget, title: str, markdown: str) -> TextDialog:
    dialog = TextDialog(title, markdown, window)
    dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def show_usage(window: QWidget) -> TextDialog:
    from ..usage import USAGE

    return show_text(window, _("How to use {app}").format(app=APP_NAME), "## " + _("Using it") + "\n\n" + _(USAGE))


def show_folders(window: QWidget, history: History) -> None:
    """Open the log folder in the file manager, and say where everything else is."""
    from ..core.paths import data_dir, log_dir

    logs = log_dir()
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(logs)))
    QMessageBox.information(
        window,
        _("Where files are kept"),
        (_("The log folder is open in your file manager.") + "\n\n" if opened else "")
        + _("Logs: {logs}\nHistory: {history}\nData folder: {data}").format(
            logs=logs, history=history.path, data=data_dir()
        )
        + "\n\n"
        + _("Credentials are kept in the system keyring, never in these folders."),
    )


def show_about(window: QWidget, provider_names: Sequence[str]) -> None:
    from PySide6.QtCore import QCoreApplication

    from .. import __version__  # read from the installed metadata (20-40 ms, ~5 MiB): only when About is opened

    QCoreApplication.setApplicationVersion(__version__)
    names = ", ".join(provider_names)
    QMessageBox.about(
        window,
        _("About {app}").format(app=APP_NAME),
        f"<b>{APP_NAME}</b> {__version__}<br><br>"
        + _("Upload invoices to your providers' web APIs by hand, safely: {providers}.").format(providers=names),
    )
