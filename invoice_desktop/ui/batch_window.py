"""The batch window: many documents for one provider, filled from the documents, checked, sent one at a time.

Everything slow runs on the task runner (reading 200 documents, sending, the preview); the window only shows the
service's rows (core/batch.py) and forwards the clerk's edits, ticks and choices to it. The batch is in the
outbox before anything is sent, so the window can be closed at any time and the batch opened again later. The table
is made in batch_table.py, the preview and sources beside it in batch_side_panel.py, the questions asked before
sending in batch_questions.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..core import outbox
from ..core.i18n import _, ngettext
from ..core.outbox import Batch, BatchRow
from . import batch_questions
from .batch_model import FILTERS, BatchTableModel, StatusFilter, status_words
from .batch_side_panel import BatchSidePanel
from .batch_status import BatchStatus
from .batch_table import batch_table, fit_columns, table_model
from .environment_banner import environment_title
from .tasks import Task, TaskRunner

if TYPE_CHECKING:
    from ..core.batch import BatchService, SendReport
    from ..core.provider import Provider


class BatchWindow(QWidget):
    """`ready` when the batch is made or opened; `finished(report)` after Upload all / Retry; `row_updated`
    (queued from the sending thread) whenever a row's status changes."""

    ready = Signal()
    finished = Signal(object)
    failed = Signal(str)
    row_updated = Signal(object)
    row_progress = Signal(object, int, int)

    def __init__(
        self,
        batches: BatchService,
        provider: Provider,
        environment: str,
        runner: TaskRunner,
        parent: QWidget | None = None,
        confirm_send: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.confirm_send = confirm_send
        self.batches = batches
        self.provider = provider
        self.environment = environment
        self.runner = runner
        self.batch: Batch | None = None
        self.model: BatchTableModel | None = None
        self.task: Task | None = None
        self.setWindowTitle(_("Batch — {provider}").format(provider=provider.name))
        self.resize(1280, 720)

        self.title = QLabel(self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("QLabel { background: #fff8e1; border: 1px solid #e0c36a; padding: 4px; }")
        self.notes.hide()
        bar = self._button_bar()

        self.proxy = StatusFilter()
        self.table = batch_table(self.proxy, self)
        self.side = BatchSidePanel(runner, self)
        self.preview, self.sources = self.side.preview, self.side.sources
        splitter = QSplitter(self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.footer = BatchStatus(self)
        self.status, self.progress = self.footer.status, self.footer.progress

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notes)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.footer)
        self._connect()
        self._set_busy(False)

    def _button_bar(self) -> QHBoxLayout:
        """The row filter, the sending buttons, and the row's and batch's own on the right."""
        self.filter = QComboBox(self)
        for words, _statuses in FILTERS:
            self.filter.addItem(_(words))
        self.filter.setAccessibleName(_("Show rows"))
        # TRANSLATORS: the label of the batch window's row filter ("Show: All rows").
        show_label = QLabel(_("&Show:"), self)
        show_label.setBuddy(self.filter)
        self.upload_button = QPushButton(_("&Upload all"), self)
        self.retry_button = QPushButton(_("&Retry failed"), self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.confirm_button = QPushButton(_("Con&firm guesses"), self)
        self.confirm_button.setToolTip(_("Take the highlighted values of the selected rows as they are"))
        self.open_button = QPushButton(_("&Open document"), self)
        self.export_button = QPushButton(_("&Export report…"), self)
        self.close_batch_button = QPushButton(_("C&lose batch"), self)
        self.close_batch_button.setToolTip(_("Put the batch away; File → Batches… opens it again"))
        bar = QHBoxLayout()
        bar.addWidget(show_label)
        bar.addWidget(self.filter)
        bar.addSpacing(12)
        for button in (self.upload_button, self.retry_button, self.cancel_button, self.confirm_button):
            bar.addWidget(button)
        bar.addStretch(1)
        for button in (self.open_button, self.export_button, self.close_batch_button):
            bar.addWidget(button)
        return bar

    def _connect(self) -> None:
        self.filter.currentIndexChanged.connect(lambda i: self.proxy.show_only(FILTERS[i][1]))
        self.upload_button.clicked.connect(self.upload_all)
        self.retry_button.clicked.connect(self.retry_failed)
        self.cancel_button.clicked.connect(self.cancel)
        self.confirm_button.clicked.connect(self.confirm_guesses)
        self.open_button.clicked.connect(self.open_document)
        self.export_button.clicked.connect(self.export_report)
        self.close_batch_button.clicked.connect(self.close_batch)
        self.table.doubleClicked.connect(self._double_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)
        # The sender's callbacks arrive on its thread: queued onto this one.
        self.row_updated.connect(self._row_updated, Qt.ConnectionType.QueuedConnection)
        self.row_progress.connect(self.footer.row_sent_part, Qt.ConnectionType.QueuedConnection)

    # -- making or opening the batch ----------------------------------------------------------------------

    def build(self, paths: Sequence[str], *, name_pattern: str | None = None, templates_dir: str | None = None) -> None:
        """Read, check and keep the documents as a batch (off the UI thread)."""
        reading = ngettext(
            "{provider}: reading {n} dropped item…", "{provider}: reading {n} dropped items…", len(paths)
        )
        self.title.setText(reading.format(provider=self.provider.name, n=len(paths)))
        self.footer.say(_("Reading the documents: each value is filled in with where it came from."))
        self.footer.reading()
        provider_id, environment = self.provider.id, self.environment

        def work(task: Task) -> Batch:
            return self.batches.create(
                provider_id,
                environment,
                list(paths),
                name_pattern=name_pattern or None,
                templates_dir=templates_dir or None,
                progress=task.report_progress,
                cancel=task.cancel_token,
            )

        self._start("batch-build", work, self._show_batch, progress=self.footer.read)

    def open_batch(self, batch_id: int) -> None:
        self.title.setText(_("Opening batch {id}…").format(id=batch_id))
        self._start("batch-open", lambda _task: self.batches.open(batch_id), self._show_batch)

    def _show_batch(self, batch: Batch) -> None:
        self.task = None
        self.batch = batch
        self.model = table_model(batch, self.provider, edit=self._edit, tick=self._tick)
        self.proxy.setSourceModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        fit_columns(self.table, self.model.columnCount())
        self.model.dataChanged.connect(lambda *_: self._update_counts())
        self.notes.setText("\n".join(str(problem) for problem in batch.problems))
        self.notes.setVisible(bool(batch.problems))
        self._update_counts()
        self._set_busy(False)
        self.footer.idle()
        if batch.rows:
            self.table.selectRow(0)
        self.ready.emit()

    def _update_counts(self) -> None:
        if self.batch is None:
            return
        counts = self.batch.counts()
        # TRANSLATORS: one status's count in the batch window's status line, e.g. "Ready: 3".
        said = ", ".join(_("{status}: {n}").format(status=status_words(s), n=n) for s, n in counts.items())
        rows = len(self.batch.rows)
        title = ngettext(
            "{provider} ({environment}) — batch {id}: {n} document",
            "{provider} ({environment}) — batch {id}: {n} documents",
            rows,
        )
        self.title.setText(
            title.format(
                provider=self.provider.name, environment=environment_title(self.environment), id=self.batch.id, n=rows
            )
        )
        kept = _("The batch is kept: close this window at any time and open it again later.")
        self.footer.say(f"{said}. {kept}" if said else kept)
        self._set_busy(self.task is not None)

    # -- the clerk's changes (quick, on this thread) -------------------------------------------------------

    def _edit(self, row: BatchRow, field: str, text: str) -> None:
        assert self.batch is not None
        self.batches.set_value(self.batch, row, field, text)

    def _tick(self, row: BatchRow, ticked: bool) -> None:
        assert self.batch is not None
        self.batches.send_anyway(self.batch, row, ticked)

    def selected_rows(self) -> list[BatchRow]:
        if self.model is None:
            return []
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.batch.rows[r] for r in sorted(rows)]

    def confirm_guesses(self) -> None:
        if self.batch is None or self.model is None:
            return
        rows = self.selected_rows() or self.batch.rows
        for row in rows:
            for field in row.guessed:
                if row.status not in (outbox.SUCCEEDED, outbox.SENDING):
                    self.batches.confirm(self.batch, row, field)
        self.model.refresh()
        self._selection_changed()

    # -- sending --------------------------------------------------------------------------------------------

    def upload_all(self) -> None:
        if self.batch is None or self.task is not None:
            return
        ready = [r for r in self.batch.rows if r.status == outbox.READY]
        if not ready:
            self.footer.say(_("No row is ready to send: fix the rows that need it, or tick rows already sent."))
            return
        guessed = [r for r in ready if r.guessed]
        if guessed and not self.confirm_guesses_first(guessed):
            return
        if self.confirm_send is not None and not self.confirm_send():
            return
        sending = ngettext("Sending {n} row, one at a time…", "Sending {n} rows, one at a time…", len(ready))
        self._send(sending, lambda task: self.batches.send(self.batch, **self._callbacks(task)), len(ready))

    def retry_failed(self) -> None:
        if self.batch is None or self.task is not None:
            return
        resend = batch_questions.rows_to_resend(self, self.batches, self.batch.rows)
        count = sum(1 for r in self.batch.rows if r.status in outbox.RETRYABLE) + len(resend)
        if not count:
            self.footer.say(_("No failed rows to retry."))
            return
        if self.confirm_send is not None and not self.confirm_send():
            return
        batch = self.batch
        retrying = ngettext("Retrying {n} row, one at a time…", "Retrying {n} rows, one at a time…", count)
        self._send(
            retrying, lambda task: self.batches.retry_failed(batch, resend=resend, **self._callbacks(task)), count
        )

    def confirm_guesses_first(self, rows: list[BatchRow]) -> bool:
        """Guesses from a PDF's text are not sent unseen: the clerk confirms them (all at once) or goes back."""
        if not batch_questions.send_guesses(self, rows):
            return False
        assert self.batch is not None
        for row in rows:
            for field in row.guessed:
                self.batches.confirm(self.batch, row, field)
        if self.model is not None:
            self.model.refresh()
        return True

    def _callbacks(self, task: Task) -> dict[str, Any]:
        return {
            "on_row": self.row_updated.emit,
            "on_progress": lambda row, sent, total: self.row_progress.emit(row, sent, total),
            "cancel": task.cancel_token,
        }

    def _send(self, said: str, work: Any, count: int) -> None:
        """Send `count` rows with `work`; `said` is the status line's sentence ("Sending 3 rows, one at a time…")."""
        self.footer.sending(said, count)
        self._start("batch-send", work, self._sent)

    def _row_updated(self, row: BatchRow) -> None:
        if self.model is not None:
            self.model.row_changed(row)
        if row.status != outbox.SENDING and self.task is not None:
            self.footer.row_done()
        elif row.status == outbox.SENDING:
            self.footer.row_sending(row)

    def _sent(self, report: SendReport) -> None:
        self.task = None
        if self.model is not None:
            self.model.refresh()
        self._update_counts()
        if report.stopped:
            self.footer.say(_("Stopped: {reason}").format(reason=report.stopped))
        elif report.cancelled:
            cancelled = _("Cancelled: the row being sent finished; the rows not reached are still ready.")
            self.footer.say(f"{cancelled} {self.status.text()}")
        self.finished.emit(report)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.footer.say(_("Cancelling: the row being sent finishes first…"))

    # -- the rest --------------------------------------------------------------------------------------------

    def _start(self, name: str, work: Any, done: Any, progress: Any = None) -> None:
        # A report that arrives after the window was closed (and deleted) is dropped: the outbox has the batch.
        self.task = self.runner.submit(
            name,
            work,
            on_result=lambda value: done(value) if isValid(self) else None,
            on_error=lambda exc: self._task_failed(exc) if isValid(self) else None,
            on_progress=(lambda a, b: progress(a, b) if isValid(self) else None) if progress else None,
        )
        self._set_busy(True)

    def _task_failed(self, exc: BaseException) -> None:
        self.task = None
        message = str(getattr(exc, "message", None) or exc) or type(exc).__name__
        self.footer.idle()
        if self.batch is None:
            self.title.setText(_("{provider}: no batch was made").format(provider=self.provider.name))
        self.footer.say(message)
        if self.model is not None:
            self.model.refresh()
        self._set_busy(False)
        self.failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        have = self.batch is not None
        for button in (self.upload_button, self.retry_button, self.confirm_button, self.close_batch_button):
            button.setEnabled(have and not busy)
        self.export_button.setEnabled(have)
        self.open_button.setEnabled(have)
        self.cancel_button.setEnabled(busy)
        if self.model is not None:
            self.model.editable = not busy

    def _selection_changed(self, *_args: QItemSelection) -> None:
        rows = self.selected_rows()
        if not rows:
            self.side.clear()
            return
        assert self.model is not None
        self.side.show_row(rows[0], self.model.fields, self.model.labels)

    def _double_clicked(self, index: Any) -> None:
        if self.model is not None and self.model.field_at(self.proxy.mapToSource(index).column()) is None:
            self.open_document()

    def open_document(self) -> None:
        rows = self.selected_rows()
        if rows:
            row = rows[0]
            QDesktopServices.openUrl(QUrl.fromLocalFile(row.snapshot_path or row.file_path))

    def export_report(self) -> None:
        if self.batch is None:
            return
        suggested = str(Path.home() / f"batch-{self.batch.id}-{self.provider.id}.csv")
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the batch report"), suggested, _("CSV files (*.csv)")
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        assert self.batch is not None
        try:
            self.batches.export_csv(self.batch, path)
        except OSError as exc:
            said = _("The report could not be written to {path}: {error}.")
            self.footer.say(said.format(path=path, error=exc.strerror or exc))
            return
        self.footer.say(_("Report written to {path}.").format(path=path))

    def close_batch(self) -> None:
        if self.batch is not None and self.task is None:
            self.batches.close(self.batch)
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()  # the row being sent settles; the outbox keeps the rest pending
        super().closeEvent(event)
