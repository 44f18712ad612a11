"""Issue 11, Shopwave grid: typing in a new row works from the keyboard, columns are readable, each error once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from invoice_desktop.ui.list_editor import ListEditor, RecordDialog

from .conftest import select_provider


def grid(window) -> ListEditor:
    select_provider(window, "shopwave")
    editor = window.page.form.editors["invoices"]
    assert isinstance(editor, ListEditor)
    return editor


def type_text(qtbot, text: str) -> None:
    for ch in text:  # to whatever has the focus, as a keyboard would
        qtbot.keyClicks(QApplication.focusWidget(), ch)


def test_add_then_type_fills_the_new_row_from_the_keyboard(qtbot, window):
    invoices = grid(window)
    window.activateWindow()
    invoices.add_button.setFocus()
    qtbot.keyClick(invoices.add_button, Qt.Key.Key_Space)  # press Add without the mouse
    assert invoices.table.rowCount() == 2
    type_text(qtbot, "15")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(qtbot, "10")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    rows = invoices.rows()
    assert rows[1] == {"id": "15", "supplierId": "10"}, rows


def test_enter_on_the_lines_cell_opens_its_editor(qtbot, window, monkeypatch):
    invoices = grid(window)
    opened: list[str] = []
    monkeypatch.setattr(
        RecordDialog, "exec", lambda self: opened.append(self.windowTitle()) or QDialog.DialogCode.Rejected
    )
    lines_col = next(i for i, c in enumerate(invoices.columns) if c.name == "invoiceItems")
    assert isinstance(invoices.table.cellWidget(0, lines_col), QPushButton)
    invoices.table.setFocus()
    invoices.table.setCurrentCell(0, lines_col)
    qtbot.keyClick(invoices.table, Qt.Key.Key_Return)
    assert opened and "line 1" in opened[0]


def test_every_column_heading_is_readable_at_1024(qtbot, window):
    window.resize(1024, 700)
    invoices = grid(window)
    invoices.set_rows(
        [{"supplierId": "10", "storeId": "1", "reference": "SUP-2026-000123", "completeDate": "2026-11-20"}]
    )
    header = invoices.table.horizontalHeader()
    metrics = invoices.table.fontMetrics()
    for col in range(invoices.table.columnCount()):
        heading = invoices.table.horizontalHeaderItem(col).text()
        assert header.sectionSize(col) >= metrics.horizontalAdvance(heading), f"“{heading}” is cut"
    date_col = next(i for i, c in enumerate(invoices.columns) if c.name == "completeDate")
    assert header.sectionSize(date_col) >= metrics.horizontalAdvance("2026-11-20")


def test_each_error_is_said_once_and_where(qtbot, window):
    invoices = grid(window)
    bad_line = {"name": "x"}  # quantity and price are missing: two errors, each said once, with its place
    invoices.set_rows(
        [
            {
                "supplierId": "10",
                "storeId": "1",
                "reference": "R1",
                "completeDate": "2026-11-20",
                "invoiceItems": [bad_line, bad_line],
            }
        ]
    )
    invoices.show_errors(
        {
            "0.invoiceItems.0.quantity": "Field required",
            "0.invoiceItems.0.price": "Field required",
            "0.invoiceItems.1.quantity": "Field required",
            "0.storeId": "A new invoice needs its store ID.",
            "1.storeId": "A new invoice needs its store ID.",
        }
    )
    lines = invoices.error_label.text().splitlines()
    assert len(lines) == len(set(lines)) == 5
    assert "Line 1, Lines: line 1, Quantity: Field required" in lines
    assert "Line 1, Lines: line 2, Quantity: Field required" in lines
