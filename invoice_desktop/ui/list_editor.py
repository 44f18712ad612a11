"""A table for a list of records (invoice lines, a batch of invoices), generic over the record's model.

Scalar fields are edited in the cells; a field that is itself a model or a list (an invoice's items) is edited in
a dialog opened from its cell. Lines can be added, removed and reordered with buttons or keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _
from ..core.page_description import FormDescription
from .form_fields import FieldSpec, _as_text, choice_items, field_specs, typed_value

ERROR_STYLE = "color: #b00020;"
_EDITING = QAbstractItemView.State.EditingState
# A value as wide as a typical one of each kind, so a fresh table's columns fit what will be typed.
# (Measured only, never shown.)
TYPICAL = {"date": "2026-12-31", "datetime": "2026-12-31 23:59:59", "int": "1234567", "choice": "Choice ▾"}


class RecordForm(Protocol):
    """What the dialog needs of the form that edits one record (ui/form_view.FormView is one)."""

    def set_values(self, data: dict[str, Any]) -> None: ...

    def values(self) -> dict[str, Any]: ...


# Builds the form (a QWidget that is a `RecordForm`) for a record's fields inside a parent. A form holds lists and a
# list's cell may hold a form: the form view hands its own class in, so this module never imports it (no circle).
RecordFormMaker = Callable[[FormDescription, QWidget], QWidget]


class RecordDialog(QDialog):
    """Edits one non-scalar field of a record (or a whole record) with a full form."""

    def __init__(
        self, title: str, spec: FieldSpec, value: Any, parent: QWidget | None = None, *, record_form: RecordFormMaker
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 480)
        self.spec = spec
        layout = QVBoxLayout(self)
        if spec.kind == "list":
            self.editor: QWidget = ListEditor(spec, self, record_form=record_form)
            self.editor.set_rows(value or [])
        else:
            assert spec.form is not None
            self.editor = record_form(spec.form, self)
            cast(RecordForm, self.editor).set_values(value or {})
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.editor)
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> Any:
        if isinstance(self.editor, ListEditor):
            return self.editor.rows()
        return cast(RecordForm, self.editor).values()


class GridTable(QTableWidget):
    """Tab goes cell to cell, and after the last cell (Shift+Tab: before the first) on to the next input, where
    Qt's own table would wrap round and keep a keyboard user inside the grid for ever."""

    def focusNextPrevChild(self, next: bool) -> bool:
        index = self.currentIndex()
        edge = (self.rowCount() - 1, self.columnCount() - 1) if next else (0, 0)
        if self.rowCount() == 0 or not index.isValid() or (index.row(), index.column()) == edge:
            return QWidget.focusNextPrevChild(self, next)  # past the table's own cell-to-cell walk
        return super().focusNextPrevChild(next)


class ListEditor(QWidget):
    changed = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None, *, record_form: RecordFormMaker) -> None:
        """`record_form` builds the form for a cell that holds a record (see `RecordFormMaker`)."""
        super().__init__(parent)
        assert spec.form is not None
        self.spec = spec
        self._record_form = record_form
        self.columns = field_specs(spec.form)
        # Values of non-scalar columns, per row (kept beside the table's cells).
        self._complex: list[dict[str, Any]] = []
        self._filling = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if spec.description:
            # TRANSLATORS: the heading of a table of lines in a form: its name (bold) and what it holds.
            heading = _("<b>{name}</b> — {description}").format(name=spec.label, description=spec.description)
        else:
            heading = f"<b>{spec.label}</b>"
        title = QLabel(heading, self)
        title.setWordWrap(True)
        layout.addWidget(title)

        self.table = GridTable(0, len(self.columns), self)
        self.table.setHorizontalHeaderLabels([c.label + (" *" if c.required else "") for c in self.columns])
        self._fit_columns()
        for i, column in enumerate(self.columns):
            header = self.table.horizontalHeaderItem(i)
            if header is not None:
                header.setToolTip(column.description)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(True)
        self.table.setMinimumHeight(120)
        self.table.setAccessibleName(spec.label)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.installEventFilter(self)  # Enter/Space open a cell's Edit… button or drop-down
        layout.addWidget(self.table)

        # TRANSLATORS: shown under an empty table of lines; {name} is the table's heading ("Invoice lines").
        self.empty_hint = QLabel(_("“{name}” has no lines yet. Press “Add” to add one.").format(name=spec.label), self)
        self.empty_hint.setStyleSheet("color: #666;")
        layout.addWidget(self.empty_hint)

        buttons = QHBoxLayout()
        # TRANSLATORS: the buttons under a table of lines in a form (add a line, remove it, move it).
        self.add_button = QPushButton(_("&Add"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.up_button = QPushButton(_("Move up"), self)
        self.down_button = QPushButton(_("Move down"), self)
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_and_edit)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self._update_buttons()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        if spec.required:
            self.add_row({}, notify=False)  # a required list starts with one line to fill in

    # -- rows ------------------------------------------------------------------------------------------------

    def add_row(self, values: dict[str, Any], *, notify: bool = True) -> None:
        self._filling = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._complex.append({})
        for col, column in enumerate(self.columns):
            self._set_cell(row, col, column, values.get(column.name))
        self._filling = False
        self.table.setCurrentCell(row, 0)
        self._update_buttons()
        if notify:
            self.changed.emit()

    def add_and_edit(self) -> None:
        """Add a line and put the cursor in its first cell, so typing fills it in at once (no mouse needed)."""
        self.add_row({})
        row = self.table.rowCount() - 1
        self.table.setFocus()
        for col, column in enumerate(self.columns):
            item = self.table.item(row, col)
            if item is not None and column.kind != "bool":
                self.table.setCurrentCell(row, col)
                self.table.editItem(item)
                return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and self.table.state() != _EDITING:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
                widget = self.table.cellWidget(self.table.currentRow(), self.table.currentColumn())
                if isinstance(widget, QPushButton):
                    widget.click()
                    return True
                if isinstance(widget, QComboBox):
                    widget.setFocus()
                    widget.showPopup()
                    return True
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Every column at least as wide as its heading and a typical value (never "Wid…"), at most a third of a
        laptop screen; what does not fit scrolls sideways. The last column takes what is left."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        for col, column in enumerate(self.columns):
            typical = metrics.horizontalAdvance(TYPICAL.get(column.kind, "Typical value")) + 16
            if column.kind in ("model", "list"):  # its cell is an "Edit… (0)" button, in the clerk's language
                probe = QPushButton(self._complex_label(column, [] if column.kind == "list" else None))
                typical = max(typical, probe.sizeHint().width() + 8)
                probe.deleteLater()
            wanted = max(header.sectionSizeFromContents(col).width(), typical, self.table.sizeHintForColumn(col))
            self.table.setColumnWidth(col, min(wanted, 420))

    def _set_cell(self, row: int, col: int, column: FieldSpec, value: Any) -> None:
        if column.kind in ("model", "list"):
            self._complex[row][column.name] = value
            button = QPushButton(self._complex_label(column, value), self.table)
            button.clicked.connect(lambda _checked=False, c=column, b=button: self._edit_complex(b, c))
            self.table.setCellWidget(row, col, button)
        elif column.kind == "choice":
            combo = QComboBox(self.table)
            if not column.required or column.optional:
                combo.addItem("—", None)
            for label, choice in choice_items(column):
                combo.addItem(label, choice)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.currentIndexChanged.connect(lambda _i: self._emit_changed())
            self.table.setCellWidget(row, col, combo)
        elif column.kind == "bool":
            item = QTableWidgetItem()
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            self.table.setItem(row, col, item)
        else:
            self.table.setItem(row, col, QTableWidgetItem("" if value is None else _as_text(value, column.kind)))

    @staticmethod
    def _complex_label(column: FieldSpec, value: Any) -> str:
        if column.kind == "list":
            # TRANSLATORS: a cell's button that opens the lines it holds; {n} is how many there are.
            return _("Edit… ({n})").format(n=len(value or []))
        # TRANSLATORS: a cell's button that opens a group of fields; "(set)" when something is filled in.
        return _("Edit…") if not value else _("Edit… (set)")

    def _row_of_widget(self, widget: QWidget) -> int:
        for row in range(self.table.rowCount()):
            for col in range(self.table.columnCount()):
                if self.table.cellWidget(row, col) is widget:
                    return row
        return -1

    def _edit_complex(self, button: QPushButton, column: FieldSpec) -> None:
        row = self._row_of_widget(button)
        if row < 0:
            return
        title = _("{field} — line {n}").format(field=column.label, n=row + 1)
        dialog = RecordDialog(title, column, self._complex[row].get(column.name), self, record_form=self._record_form)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            value = dialog.value()
            self._complex[row][column.name] = value
            button.setText(self._complex_label(column, value))
            self._emit_changed()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        del self._complex[row]
        self._update_buttons()
        self._emit_changed()

    def move_selected(self, delta: int) -> None:
        row = self.table.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        rows = self.rows(keep_empty=True)
        rows[row], rows[target] = rows[target], rows[row]
        self.set_rows(rows)
        self.table.setCurrentCell(target, 0)
        self._emit_changed()

    def _update_buttons(self) -> None:
        has = self.table.currentRow() >= 0
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and self.table.currentRow() > 0)
        self.down_button.setEnabled(has and self.table.currentRow() < self.table.rowCount() - 1)
        self.empty_hint.setVisible(self.table.rowCount() == 0)

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._filling:
            self._emit_changed()

    def _emit_changed(self) -> None:
        self.changed.emit()

    # -- data ------------------------------------------------------------------------------------------------

    def rows(self, keep_empty: bool = False) -> list[dict[str, Any]]:
        out = []
        for row in range(self.table.rowCount()):
            record: dict[str, Any] = {}
            for col, column in enumerate(self.columns):
                value = self._cell_value(row, col, column)
                if (value is not None and value != "") or keep_empty:
                    record[column.name] = value
            out.append(record)
        return out

    def _cell_value(self, row: int, col: int, column: FieldSpec) -> Any:
        if column.kind in ("model", "list"):
            return self._complex[row].get(column.name)
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, QComboBox):
            return widget.currentData()
        item = self.table.item(row, col)
        if item is None:
            return None
        if column.kind == "bool":
            return item.checkState() == Qt.CheckState.Checked
        return typed_value(item.text(), column.kind)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self._filling = True
        self.table.setRowCount(0)
        self._complex = []
        self._filling = False
        for values in rows:
            self.add_row(values, notify=False)
        self._fit_columns()
        self._update_buttons()

    def _where(self, key: str) -> str:
        """ "0.invoiceItems.1.price" → "Line 1, Lines: line 2, Price" (in the form's words)."""
        index, _dot, rest = key.partition(".")
        # TRANSLATORS: where an error is in a table of lines: "Line 1", then ", Quantity" or ": line 2" added.
        where = _("Line {n}").format(n=int(index) + 1)
        if not rest:
            return where
        name, _dot, deeper = rest.partition(".")
        column = next((c for c in self.columns if c.name == name), None)
        # TRANSLATORS: a place in a table of lines and the field there: "Line 1, Quantity".
        where = _("{where}, {field}").format(where=where, field=column.label if column else name)
        sub_index, _dot, sub_field = deeper.partition(".")
        if column is not None and column.form is not None and sub_index.isdigit():
            # TRANSLATORS: a place in a table of lines and a line inside it: "Line 1, Lines: line 2".
            where = _("{where}: line {n}").format(where=where, n=int(sub_index) + 1)
            if sub_field:
                sub_name = sub_field.split(".")[0]
                labels = {c.name: c.label for c in field_specs(column.form)}
                where = _("{where}, {field}").format(where=where, field=labels.get(sub_name, sub_name))
        return where

    def show_errors(self, errors: dict[str, str]) -> None:
        """errors: {"0.Quantity": "msg", "": "msg"} for this list."""
        lines: list[str] = []
        for key, message in errors.items():
            # TRANSLATORS: an error in a table of lines: "Line 1, Quantity: Field required".
            line = (
                _("{where}: {problem}").format(where=self._where(key), problem=message)
                if key[:1].isdigit()
                else str(message)
            )
            if line not in lines:  # each error said once
                lines.append(line)
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(bool(lines))
