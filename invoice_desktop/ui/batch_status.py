"""The batch window's status line and progress bar: what is being read or sent, row by row."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from ..core.i18n import _
from ..core.outbox import BatchRow


class BatchStatus(QWidget):
    """The sentence on the left, the progress on the right (hidden when nothing runs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 3)
        layout.addWidget(self.progress, 1)
        self._done = self._total = 0

    def say(self, text: str) -> None:
        self.status.setText(text)

    def reading(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()

    def read(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(_("{done} of {total} read").format(done=done, total=total))

    def sending(self, said: str, count: int) -> None:
        """`said`: the status line's sentence ("Sending 3 rows, one at a time…") for `count` rows."""
        self._done, self._total = 0, count
        self.progress.setRange(0, count)
        self.progress.setValue(0)
        self.progress.setFormat(_("{done} of {total} sent").format(done=0, total=count))
        self.progress.show()
        self.status.setText(said.format(n=count))

    def row_sending(self, row: BatchRow) -> None:
        self.status.setText(_("Sending row {position}: {file}…").format(position=row.position, file=row.file_name))

    def row_done(self) -> None:
        self._done += 1
        self.progress.setValue(min(self._done, self.progress.maximum()))
        self.progress.setFormat(_("{done} of {total} done").format(done=self._done, total=self._total))

    def row_sent_part(self, row: BatchRow, sent: int, total: int) -> None:
        if total:
            said = _("Sending row {position}: {file} — {percent} %")
            self.status.setText(said.format(position=row.position, file=row.file_name, percent=sent * 100 // total))

    def idle(self) -> None:
        # Hidden, not reset: QProgressBar repaints the whole window at once on setRange/setValue.
        self.progress.hide()
