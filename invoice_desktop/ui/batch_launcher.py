"""Opens batch windows for the main window: from a drop of several files or a folder, File → Open batch…, and
File → Batches… (the kept batches, to resume one; the unfinished ones first).

Kept apart from main_window.py so the window only adds two menu entries and one connection per page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from ..core import local_format
from ..core.i18n import _, ngettext
from ..core.settings import SettingsStore, name_pattern_key
from .tasks import TaskRunner

ConfirmSend = Callable[[], bool]  # asked before sending (the first send to a Production in this session)

if TYPE_CHECKING:
    from ..core.batch import BatchService
    from ..core.provider import Provider
    from ..core.services import Services
    from .batch_window import BatchWindow


class BatchLauncher:
    def __init__(self, services: Services, runner: TaskRunner, settings: SettingsStore, parent: QWidget) -> None:
        self.services = services
        self.runner = runner
        self.settings = settings
        self.parent = parent
        self._service: BatchService | None = None
        self.windows: list[BatchWindow] = []

    @property
    def service(self) -> BatchService:
        if self._service is None:
            from ..core.batch import BatchService  # imported on first use: not on the start-up path

            self._service = BatchService(self.services.uploads)
        return self._service

    @staticmethod
    def takes_batches(provider: Provider) -> bool:
        return bool(provider.document_fields) and provider.attachment is not None

    def _window(self, provider: Provider, environment: str, confirm_send: ConfirmSend | None) -> BatchWindow:
        # The batch window and what it uses (the outbox, PDF previews) are imported when a batch is opened, not
        # before the main window's first paint.
        from .batch_window import BatchWindow

        window = BatchWindow(self.service, provider, environment, self.runner, self.parent, confirm_send=confirm_send)
        window.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: self.windows.remove(window) if window in self.windows else None)
        self.windows.append(window)
        window.show()
        return window

    def open_paths(
        self, provider: Provider, environment: str, paths: list[str], confirm_send: ConfirmSend | None = None
    ) -> BatchWindow | None:
        if not self.takes_batches(provider):
            QMessageBox.information(
                self.parent,
                _("No batches for this provider"),
                _(
                    "{provider} takes no batch of documents: pick i.materialise, SkyPostal or PayFabric, "
                    "or send one invoice at a time here."
                ).format(provider=provider.name),
            )
            return None
        window = self._window(provider, environment, confirm_send)
        templates = str(self.settings.get("batch.templates_folder") or "") or None
        window.build(paths, name_pattern=self.pattern_for(provider.id), templates_dir=templates)
        return window

    def pattern_for(self, provider_id: str) -> str | None:
        try:
            return str(self.settings.get(name_pattern_key(provider_id)) or "") or None
        except KeyError:  # a provider added without a declared pattern setting
            return None

    def open_kept(
        self, batch_id: int, provider: Provider, environment: str, confirm_send: ConfirmSend | None = None
    ) -> BatchWindow:
        window = self._window(provider, environment, confirm_send)
        window.open_batch(batch_id)
        return window

    def announce_unfinished(self, bar: QStatusBar, batches_action: QAction) -> None:
        """After the first paint: batches left with rows to send (closed early, or the app stopped) are said in
        the status bar, and File → Batches… shows how many."""

        def count(_task: object) -> int:
            # Read from the outbox itself: the batch service would import the documents' readers and the whole
            # batch machinery (~3 MiB) into every start only to count.
            from ..core.outbox import Outbox

            return sum(1 for s in Outbox(self.services.history).summaries() if s.pending and not s.closed)

        def said(unfinished: int) -> None:
            if unfinished:
                said = ngettext(
                    "{n} batch still has rows to send: File → Batches… to resume.",
                    "{n} batches still have rows to send: File → Batches… to resume.",
                    unfinished,
                ).format(n=unfinished)
                bar.showMessage(said, 30000)
                # TRANSLATORS: the File menu entry, with its mnemonic; keep the same letter as in "Batc&hes…".
                entry = ngettext("Batc&hes… ({n} unfinished)", "Batc&hes… ({n} unfinished)", unfinished)
                batches_action.setText(entry.format(n=unfinished))

        self.runner.submit("batch-summaries", count, said)

    def show_list(
        self, providers: dict[str, Provider], confirm: Callable[[Provider, str], bool] | None = None
    ) -> BatchWindow | None:
        """File → Batches…: the kept batches, to open one again."""
        dialog = BatchList(self.service, providers, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return None
        batch_id, provider_id, environment = dialog.chosen
        provider = providers[provider_id]
        ask = (lambda: confirm(provider, environment)) if confirm else None
        return self.open_kept(batch_id, provider, environment, ask)


class BatchList(QDialog):
    def __init__(self, batches: BatchService, providers: dict[str, Provider], parent: QWidget | None = None) -> None:
        from ..core.provider import ENVIRONMENT_LABELS  # the dialog opens on demand: not on the start-up path

        super().__init__(parent)
        self.setWindowTitle(_("Batches"))
        self.chosen: tuple[int, str, str] | None = None
        layout = QVBoxLayout(self)
        summaries = [s for s in batches.summaries(include_closed=True) if s.provider in providers]
        summaries.sort(key=lambda s: (s.pending == 0, -s.id))  # unfinished first, newest first
        intro = QLabel(
            _("Kept batches, unfinished ones first. Open one to send what is left, retry, or export its report.")
            if summaries
            else _("No batches yet. Drop several files or a folder on i.materialise, SkyPostal or PayFabric."),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Kept batches"))
        for summary in summaries:
            name = providers[summary.provider].name
            when = local_format.format_timestamp(summary.created_at, seconds=False)
            environment = _(ENVIRONMENT_LABELS.get(summary.environment, summary.environment))
            text = self.describe(summary.id, name, environment, summary.rows, summary.pending, summary.closed, when)
            item = QListWidgetItem(text)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, (summary.id, summary.provider, summary.environment))
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(buttons)
        if summaries:
            self.list.setCurrentRow(0)
        self.resize(640, 360)

    @staticmethod
    def describe(batch_id: int, name: str, environment: str, rows: int, pending: int, closed: bool, when: str) -> str:
        """One kept batch, in a sentence of the clerk's language (each count with its own plural)."""
        documents = ngettext("{n} document", "{n} documents", rows).format(n=rows)
        if pending:
            left = ngettext("{n} left to send", "{n} left to send", pending).format(n=pending)
        else:
            left = _("all settled")
        if closed:
            # TRANSLATORS: a kept batch in File → Batches…, e.g. "Batch 3 — SkyPostal API-BOX, sandbox: 4 documents,
            # 1 left to send (closed); made 2026-12-02 09:10".
            text = _("Batch {id} — {provider}, {environment}: {documents}, {left} (closed); made {when}")
        else:
            # TRANSLATORS: a kept batch in File → Batches…, e.g. "Batch 3 — SkyPostal API-BOX, sandbox: 4 documents,
            # 1 left to send; made 2026-12-02 09:10".
            text = _("Batch {id} — {provider}, {environment}: {documents}, {left}; made {when}")
        return text.format(
            id=batch_id, provider=name, environment=environment, documents=documents, left=left, when=when
        )

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = item.data(QtCore.Qt.ItemDataRole.UserRole)
        super().accept()
