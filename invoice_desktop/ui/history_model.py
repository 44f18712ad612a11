"""The History as a Qt table model over the whole history: pages of rows fetched off the UI thread as the clerk
scrolls, so 10,000 attempts open as fast as ten and every one of them can be reached.

The model never touches the database on the UI thread: a refresh and each next page run on the task runner, and
an answer for an older search (the clerk typed on) is dropped by its generation number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..core import history as hist
from ..core import local_format
from ..core.history import History, HistoryQuery, HistoryRow
from ..core.i18n import N_, _
from .environment_banner import environment_title
from .tasks import TaskRunner

# An attempt's outcome in the History's Outcome column (translated where shown; the sign stays in every language).
STATE_WORDS = {
    hist.SENDING: N_("sending…"),
    hist.SUCCEEDED: N_("✔ accepted"),
    hist.REJECTED: N_("✖ refused"),
    hist.FAILED: N_("⚠ failed"),
    hist.UNCERTAIN: N_("? may have arrived"),
    hist.CANCELLED: N_("■ cancelled"),
    hist.INTERRUPTED: N_("⚠ interrupted"),
}
RETRYABLE = {hist.REJECTED, hist.FAILED, hist.UNCERTAIN, hist.CANCELLED, hist.INTERRUPTED}

AnyIndex = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    """Rows of `History.rows`, newest first; `refresh` starts over, `fetchMore` appends the next page."""

    # Column headers, translated where shown (headerData).
    COLUMNS = (
        "#", N_("Time"), N_("Provider"), N_("Environment"), N_("What"), N_("Outcome"), N_("Clerk"), N_("Summary")
    )  # fmt: skip
    CLERK_COLUMN = 6  # shown for a shared history, where colleagues' attempts are listed too
    PAGE = 200

    # After each refresh: the number of attempts the search matches, and whether it was a refresh (not a page).
    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HistoryRow] = []
        self._total = 0
        self._query = HistoryQuery()
        self._generation = 0
        self._fetching = False
        self._history: History | None = None
        self._runner: TaskRunner | None = None
        self._names: Mapping[str, str] = {}

    def bind(self, history: History, runner: TaskRunner, provider_names: Mapping[str, str]) -> None:
        self._history, self._runner, self._names = history, runner, provider_names

    # -- what the view reads -----------------------------------------------------------------------------

    @property
    def query(self) -> HistoryQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def provider_names(self) -> Mapping[str, str]:
        return self._names

    def provider_name(self, provider_id: str) -> str:
        return self._names.get(provider_id, provider_id)

    def row_at(self, row: int) -> HistoryRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, attempt_id: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == attempt_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.COLUMNS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r = self.row_at(index.row())
        if r is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(r, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (4, 7):
            return self._cell(r, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None

    def _cell(self, r: HistoryRow, column: int) -> str:
        if column == 0:
            return str(r.id)
        if column == 1:
            return local_format.format_timestamp(r.created_at)  # the region's date order
        if column == 2:
            return self.provider_name(r.provider)
        if column == 3:
            return environment_title(r.environment)  # "Practice", in the clerk's words (the id is stored)
        if column == 4:
            what = r.description
            if r.file_name:
                what = f"{what} — {r.file_name}" if what else r.file_name
            return _("retry of #{id} · {what}").format(id=r.retry_of, what=what) if r.retry_of else what
        if column == 5:
            return _(STATE_WORDS[r.state]) if r.state in STATE_WORDS else r.state
        if column == self.CLERK_COLUMN:
            return r.clerk or "—"
        return str(r.summary)  # a kept sentence (Msg) reads in the current language

    # -- loading ---------------------------------------------------------------------------------------------

    def refresh(self, query: HistoryQuery | None = None, on_loaded: Callable[[], None] | None = None) -> None:
        """Start over (with `query`, or the current one); `on_loaded` runs once the first page is shown."""
        if self._history is None or self._runner is None:
            return
        if query is not None:
            self._query = query
        self._generation += 1
        generation, wanted, history = self._generation, self._query, self._history

        def work(_task: object) -> tuple[int, list[HistoryRow]]:
            return history.count(wanted), history.rows(wanted, limit=self.PAGE)

        def show(result: tuple[int, list[HistoryRow]]) -> None:
            if generation != self._generation:
                return  # the clerk asked for something else meanwhile
            self.beginResetModel()
            self._total, self._rows = result
            self._fetching = False
            self.endResetModel()
            if on_loaded is not None:
                on_loaded()
            self.loaded.emit(self._total)

        self._fetching = True
        self._runner.submit("history", work, show, self._failed(generation))

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent) or self._history is None or self._runner is None:
            return
        generation, wanted, history = self._generation, self._query, self._history
        before = self._rows[-1].id if self._rows else None

        def work(_task: object) -> list[HistoryRow]:
            return history.rows(wanted, before_id=before, limit=self.PAGE)

        def append(page: list[HistoryRow]) -> None:
            if generation != self._generation:
                return
            self._fetching = False
            if not page:
                self._total = len(self._rows)  # some were deleted meanwhile: nothing more to fetch
                return
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

        self._fetching = True
        self._runner.submit("history-page", work, append, self._failed(generation))

    def _failed(self, generation: int) -> Callable[[BaseException], None]:
        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._fetching = False
                self.failed.emit(str(getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"))

        return failed
