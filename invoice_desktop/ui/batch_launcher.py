"""Opens batch windows for the main window: from a drop of several files or a folder, File → Open batch…, and
File → Batches… (the kept batches, to resume one; the unfinished ones first).

Kept apart from main_window.py so the window only adds two menu entries and one connection per page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
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

from ..core.settings import SettingsStore, name_pattern_key
from .batch_window import BatchWindow
from .tasks import TaskRunner

ConfirmSend = Callable[[], bool]  # asked before sending (the first send to a Production in this session)

if TYPE_CHECKING:
    from ..core.batch import BatchService
    from ..core.provider import Provider
    from ..core.services import Services


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
        window = BatchWindow(self.service, provider, environment, self.runner, self.parent, confirm_send=confirm_send)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
                "No batches for this provider",
                f"{provider.name} takes no batch of documents: pick i.materialise, SkyPostal or PayFabric, "
                "or send one invoice at a time here.",
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
            return sum(1 for s in self.service.summaries() if s.pending and not s.closed)

        def said(unfinished: int) -> None:
            if unfinished:
                bar.showMessage(f"{unfinished} batch(es) still have rows to send: File → Batches… to resume.", 30000)
                batches_action.setText(f"Batc&hes… ({unfinished} unfinished)")

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
        super().__init__(parent)
        self.setWindowTitle("Batches")
        self.chosen: tuple[int, str, str] | None = None
        layout = QVBoxLayout(self)
        summaries = [s for s in batches.summaries(include_closed=True) if s.provider in providers]
        summaries.sort(key=lambda s: (s.pending == 0, -s.id))  # unfinished first, newest first
        intro = QLabel(
            "Kept batches, unfinished ones first. Open one to send what is left, retry, or export its report."
            if summaries
            else "No batches yet. Drop several files or a folder on i.materialise, SkyPostal or PayFabric.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Kept batches")
        for summary in summaries:
            name = providers[summary.provider].name
            left = f"{summary.pending} left to send" if summary.pending else "all settled"
            closed = " (closed)" if summary.closed else ""
            when = summary.created_at[:16].replace("T", " ")
            item = QListWidgetItem(
                f"Batch {summary.id} — {name}, {summary.environment}: {summary.rows} document(s), {left}{closed}; "
                f"made {when}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (summary.id, summary.provider, summary.environment))
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

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
