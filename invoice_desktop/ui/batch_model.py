"""The batch table as model/view: one row per document, the provider's form fields, its file, a status, and where
every value came from (tooltip; guesses highlighted until confirmed; the form's own message on a refused cell).

The model only shows the service's rows (core/batch.py); an edit goes to the service through `edit`, which
re-checks the whole batch (a changed target can clear or make a duplicate elsewhere), then the view is refreshed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ..core import outbox
from ..core.i18n import N_, _, ngettext
from ..core.outbox import Batch, BatchRow
from .form_fields import _as_text, typed_value

Index = QModelIndex | QPersistentModelIndex

GUESSED = QColor("#fff2b8")  # a guess from the PDF's text: check it, then confirm or edit
WRONG = QColor("#fbd3cf")  # the provider's form refuses this value
STATUS_COLOURS = {
    outbox.SUCCEEDED: "#1e7e34",
    outbox.READY: "#1a5fb4",
    outbox.INVALID: "#b3261e",
    outbox.REFUSED: "#b3261e",
    outbox.NOTHING_TO_SEND: "#5f6368",
    outbox.DUPLICATE: "#8a5a00",
    outbox.REJECTED: "#b3261e",
    outbox.FAILED: "#b3261e",
    outbox.UNCERTAIN: "#8a5a00",
    outbox.SENDING: "#1a5fb4",
}
# The status in a clerk's words (the service's status words are kept for the CSV and the CLI).
# Translated where shown (`status_words`).
STATUS_WORDS = {
    # TRANSLATORS: a batch row's status: ready to send.
    outbox.READY: N_("Ready"),
    outbox.INVALID: N_("Needs a fix"),
    outbox.REFUSED: N_("Refused file"),
    outbox.NOTHING_TO_SEND: N_("Nothing to send"),
    outbox.DUPLICATE: N_("Already sent"),
    outbox.SENDING: N_("Sending…"),
    # TRANSLATORS: a batch row's status: the provider accepted it.
    outbox.SUCCEEDED: N_("Sent"),
    outbox.REJECTED: N_("Refused by provider"),
    outbox.FAILED: N_("Failed"),
    outbox.UNCERTAIN: N_("May have arrived"),
}
# Where a cell's value came from (core/documents/facts.Source), in the clerk's words.
SOURCE_WORDS = {
    # TRANSLATORS: where a batch cell's value came from: the clerk typed or confirmed it.
    "typed": N_("typed"),
    "e-invoice": N_("e-invoice"),
    # TRANSLATORS: where a batch cell's value came from: a spreadsheet (CSV/XLSX) row naming the file.
    "sheet": N_("sheet"),
    # TRANSLATORS: where a batch cell's value came from: the clerk's pattern over file names.
    "file name": N_("file name"),
    "issuer template": N_("issuer template"),
    # TRANSLATORS: where a batch cell's value came from: a value found in the PDF's text (a guess).
    "PDF text": N_("PDF text"),
}
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.UserRole,
    }
)
# The fixed columns' headers (translated where shown); the form's fields follow.
FIXED = ("#", N_("File"), N_("Status"), N_("What happened"))


def status_words(status: str) -> str:
    """A batch row's status in the clerk's language (an unknown one as the service wrote it)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def field_label(form_model: Any, name: str) -> str:
    """The form's own label for a field (its title), dotted names as "City (BillingAddress)"."""
    *parents, last = name.split(".")
    info = getattr(form_model, "model_fields", {}).get(name)
    title = getattr(info, "title", None) if info is not None else None
    label = _(title) if title else last
    # TRANSLATORS: a batch column for a field inside a group of the provider's form, e.g. "City (BillingAddress)".
    return _("{field} ({group})").format(field=label, group=".".join(parents)) if parents else label


def shown_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ngettext("{n} line", "{n} lines", len(value)).format(n=len(value))
    if isinstance(value, dict):  # an address: its words, as on an envelope (ids left out)
        words = [str(v) for k, v in value.items() if v not in (None, "") and not str(k).upper().endswith("ID")]
        return ", ".join(words) if words else json.dumps(value, ensure_ascii=False)
    return str(value)


def source_words(cell: outbox.Cell) -> str:
    source = _(SOURCE_WORDS[cell.source]) if cell.source in SOURCE_WORDS else cell.source
    if cell.detail:
        # TRANSLATORS: where a batch cell's value came from, e.g. "From: sheet — invoices.xlsx row 4".
        said = _("From: {source} — {detail}").format(source=source, detail=cell.detail)
    else:
        said = _("From: {source}").format(source=source)
    if cell.guessed:
        said += "\n" + _(
            "Guessed from the PDF's text: check it, then confirm it (Confirm guesses) or type the right value."
        )
    return said


class BatchTableModel(QAbstractTableModel):
    def __init__(
        self,
        batch: Batch,
        fields: list[str],
        labels: dict[str, str],
        edit: Callable[[BatchRow, str, str], None] | None = None,
        tick: Callable[[BatchRow, bool], None] | None = None,
        kinds: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.batch = batch
        self.fields = fields
        self.labels = labels
        # "decimal" / "date" / "datetime" per field: shown and typed the region's way ("1.234,50", "31.03.2026"),
        # kept in the API's neutral spelling.
        self.kinds = kinds or {}
        self._edit = edit
        self._tick = tick
        self.editable = True  # False while sending: nothing changes under the sender
        self._messages: dict[tuple[int, str, str], str] = {}  # "What happened", worked out once per change

    # -- shape ---------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.batch.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED) + len(self.fields)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(FIXED):
            return _(FIXED[section])
        return self.labels[self.fields[section - len(FIXED)]]

    def field_at(self, column: int) -> str | None:
        offset = column - len(FIXED)
        return self.fields[offset] if 0 <= offset < len(self.fields) else None

    def column_of(self, field: str) -> int:
        return len(FIXED) + self.fields.index(field)

    def row_at(self, index: Index) -> BatchRow:
        return self.batch.rows[index.row()]

    # -- cells ---------------------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A paint asks a dozen roles per cell: the ones never answered go first (200 rows × 20 columns).
        if role not in _ROLES or not index.isValid():
            return None
        row = self.batch.rows[index.row()]
        column = index.column()
        field = self.field_at(column)
        if field is not None:
            return self._field_data(row, field, role)
        if column == 0:
            return row.position if role == Qt.ItemDataRole.DisplayRole else None
        if column == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.file_name
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.file_path
            return None
        if column == 2:
            return self._status_data(row, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            key = (id(row), row.status, str(row.message))
            said = self._messages.get(key)
            if said is None:
                said = self._messages[key] = self._message(row)
            return said
        return None

    def _message(self, row: BatchRow) -> str:
        # The service's sentences may be kept ones (Msg): str() renders them in the current language.
        message = str(row.message or "")
        parts = [message] if message else []
        for f, m in row.field_problems.items():
            if str(m) not in message:
                # TRANSLATORS: a field's problem in a batch row, e.g. "Invoice date: not a date".
                parts.append(_("{field}: {problem}").format(field=self.labels.get(f, f), problem=m))
        if row.guessed and row.status not in (outbox.SUCCEEDED, outbox.SENDING):
            fields = ", ".join(self.labels.get(f, f) for f in row.guessed)
            parts.append(_("Guessed from the PDF's text: {fields}.").format(fields=fields))
        parts += [str(p) for p in row.problems if str(p) not in message]
        return " ".join(parts)

    def _status_data(self, row: BatchRow, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return status_words(row.status)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(STATUS_COLOURS.get(row.status, "#202124")))
        if role == Qt.ItemDataRole.CheckStateRole and (row.duplicate or row.send_anyway):
            return Qt.CheckState.Checked if row.send_anyway else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.duplicate:
                return _("Tick to send it again anyway.")
            return str(row.message or "") or status_words(row.status)
        if role == Qt.ItemDataRole.UserRole:
            return row.status
        return None

    def _field_data(self, row: BatchRow, field: str, role: int) -> Any:
        cell = row.values.get(field)
        problem = row.field_problems.get(field)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if cell is None or cell.value is None:
                return ""
            kind = self.kinds.get(field, "")
            if kind and not isinstance(cell.value, list | dict):
                return _as_text(cell.value, kind)
            return shown_value(cell.value)
        if role == Qt.ItemDataRole.BackgroundRole:
            if problem:
                return QBrush(WRONG)
            if cell is not None and cell.guessed:
                return QBrush(GUESSED)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            said = [str(problem)] if problem else []
            said.append(source_words(cell) if cell is not None else _("Not found in the document: type it."))
            return "\n".join(said)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base
        row = self.batch.rows[index.row()]
        field = self.field_at(index.column())
        if field is not None and self.editable and self._can_edit(row, field):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == 2 and self.editable and (row.duplicate or row.send_anyway):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def _can_edit(self, row: BatchRow, field: str) -> bool:
        if row.status not in (outbox.READY, outbox.INVALID, outbox.DUPLICATE, outbox.FAILED, outbox.REJECTED):
            return False
        cell = row.values.get(field)
        return cell is None or not isinstance(cell.value, list | dict)  # lines come from the e-invoice whole

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self.editable:
            return False
        row = self.batch.rows[index.row()]
        field = self.field_at(index.column())
        if field is not None and role == Qt.ItemDataRole.EditRole and self._edit is not None:
            text = str(value).strip()
            kind = self.kinds.get(field, "")
            self._edit(row, field, (typed_value(text, kind) or "") if kind else text)
            self.refresh()
            return True
        if index.column() == 2 and role == Qt.ItemDataRole.CheckStateRole and self._tick is not None:
            self._tick(row, Qt.CheckState(value) == Qt.CheckState.Checked)
            self.refresh()
            return True
        return False

    # -- updates -------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Every row may have changed (a re-check of the batch)."""
        self._messages.clear()
        if self.batch.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.batch.rows) - 1, self.columnCount() - 1))

    def row_changed(self, row: BatchRow) -> None:
        self._messages.clear()
        for number, mine in enumerate(self.batch.rows):
            if mine is row or (row.id is not None and mine.id == row.id):
                self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1))
                return


# Filter choices: (words, translated where shown; statuses shown).
FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("All rows"), ()),
    (N_("Ready to send"), (outbox.READY,)),
    (N_("Needs a fix or refused"), (outbox.INVALID, outbox.REFUSED, outbox.NOTHING_TO_SEND)),
    (N_("Already sent before"), (outbox.DUPLICATE,)),
    (N_("Failed or may have arrived"), (outbox.FAILED, outbox.REJECTED, outbox.UNCERTAIN)),
    # TRANSLATORS: a batch filter: the rows the provider accepted.
    (N_("Sent"), (outbox.SUCCEEDED,)),
)


class StatusFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.statuses: tuple[str, ...] = ()

    def show_only(self, statuses: tuple[str, ...]) -> None:
        self.beginFilterChange()
        self.statuses = statuses
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.statuses:
            return True
        model = self.sourceModel()
        assert isinstance(model, BatchTableModel)
        return model.batch.rows[source_row].status in self.statuses
