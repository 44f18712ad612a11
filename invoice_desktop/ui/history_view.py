"""The History: every upload attempt, newest first, searchable, with Retry and a CSV export for month-end.

A table view over `HistoryModel` (pages fetched off the UI thread as the clerk scrolls) with fixed-height rows and
interactive column widths: nothing is measured cell by cell, so a history of 10,000 attempts opens at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.history import History, HistoryQuery, HistoryRow
from ..core.i18n import N_, _, ngettext, pgettext
from ..core.local_format import current_region, format_amount
from .history_model import RETRYABLE, STATE_WORDS, HistoryModel
from .tasks import TaskRunner


# The date ranges a clerk asks about; "between" shows two date fields.
def qt_date_format(strftime_format: str) -> str:
    """The region's date order ("%d.%m.%Y") as a QDateEdit display format ("dd.MM.yyyy"): the filters show dates
    the way the clerk's region writes them, while the search itself stays ISO."""
    return strftime_format.replace("%d", "dd").replace("%m", "MM").replace("%Y", "yyyy")


PERIODS = (
    ("any", N_("Any time")),
    ("today", N_("Today")),
    ("7", N_("Last 7 days")),
    ("30", N_("Last 30 days")),
    # TRANSLATORS: a History filter: attempts between two dates (shown after it).
    ("between", N_("Between")),
)
COLUMN_WIDTHS = (60, 150, 160, 90, 320, 110, 150)  # the last column (Summary) takes the rest
EVERYONE, MINE = "", "\x00mine"  # the clerk filter's first two choices (a clerk's own name is never either)


class HistoryView(QWidget):
    refresh_requested = Signal()
    retry_requested = Signal(int)
    show_requested = Signal(int)
    updated = Signal()
    exported = Signal(int)  # how many attempts the CSV file holds

    SEARCH_DELAY_MS = 250  # typing "INV-42" runs one search, not six

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self._history: History | None = None
        self._runner: TaskRunner | None = None
        self._busy = False
        self._build_search()
        self._build_table()
        self._build_buttons()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(self._button_row)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(
            lambda message: self.status.setText(_("The history could not be read: {message}").format(message=message))
        )
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self._update_buttons()
        self._show_empty(False)

    # -- building --------------------------------------------------------------------------------------------

    def _build_search(self) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search: invoice or order id, file name, provider, #attempt"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search the history"))
        self.provider_filter = QComboBox(self)
        self.provider_filter.setAccessibleName(_("Provider"))
        self.provider_filter.addItem(_("All providers"), "")
        self.state_filter = QComboBox(self)
        self.state_filter.setAccessibleName(_("Outcome"))
        self.state_filter.addItem(_("Any outcome"), "")
        for state, words in STATE_WORDS.items():
            self.state_filter.addItem(_(words), state)
        self.period = QComboBox(self)
        # TRANSLATORS: the History filter by date ("Any time", "Today", …).
        self.period.setAccessibleName(_("When"))
        for key, words in PERIODS:
            self.period.addItem(_(words), key)
        today = QDate.currentDate()
        self.since = QDateEdit(QDate(today.year(), today.month(), 1), self)
        self.until = QDateEdit(today, self)
        # TRANSLATORS: the first and last date of the History's "Between" filter.
        for edit, name in ((self.since, _("From")), (self.until, _("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(qt_date_format(current_region().date_format))
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._apply_search)
        # Whose attempts: everyone's (the default), mine, or one colleague's. Shown for a shared history only.
        self.clerk_filter = QComboBox(self)
        self.clerk_filter.setAccessibleName(_("Clerk"))
        self.clerk_filter.setToolTip(_("Everyone's uploads, only yours, or one colleague's"))
        self.clerk_filter.addItem(_("Everyone's"), EVERYONE)
        self.clerk_filter.addItem(_("Mine"), MINE)
        self.clerk_filter.setVisible(False)
        # TRANSLATORS: the button that clears the History's search and filters.
        self.clear_search_button = QPushButton(pgettext("resets the History's search and filters", "Clear"), self)
        self.clear_search_button.setToolTip(_("Show every attempt again"))
        row = QHBoxLayout()
        row.addWidget(self.search, 3)
        row.addWidget(self.provider_filter, 1)
        row.addWidget(self.state_filter, 1)
        row.addWidget(self.clerk_filter, 1)
        row.addWidget(self.period)
        row.addWidget(self.since)
        row.addWidget(self.until)
        row.addWidget(self.clear_search_button)
        self._search_row = row
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_search)
        self.provider_filter.currentIndexChanged.connect(self._apply_search)
        self.state_filter.currentIndexChanged.connect(self._apply_search)
        self.clerk_filter.currentIndexChanged.connect(self._apply_search)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.clear_search_button.clicked.connect(self.clear_search)
        self._period_changed()

    def _build_table(self) -> None:
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(_("Upload history"))
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row is measured
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # the clerk may widen; Qt never measures
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self._emit_show())
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #666; padding: 12px;")

    def _build_buttons(self) -> None:
        self.refresh_button = QPushButton(_("Refresh"), self)
        self.show_button = QPushButton(_("Show in &log"), self)
        self.retry_button = QPushButton(_("&Retry"), self)
        self.retry_button.setToolTip(_("Send this attempt again as a new attempt, continuing where it stopped"))
        self.export_button = QPushButton(_("Export CSV…"), self)
        self.export_button.setToolTip(_("Save every attempt this search shows as a CSV file (for month-end)"))
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #666;")
        row = QHBoxLayout()
        for b in (self.refresh_button, self.show_button, self.retry_button, self.export_button):
            row.addWidget(b)
        row.addWidget(self.status, 1)
        self._button_row = row
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.refresh_button.clicked.connect(lambda: self.load_clerks() if not self.clerk_filter.isHidden() else None)
        self.retry_button.clicked.connect(self._emit_retry)
        self.show_button.clicked.connect(self._emit_show)
        self.export_button.clicked.connect(self.export_csv)

    # -- the source ------------------------------------------------------------------------------------------

    def bind(self, history: History, runner: TaskRunner, provider_names: Mapping[str, str]) -> None:
        """Read `history` through `runner` (off the UI thread); show providers by their names."""
        self._history, self._runner = history, runner
        self.model.bind(history, runner, provider_names)
        self.provider_filter.blockSignals(True)
        for provider_id, name in provider_names.items():
            self.provider_filter.addItem(name, provider_id)
        self.provider_filter.blockSignals(False)
        shared = getattr(history, "path", None) is None  # the office's server: colleagues' attempts are listed
        self.clerk_filter.setVisible(shared)
        self.table.setColumnHidden(HistoryModel.CLERK_COLUMN, not shared)
        self.clerk_filter.setItemText(1, _("Mine ({clerk})").format(clerk=history.clerk))
        if shared:
            self.load_clerks()

    def load_clerks(self) -> None:
        """Fill the clerk filter with everyone who made an attempt (off the UI thread)."""
        if self._history is None or self._runner is None:
            return
        history = self._history

        def fill(clerks: list[str]) -> None:
            chosen = self.clerk_filter.currentData()
            self.clerk_filter.blockSignals(True)
            while self.clerk_filter.count() > 2:
                self.clerk_filter.removeItem(2)
            others = [c for c in clerks if c != history.clerk]
            if others:
                self.clerk_filter.insertSeparator(2)
                for clerk in others:
                    self.clerk_filter.addItem(clerk, clerk)
            self.clerk_filter.setCurrentIndex(max(self.clerk_filter.findData(chosen), 0))
            self.clerk_filter.blockSignals(False)

        self._runner.submit("history-clerks", lambda _t: history.clerks(), fill)

    def refresh(self, select: int | None = None) -> None:
        """Read the history again. With `select` (the attempt just made), show that row selected; a search that
        hides it is cleared, so the newest attempt is always in view after an upload."""

        def loaded() -> None:
            if select is None:
                self._select(keep)
            elif self.model.row_of(select) >= 0:
                self._select(select)
            elif self.query() != HistoryQuery():
                self.clear_search(select=select)

        current = self.selected()
        keep = current.id if current is not None else None
        self.model.refresh(self.query(), loaded)

    def _select(self, attempt_id: int | None) -> None:
        row = self.model.row_of(attempt_id) if attempt_id is not None else -1
        if row < 0:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # -- searching -------------------------------------------------------------------------------------------

    def query(self) -> HistoryQuery:
        since: date | None = None
        until: date | None = None
        period = self.period.currentData()
        today = date.today()
        if period == "today":
            since = today
        elif period in ("7", "30"):
            since = date.fromordinal(today.toordinal() - int(period) + 1)
        elif period == "between":
            first, last = self.since.date(), self.until.date()
            since, until = date(first.year(), first.month(), first.day()), date(last.year(), last.month(), last.day())
        whose = self.clerk_filter.currentData() or None
        if whose == MINE:
            whose = self._history.clerk if self._history is not None else None
        return HistoryQuery(
            text=self.search.text().strip(),
            provider=self.provider_filter.currentData() or None,
            state=self.state_filter.currentData() or None,
            since=since,
            until=until,
            clerk=whose,
        )

    def _period_changed(self) -> None:
        between = self.period.currentData() == "between"
        self.since.setVisible(between)
        self.until.setVisible(between)
        self._apply_search()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        if self.model.query != self.query():
            self.refresh()

    def clear_search(self, *, select: int | None = None) -> None:
        widgets = (self.search, self.provider_filter, self.state_filter, self.clerk_filter, self.period)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        for combo in (self.provider_filter, self.state_filter, self.clerk_filter, self.period):
            combo.setCurrentIndex(0)
        for w in widgets:
            w.blockSignals(False)
        self._search_timer.stop()
        self.since.hide()
        self.until.hide()
        self.refresh(select=select)

    # -- showing ---------------------------------------------------------------------------------------------

    def _loaded(self, total: int) -> None:
        searching = self.model.query != HistoryQuery()
        if total == 0:
            self.empty.setText(
                _("No attempt matches this search. Change it, or press Clear to see every attempt.")
                if searching
                else _("No uploads yet. Every upload you send is listed here, with its outcome.")
            )
        self._show_empty(total == 0)
        self._show_count()
        self._update_buttons()
        self.updated.emit()

    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)

    def _show_count(self) -> None:
        total = self.model.total
        searching = self.model.query != HistoryQuery()
        if not total:
            self.status.setText("")
        elif searching:
            self.status.setText(
                ngettext("{n} attempt matches", "{n} attempts match", total).format(n=format_amount(total))
            )
        else:
            said = ngettext("{n} attempt in the history", "{n} attempts in the history", total)
            self.status.setText(said.format(n=format_amount(total)))

    def set_busy(self, busy: bool) -> None:
        """While an upload runs, Retry is off: one send at a time."""
        self._busy = busy
        self._update_buttons()

    def selected(self) -> HistoryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.show_button.setEnabled(row is not None)
        self.retry_button.setEnabled(not self._busy and row is not None and row.state in RETRYABLE)
        self.export_button.setEnabled(self.model.total > 0)

    def _emit_retry(self) -> None:
        row = self.selected()
        if row is not None:
            self.retry_requested.emit(row.id)

    def _emit_show(self) -> None:
        row = self.selected()
        if row is not None:
            self.show_requested.emit(row.id)

    # -- export ----------------------------------------------------------------------------------------------

    def export_csv(self) -> None:
        name = f"invoice-history-{date.today().isoformat()}.csv"
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the shown attempts as CSV"), name, _("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write every attempt the current search matches to `path`, off the UI thread."""
        if self._history is None or self._runner is None:
            return
        from ..core.history_csv import export_csv

        history, query, names = self._history, self.model.query, dict(self.model.provider_names)
        self.status.setText(_("Exporting…"))
        self.export_button.setEnabled(False)

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            said = ngettext("Exported {n} attempt to {path}.", "Exported {n} attempts to {path}.", count)
            self.status.setText(said.format(n=format_amount(count), path=path))
            self.exported.emit(count)

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            said = _("The CSV file could not be written: {error}. Choose another folder.").format(error=exc)
            self.status.setText(said)

        self._runner.submit("history-csv", lambda _t: export_csv(history, query, path, names), done, failed)
