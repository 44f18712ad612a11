"""The request/response log: every exchange (already redacted by the core) and the app's messages.

Fed by a `logging.Handler` that emits a Qt signal (as Dangerzone does), so workers only ever call `logging` and
the pane is updated on the UI thread.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.exchange import Exchange


class QtLogHandler(logging.Handler):
    """Turns log records into a Qt signal; safe to call from any thread."""

    class _Emitter(QObject):
        record = Signal(object)

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.emitter = QtLogHandler._Emitter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.emitter.record.emit(record)
        except RuntimeError:  # the emitter is gone (app closing): nothing to show it in
            pass


class LogPane(QWidget):
    """A list of entries (exchanges and messages) and the full text of the selected one."""

    MAX_ENTRIES = 2000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Time", "What", "Status", "ms"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setColumnWidth(0, 70)
        self.tree.setColumnWidth(1, 420)
        self.tree.setColumnWidth(2, 60)
        self.tree.setAccessibleName("Log entries")
        self.tree.currentItemChanged.connect(self._show_current)

        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText(
            "Nothing sent yet. Every request the app sends and every answer it gets appears here, "
            "with passwords and keys hidden."
        )
        self.detail.setAccessibleName("Log entry details")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setSizes([160, 240])
        layout.addWidget(splitter)

        buttons = QHBoxLayout()
        self.copy_curl_button = QPushButton("Copy as &curl", self)
        self.copy_curl_button.setToolTip("Copy the selected request as a curl command (secrets stay hidden)")
        self.copy_text_button = QPushButton("Copy entry", self)
        self.clear_button = QPushButton("Clear", self)
        self.status = QLabel(self)
        self.status.setStyleSheet("color: #666;")
        for b in (self.copy_curl_button, self.copy_text_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        self.copy_curl_button.clicked.connect(self.copy_curl)
        self.copy_text_button.clicked.connect(self.copy_text)
        self.clear_button.clicked.connect(self.clear)
        self._update_buttons()

    # -- feeding -------------------------------------------------------------------------------------------

    def add_record(self, record: logging.LogRecord) -> None:
        exchange = getattr(record, "exchange", None)
        if isinstance(exchange, Exchange):
            self.add_exchange(exchange)
            return
        if record.name == "invoice_desktop.exchange":
            return  # the "→ sending" line: the exchange row follows when it ends
        when = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        item = QTreeWidgetItem([when, record.getMessage(), record.levelname.lower(), ""])
        item.setData(0, Qt.ItemDataRole.UserRole, record.getMessage())
        if record.levelno >= logging.WARNING:
            item.setForeground(1, Qt.GlobalColor.darkRed)
        self._append(item)

    def add_exchange(self, exchange: Exchange) -> None:
        when = exchange.started_at[11:19] if len(exchange.started_at) >= 19 else exchange.started_at
        what = f"{exchange.label + ': ' if exchange.label else ''}{exchange.method} {exchange.url}"
        status = str(exchange.status) if exchange.status is not None else "failed"
        item = QTreeWidgetItem([when, what, status, str(exchange.duration_ms)])
        item.setData(0, Qt.ItemDataRole.UserRole, exchange)
        if exchange.status is None or exchange.status >= 400:
            item.setForeground(2, Qt.GlobalColor.darkRed)
        else:
            item.setForeground(2, Qt.GlobalColor.darkGreen)
        bold = QFont(item.font(1))
        bold.setBold(True)
        item.setFont(1, bold)
        self._append(item)

    def _append(self, item: QTreeWidgetItem) -> None:
        self.tree.addTopLevelItem(item)
        while self.tree.topLevelItemCount() > self.MAX_ENTRIES:
            self.tree.takeTopLevelItem(0)
        # Show the newest exchange in full; plain messages only scroll into view.
        if isinstance(item.data(0, Qt.ItemDataRole.UserRole), Exchange) or self.tree.currentItem() is None:
            self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)

    def show_exchanges(self, exchanges: list[Exchange], title: str) -> None:
        """Show an earlier attempt's exchanges (from the history)."""
        item = QTreeWidgetItem(["", title, "", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, title)
        self._append(item)
        for exchange in exchanges:
            self.add_exchange(exchange)

    # -- reading ---------------------------------------------------------------------------------------------

    def current_entry(self) -> Exchange | str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _show_current(self, *_: object) -> None:
        entry = self.current_entry()
        if isinstance(entry, Exchange):
            self.detail.setPlainText(entry.as_text())
        else:
            self.detail.setPlainText(entry or "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        self.copy_curl_button.setEnabled(isinstance(entry, Exchange))
        self.copy_text_button.setEnabled(entry is not None)
        self.clear_button.setEnabled(self.tree.topLevelItemCount() > 0)

    def copy_curl(self) -> None:
        entry = self.current_entry()
        if isinstance(entry, Exchange):
            QGuiApplication.clipboard().setText(entry.curl)
            self.status.setText("Copied the request as a curl command (secrets are hidden: fill them in).")

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.detail.toPlainText())
        self.status.setText("Copied.")

    def clear(self) -> None:
        self.tree.clear()
        self.detail.clear()
        self.status.setText("")
        self._update_buttons()

    def all_text(self) -> str:
        """Everything the pane holds, as text (used by tests and 'copy all')."""
        parts = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            entry = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
            parts.append(entry.as_text() if isinstance(entry, Exchange) else str(entry))
        return "\n\n".join(parts)
