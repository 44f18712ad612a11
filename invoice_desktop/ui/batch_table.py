"""The batch window's table of rows: one line a row, edited in place, its columns sized from the first rows, a column
for each value the provider's documents hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..core import local_format
from ..core.i18n import _
from ..core.outbox import Batch, BatchRow
from .batch_model import BatchTableModel, field_label

if TYPE_CHECKING:
    from ..core.provider import Provider


def batch_table(proxy: QSortFilterProxyModel, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setModel(proxy)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setWordWrap(False)  # one line a row; the whole message is the cell's tooltip
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    table.setAccessibleName(_("Batch rows"))
    return table


def fit_columns(table: QTableView, columns: int) -> None:
    """Columns as wide as their first rows' contents, within bounds (the message column wider)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(8)  # sized from the first rows: 200 rows measured would stall
    table.resizeColumnsToContents()
    for column in range(columns):
        table.setColumnWidth(column, min(table.columnWidth(column), 300 if column == 3 else 200))


def table_model(
    batch: Batch,
    provider: Provider,
    *,
    edit: Callable[[BatchRow, str, str], None],
    tick: Callable[[BatchRow, bool], None],
) -> BatchTableModel:
    """The batch's rows with a column for each of the provider's document fields, then any other a row holds."""
    fields = list(provider.document_fields)
    for row in batch.rows:
        fields.extend(name for name in row.values if name not in fields)
    labels = {name: field_label(provider.form_model, name) for name in fields}
    kinds = {name: local_format.field_kind(provider.form_model, name) for name in fields}
    return BatchTableModel(batch, fields, labels, edit=edit, tick=tick, kinds=kinds)
