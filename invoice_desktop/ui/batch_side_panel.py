"""Beside the batch table: the selected row's first page, and where each of its values came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ..core.i18n import _
from ..core.outbox import BatchRow
from .batch_model import SOURCE_WORDS, shown_value
from .pdf_preview import PdfPreview
from .tasks import TaskRunner


class BatchSidePanel(QWidget):
    """The preview above, the row's sources below (selectable, scrolled when long)."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = PdfPreview(runner, 300, self)
        self.sources = QLabel(self)
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.PlainText)
        self.sources.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 3)
        sources_scroll = QScrollArea(self)
        sources_scroll.setWidgetResizable(True)
        sources_scroll.setFrameShape(QFrame.Shape.NoFrame)
        sources_scroll.setWidget(self.sources)
        layout.addWidget(sources_scroll, 2)

    def show_row(self, row: BatchRow, fields: Sequence[str], labels: Mapping[str, str]) -> None:
        self.preview.show_document(row.snapshot_path or row.file_path)
        self.sources.setText(sources_text(row, fields, labels))

    def clear(self) -> None:
        self.preview.clear()
        self.sources.setText("")


def sources_text(row: BatchRow, fields: Sequence[str], labels: Mapping[str, str]) -> str:
    """The row's values, one a line, each with where it came from (and a guess marked as one)."""
    lines = [_("Row {position}: {file}").format(position=row.position, file=row.file_name)]
    for field in fields:
        cell = row.values.get(field)
        label = labels[field]
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
    return "\n".join(lines)
