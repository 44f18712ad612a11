"""The batch window: many documents for one provider, filled from the documents, checked, sent one at a time.

Everything slow runs on the task runner (reading 200 documents, sending, the preview); the window only shows the
service's rows (core/batch.py) and forwards the clerk's edits, ticks and choices to it. The batch is in the
outbox before anything is sent, so the window can be closed at any time and the batch opened again later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ..core import local_format, outbox
from ..core.i18n import _, ngettext
from ..core.outbox import Batch, BatchRow
from .batch_model import FILTERS, SOURCE_WORDS, BatchTableModel, StatusFilter, field_label, shown_value, status_words
from .environment_banner import environment_title
from .pdf_preview import PdfPreview
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

        self.proxy = StatusFilter()
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line a row; the whole message is the cell's tooltip
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAccessibleName(_("Batch rows"))
        self.preview = PdfPreview(runner, 300, self)
        self.sources = QLabel(self)
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.PlainText)
        self.sources.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.preview, 3)
        sources_scroll = QScrollArea(self)
        sources_scroll.setWidgetResizable(True)
        sources_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sources_scroll.setWidget(self.sources)
        side_layout.addWidget(sources_scroll, 2)
        splitter = QSplitter(self)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 3)
        bottom.addWidget(self.progress, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notes)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

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
        self.row_progress.connect(self._row_progress, Qt.ConnectionType.QueuedConnection)
        self._set_busy(False)

    # -- making or opening the batch ----------------------------------------------------------------------

    def build(self, paths: Sequence[str], *, name_pattern: str | None = None, templates_dir: str | None = None) -> None:
        """Read, check and keep the documents as a batch (off the UI thread)."""
        reading = ngettext(
            "{provider}: reading {n} dropped item…", "{provider}: reading {n} dropped items…", len(paths)
        )
        self.title.setText(reading.format(provider=self.provider.name, n=len(paths)))
        self.status.setText(_("Reading the documents: each value is filled in with where it came from."))
        self.progress.setRange(0, 0)
        self.progress.show()
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

        self._start("batch-build", work, self._show_batch, progress=self._build_progress)

    def open_batch(self, batch_id: int) -> None:
        self.title.setText(_("Opening batch {id}…").format(id=batch_id))
        self._start("batch-open", lambda _task: self.batches.open(batch_id), self._show_batch)

    def _build_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(_("{done} of {total} read").format(done=done, total=total))

    def _show_batch(self, batch: Batch) -> None:
        self.task = None
        self.batch = batch
        fields = list(self.provider.document_fields)
        for row in batch.rows:
            fields.extend(name for name in row.values if name not in fields)
        labels = {name: field_label(self.provider.form_model, name) for name in fields}
        kinds = {name: local_format.field_kind(self.provider.form_model, name) for name in fields}
        self.model = BatchTableModel(batch, fields, labels, edit=self._edit, tick=self._tick, kinds=kinds)
        self.proxy.setSourceModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(8)  # sized from the first rows: 200 rows measured would stall
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 300 if column == 3 else 200))
        self.model.dataChanged.connect(lambda *_: self._update_counts())
        self.notes.setText("\n".join(str(problem) for problem in batch.problems))
        self.notes.setVisible(bool(batch.problems))
        self._update_counts()
        self._set_busy(False)
        self._idle_progress()
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
        self.status.setText(f"{said}. {kept}" if said else kept)
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
            self.status.setText(_("No row is ready to send: fix the rows that need it, or tick rows already sent."))
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
        resend: set[int] = set()
        for row in self.batch.rows:
            question = self.batches.resend_question(row)
            if question and row.id is not None:
                title = _("Row {position}: send again?").format(position=row.position)
                answer = QMessageBox.question(self, title, str(question))
                if answer == QMessageBox.StandardButton.Yes:
                    resend.add(row.id)
        count = sum(1 for r in self.batch.rows if r.status in outbox.RETRYABLE) + len(resend)
        if not count:
            self.status.setText(_("No failed rows to retry."))
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
        numbers = ", ".join(str(r.position) for r in rows[:12]) + ("…" if len(rows) > 12 else "")
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Send guessed values?"))
        said = ngettext(
            "{n} row ready to send holds values guessed from the PDF's text (row {rows}).",
            "{n} rows ready to send hold values guessed from the PDF's text (rows {rows}).",
            len(rows),
        )
        box.setText(said.format(n=len(rows), rows=numbers))
        box.setInformativeText(
            _(
                "They are highlighted in the table. Check them against the preview, then confirm them, or go back "
                "and correct them first."
            )
        )
        confirm = box.addButton(_("Confirm them and send"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(_("Go back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.exec()
        if box.clickedButton() is not confirm:
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
        self._sent_rows = 0
        self._to_send = count
        self.progress.setRange(0, count)
        self.progress.setValue(0)
        self.progress.setFormat(_("{done} of {total} sent").format(done=0, total=count))
        self.progress.show()
        self.status.setText(said.format(n=count))
        self._start("batch-send", work, self._sent)

    def _row_updated(self, row: BatchRow) -> None:
        if self.model is not None:
            self.model.row_changed(row)
        if row.status != outbox.SENDING and self.task is not None:
            self._sent_rows += 1
            self.progress.setValue(min(self._sent_rows, self.progress.maximum()))
            self.progress.setFormat(_("{done} of {total} done").format(done=self._sent_rows, total=self._to_send))
        elif row.status == outbox.SENDING:
            self.status.setText(_("Sending row {position}: {file}…").format(position=row.position, file=row.file_name))

    def _row_progress(self, row: BatchRow, sent: int, total: int) -> None:
        if total:
            said = _("Sending row {position}: {file} — {percent} %")
            self.status.setText(said.format(position=row.position, file=row.file_name, percent=sent * 100 // total))

    def _sent(self, report: SendReport) -> None:
        self.task = None
        if self.model is not None:
            self.model.refresh()
        self._update_counts()
        if report.stopped:
            self.status.setText(_("Stopped: {reason}").format(reason=report.stopped))
        elif report.cancelled:
            cancelled = _("Cancelled: the row being sent finished; the rows not reached are still ready.")
            self.status.setText(f"{cancelled} {self.status.text()}")
        self.finished.emit(report)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(_("Cancelling: the row being sent finishes first…"))

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
        self._idle_progress()
        if self.batch is None:
            self.title.setText(_("{provider}: no batch was made").format(provider=self.provider.name))
        self.status.setText(message)
        if self.model is not None:
            self.model.refresh()
        self._set_busy(False)
        self.failed.emit(message)

    def _idle_progress(self) -> None:
        # Hidden, not reset: QProgressBar repaints the whole window at once on setRange/setValue.
        self.progress.hide()

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
            self.preview.clear()
            self.sources.setText("")
            return
        row = rows[0]
        self.preview.show_document(row.snapshot_path or row.file_path)
        assert self.model is not None
        lines = [_("Row {position}: {file}").format(position=row.position, file=row.file_name)]
        for field in self.model.fields:
            cell = row.values.get(field)
            label = self.model.labels[field]
            if cell is None:
                lines.append(_("{field}: — (not found)").format(field=label))
                continue
            source = _(SOURCE_WORDS[cell.source]) if cell.source in SOURCE_WORDS else cell.source
            if cell.guessed:
                # TRANSLATORS: a value in the batch window's side panel, e.g. "Invoice number: INV-2 — from PDF text".
                said = _("{field}: {value} — from {source} (guessed: check it)")
            else:
                said = _("{field}: {value} — from {source}")
            lines.append(said.format(field=label, value=shown_value(cell.value), source=source))
        self.sources.setText("\n".join(lines))

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
            self.status.setText(said.format(path=path, error=exc.strerror or exc))
            return
        self.status.setText(_("Report written to {path}.").format(path=path))

    def close_batch(self) -> None:
        if self.batch is not None and self.task is None:
            self.batches.close(self.batch)
            self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()  # the row being sent settles; the outbox keeps the rest pending
        super().closeEvent(event)
