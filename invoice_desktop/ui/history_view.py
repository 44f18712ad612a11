"""The list of upload attempts, newest first, with Retry for the ones that did not go through."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import history as hist
from ..core.history import Attempt

STATE_WORDS = {
    hist.SENDING: "sending…",
    hist.SUCCEEDED: "✔ accepted",
    hist.REJECTED: "✖ refused",
    hist.FAILED: "⚠ failed",
    hist.CANCELLED: "■ cancelled",
    hist.INTERRUPTED: "⚠ interrupted",
}
RETRYABLE = {hist.REJECTED, hist.FAILED, hist.CANCELLED, hist.INTERRUPTED}


class HistoryView(QWidget):
    refresh_requested = Signal()
    retry_requested = Signal(int)
    show_requested = Signal(int)
    updated = Signal()

    COLUMNS = ("#", "Time", "Provider", "Environment", "What", "Outcome", "Summary")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Upload history")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _i: self._emit_show())
        layout.addWidget(self.table)
        self.empty = QLabel("No uploads yet. Every upload you send is listed here, with its outcome.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666; padding: 12px;")
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.refresh_button = QPushButton("Refresh", self)
        self.show_button = QPushButton("Show in &log", self)
        self.retry_button = QPushButton("&Retry", self)
        self.retry_button.setToolTip("Send this attempt again, continuing where it stopped")
        for b in (self.refresh_button, self.show_button, self.retry_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.retry_button.clicked.connect(self._emit_retry)
        self.show_button.clicked.connect(self._emit_show)
        self._attempts: list[Attempt] = []
        self._busy = False
        self._update_buttons()

    def set_busy(self, busy: bool) -> None:
        """While an upload runs, Retry is off: one send at a time."""
        self._busy = busy
        self._update_buttons()

    def set_attempts(self, attempts: list[Attempt]) -> None:
        selected = self.selected()
        self._attempts = attempts
        self.table.setRowCount(len(attempts))
        for row, a in enumerate(attempts):
            what = a.options.get("description") or ""
            if a.file_name:
                what = f"{what} — {a.file_name}" if what else a.file_name
            cells = (
                str(a.id),
                a.created_at[:19].replace("T", " "),
                a.provider,
                a.environment,
                what,
                STATE_WORDS.get(a.state, a.state),
                a.summary,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                if col == 6:
                    item.setToolTip(a.summary)
                self.table.setItem(row, col, item)
            if selected is not None and a.id == selected.id:
                self.table.selectRow(row)
        self.empty.setVisible(not attempts)
        self.table.setVisible(bool(attempts))
        self._update_buttons()
        self.updated.emit()

    def selected(self) -> Attempt | None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._attempts[row] if row < len(self._attempts) else None

    def _update_buttons(self) -> None:
        attempt = self.selected()
        self.show_button.setEnabled(attempt is not None)
        self.retry_button.setEnabled(not self._busy and attempt is not None and attempt.state in RETRYABLE)

    def _emit_retry(self) -> None:
        attempt = self.selected()
        if attempt is not None:
            self.retry_requested.emit(attempt.id)

    def _emit_show(self) -> None:
        attempt = self.selected()
        if attempt is not None:
            self.show_requested.emit(attempt.id)
