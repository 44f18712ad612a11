"""The request/response log: every exchange (already redacted by the core) and the app's messages.

Fed by a `logging.Handler` that emits a Qt signal (as Dangerzone does), so workers only ever call `logging` and
the pane is updated on the UI thread. A busy log stays smooth: entries arriving together are added in one step,
the pane keeps the newest `MAX_ENTRIES` (everything stays in the log file), and the full text of an entry is
rendered only when the clerk selects it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.exchange import Exchange
from ..core.i18n import N_, Msg, _, ngettext, pgettext
from ..core.local_format import format_amount

AnyIndex = QModelIndex | QPersistentModelIndex
SIGNAL_RECORD = "2record(PyObject)"


class QtLogHandler(logging.Handler):
    """Hands log records to the UI thread; safe to call from any thread.

    Records wait in a buffer and one `ready` signal announces a batch: a worker logging a thousand exchanges posts
    one event, not a thousand (Qt delivers posted events back to back, so a thousand would freeze the window while
    they are delivered). `record` is still emitted for each, for listeners that want them one by one.
    """

    class _Emitter(QObject):
        record = Signal(object)
        ready = Signal()

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.emitter = QtLogHandler._Emitter()
        self._buffer: list[logging.LogRecord] = []
        self._buffer_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._buffer_lock:
            self._buffer.append(record)
            first = len(self._buffer) == 1
        try:
            if first:
                self.emitter.ready.emit()
            if self.emitter.receivers(SIGNAL_RECORD) > 0:
                self.emitter.record.emit(record)
        except RuntimeError:  # the emitter is gone (app closing): nothing to show it in
            pass

    def take(self) -> list[logging.LogRecord]:
        """The records that arrived since the last call (UI thread)."""
        with self._buffer_lock:
            taken, self._buffer = self._buffer, []
        return taken


# A log record's level in the Log's Status column (translated where shown).
LEVEL_WORDS = {
    "DEBUG": N_("debug"),
    "INFO": N_("info"),
    # TRANSLATORS: a Log row's Status for a warning the app logged.
    "WARNING": N_("warning"),
    "ERROR": N_("error"),
    "CRITICAL": N_("critical"),
}


@dataclass(frozen=True)
class LogEntry:
    when: str
    what: str
    status: str
    ms: str
    content: Exchange | str  # the whole entry; rendered as text only when selected
    bad: bool = False  # a failed exchange or a warning: shown in red
    bold: bool = False

    def as_text(self) -> str:
        return self.content.as_text() if isinstance(self.content, Exchange) else self.content


def shown_label(exchange: Exchange) -> str:
    """What the exchange was for, in the clerk's language (the log file and history keep it in English)."""
    if exchange.label_kept:
        return str(Msg.from_json(exchange.label_kept))
    return _(exchange.label) if exchange.label else ""


def entry_for_exchange(exchange: Exchange) -> LogEntry:
    when = exchange.started_at[11:19] if len(exchange.started_at) >= 19 else exchange.started_at
    request = f"{exchange.method} {exchange.url}"
    # TRANSLATORS: a Log row: what the exchange was for, then its request, e.g. "Upload the invoice: POST https://…".
    what = _("{label}: {request}").format(label=shown_label(exchange), request=request) if exchange.label else request
    # TRANSLATORS: a Log row's Status when no HTTP answer came (the connection failed).
    status = str(exchange.status) if exchange.status is not None else _("failed")
    bad = exchange.status is None or exchange.status >= 400
    return LogEntry(when, what, status, str(exchange.duration_ms), exchange, bad=bad, bold=True)


def pane_text(record: logging.LogRecord) -> str:
    """A log line in the clerk's language: messages logged as marked sentences (`N_("… %(error)s")`) are
    translated here, so the log file keeps them in English for whoever supports the app; others stay as logged."""
    if not isinstance(record.msg, str) or not record.msg:
        return record.getMessage()
    text = _(record.msg)
    if not record.args:
        return text
    try:
        return text % record.args
    except (TypeError, ValueError, KeyError):  # a translation that lost a placeholder: the English line, not a crash
        return record.getMessage()


class LogModel(QAbstractTableModel):
    """The newest `limit` entries, oldest first."""

    # Column headers, translated where shown (headerData).
    COLUMNS = (
        N_("Time"),
        N_("What"),
        N_("Status"),
        # TRANSLATORS: the Log's column of durations in milliseconds (a short unit).
        N_("ms"),
    )

    def __init__(self, limit: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self._entries: deque[LogEntry] = deque()
        self.dropped = 0  # entries that left the pane (they are still in the log file)
        self._bold = QFont()
        self._bold.setBold(True)
        self._red = QBrush(QColor("darkred"))
        self._green = QBrush(QColor("darkgreen"))

    def entry(self, row: int) -> LogEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.COLUMNS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        e = self.entry(index.row())
        if e is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.when, e.what, e.status, e.ms)[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and isinstance(e.content, Exchange):
                return self._red if e.bad else self._green
            if column == 1 and e.bad and not isinstance(e.content, Exchange):
                return self._red
        if role == Qt.ItemDataRole.FontRole and column == 1 and e.bold:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return e.what
        return None

    def append(self, new: list[LogEntry]) -> None:
        """Add entries at the end in one step, then drop the oldest beyond the limit."""
        if not new:
            return
        if len(new) > self.limit:
            self.dropped += len(new) - self.limit
            new = new[-self.limit :]
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._entries.extend(new)
        self.endInsertRows()
        excess = len(self._entries) - self.limit
        if excess > 0:
            self.beginRemoveRows(QModelIndex(), 0, excess - 1)
            for _dropped in range(excess):
                self._entries.popleft()
            self.endRemoveRows()
            self.dropped += excess

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self.dropped = 0
        self.endResetModel()


class LogPane(QWidget):
    """A list of entries (exchanges and messages) and the full text of the one the clerk selects."""

    MAX_ENTRIES = 500
    FLUSH_MS = 30  # entries arriving within this are added together: one layout, not one per entry

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.model = LogModel(self.MAX_ENTRIES, self)
        # A table, not a tree: on every append and scroll a QTreeView lays out all its rows, asking the model about
        # each one (some 600 calls into Python per batch of entries); a table with fixed row heights asks about none.
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, as in every other list of the window
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)  # no row is measured
        columns = self.table.horizontalHeader()
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns.setStretchLastSection(True)
        columns.setHighlightSections(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # At least as wide as each heading in the clerk's language ("Zeit", "Statut"…), else a typical value's.
        for column, width in ((0, 70), (1, 420), (2, 60)):
            self.table.setColumnWidth(column, max(width, columns.sectionSizeFromContents(column).width()))
        self.table.setAccessibleName(_("Log entries"))
        self.table.selectionModel().currentRowChanged.connect(self._show_current)

        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText(
            _(
                "Every request the app sends and every answer it gets is listed above, with passwords and keys "
                "hidden. Select one to see it in full here."
            )
        )
        self.detail.setAccessibleName(_("Log entry details"))

        # Until an entry is selected the list has the room (the details box, empty, only its hint): at 1366×768 a
        # fixed split left the list 3 rows. Selecting an entry opens the details to a readable share (_open_detail),
        # unless the clerk has set the split by hand; clearing the pane folds them again.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self._detail_open = False  # opened on selection, or split by the clerk's own hand
        self._open_on_show = False  # selected while hidden: opened when shown
        self._fold_detail()
        self.splitter.splitterMoved.connect(self._split_by_hand)
        layout.addWidget(self.splitter)

        buttons = QHBoxLayout()
        self.copy_curl_button = QPushButton(_("Copy as &curl"), self)
        self.copy_curl_button.setToolTip(_("Copy the selected request as a curl command (secrets stay hidden)"))
        self.copy_text_button = QPushButton(_("Copy entry"), self)
        # TRANSLATORS: the button that empties the Log pane (the log file keeps everything).
        self.clear_button = QPushButton(pgettext("empties the Log pane", "Clear"), self)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #666;")
        for b in (self.copy_curl_button, self.copy_text_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        self.copy_curl_button.clicked.connect(self.copy_curl)
        self.copy_text_button.clicked.connect(self.copy_text)
        self.clear_button.clicked.connect(self.clear)

        self._pending: list[LogEntry] = []
        self._select_first_pending = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(self.FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._update_buttons()

    # -- feeding -------------------------------------------------------------------------------------------

    def listen(self, handler: QtLogHandler) -> None:
        """Show what `handler` hears, a batch at a time."""
        handler.emitter.ready.connect(lambda: self.add_records(handler.take()))

    def add_records(self, records: list[logging.LogRecord]) -> None:
        # Only the newest MAX_ENTRIES can stay in the pane: the older ones of a burst are in the log file already.
        for record in records[-self.MAX_ENTRIES :]:
            self.add_record(record)
        self.model.dropped += max(0, len(records) - self.MAX_ENTRIES)

    def add_record(self, record: logging.LogRecord) -> None:
        exchange = getattr(record, "exchange", None)
        if isinstance(exchange, Exchange):
            self.add_exchange(exchange)
            return
        if record.name == "invoice_desktop.exchange":
            return  # the "→ sending" line: the exchange row follows when it ends
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        message = pane_text(record)
        level = _(LEVEL_WORDS[record.levelname]) if record.levelname in LEVEL_WORDS else record.levelname.lower()
        self._queue(LogEntry(when, message, level, "", message, bad=record.levelno >= logging.WARNING))

    def add_exchange(self, exchange: Exchange) -> None:
        self._queue(entry_for_exchange(exchange))

    def show_exchanges(self, exchanges: list[Exchange], title: str) -> None:
        """Show an earlier attempt's exchanges (from the history), its first one selected: the clerk asked."""
        self.flush()
        self._queue(LogEntry("", title, "", "", title))
        self._select_first_pending = True
        for exchange in exchanges:
            self.add_exchange(exchange)
        self.flush()

    def _queue(self, entry: LogEntry) -> None:
        self._pending.append(entry)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Add what arrived since the last flush, in one step; follow the newest only if the clerk was there."""
        self._flush_timer.stop()
        if not self._pending:
            return
        new, self._pending = self._pending, []
        bar = self.table.verticalScrollBar()
        following = bar.value() >= bar.maximum()
        select_title = self._select_first_pending
        self._select_first_pending = False
        self.model.append(new)
        if select_title:
            row = self.model.rowCount() - len(new)
            self.table.setCurrentIndex(self.model.index(max(row, 0) + (1 if len(new) > 1 else 0), 0))
        elif following:
            self.table.scrollToBottom()
        if self.model.dropped:
            shown = self.model.rowCount()
            said = ngettext(
                "Showing the newest {n} entry; older ones are in the log file (Help → Where files are kept).",
                "Showing the newest {n} entries; older ones are in the log file (Help → Where files are kept).",
                shown,
            )
            self.status.setText(said.format(n=format_amount(shown)))
        self._update_buttons()

    # -- reading ---------------------------------------------------------------------------------------------

    def current_entry(self) -> Exchange | str | None:
        entry = self.model.entry(self.table.currentIndex().row())
        return entry.content if entry is not None else None

    def _show_current(self, *_args: object) -> None:
        entry = self.model.entry(self.table.currentIndex().row())
        self.detail.setPlainText(entry.as_text() if entry is not None else "")
        if entry is not None and not self._detail_open:
            self._open_detail()
        self._update_buttons()

    # -- the split between the list and the details ------------------------------------------------------

    def _fold_detail(self) -> None:
        """The details box one line tall (its hint: "select one to see it in full here"), the list the rest."""
        self._detail_open = self._open_on_show = False
        edit = self.detail
        line = edit.fontMetrics().lineSpacing() + 2 * edit.frameWidth() + 2 * int(edit.document().documentMargin())
        edit.setMinimumHeight(line)
        self.splitter.setSizes([10_000, line])

    def _open_detail(self) -> None:
        """The details three fifths of the room, the list the rest but never fewer than 3 rows in sight."""
        if not self.isVisible():  # an attempt shown from the History, the Log tab not yet on screen: when it is
            self._open_on_show = True
            return
        self._detail_open = True
        room = sum(self.splitter.sizes())
        rows = self.table.horizontalHeader().sizeHint().height() + 3 * self.table.verticalHeader().defaultSectionSize()
        listed = min(max(room * 2 // 5, rows + 2 * self.table.frameWidth()), room)
        self.splitter.setSizes([listed, room - listed])

    def _split_by_hand(self, *_args: object) -> None:
        self._detail_open = True  # the clerk's own split stays

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._open_on_show:
            self._open_on_show = False
            QTimer.singleShot(0, self._open_detail)  # once the splitter has its size

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        self.copy_curl_button.setEnabled(isinstance(entry, Exchange))
        self.copy_text_button.setEnabled(entry is not None)
        self.clear_button.setEnabled(self.model.rowCount() > 0 or bool(self._pending))

    def copy_curl(self) -> None:
        entry = self.current_entry()
        if isinstance(entry, Exchange):
            QGuiApplication.clipboard().setText(entry.curl)
            self.status.setText(_("Copied the request as a curl command (secrets are hidden: fill them in)."))

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.detail.toPlainText())
        self.status.setText(_("Copied."))

    def clear(self) -> None:
        self._pending.clear()
        self._flush_timer.stop()
        self.model.clear()
        self.detail.clear()
        self._fold_detail()
        self.status.setText("")
        self._update_buttons()

    def all_text(self) -> str:
        """Everything the pane holds (and is about to show), as text (used by tests and 'copy all')."""
        return "\n\n".join(e.as_text() for e in [*self.model.entries(), *self._pending])
