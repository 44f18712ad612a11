"""What the batch window asks before it sends: whether guessed values may go as they are, and which rows that may
have arrived already should be sent again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.i18n import _, ngettext
from ..core.outbox import BatchRow

if TYPE_CHECKING:
    from ..core.batch import BatchService


def send_guesses(parent: QWidget, rows: list[BatchRow]) -> bool:
    """Guesses from a PDF's text are not sent unseen: True when the clerk confirms them (all at once), False to go
    back and correct them."""
    numbers = ", ".join(str(r.position) for r in rows[:12]) + ("…" if len(rows) > 12 else "")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Send guessed values?"))
    said = ngettext(
        "{n} row ready to send holds values guessed from the PDF's text (row {rows}).",
        "{n} rows ready to send hold values guessed from the PDF's text (rows {rows}).",
        len(rows),
    )
    box.setText(said.format(n=len(rows), rows=numbers))
    box.setInformativeText(
        _(
            "They are highlighted in the table. Check them against the preview, then confirm them, or go back "
            "and correct them first."
        )
    )
    confirm = box.addButton(_("Confirm them and send"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(_("Go back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(back)
    box.exec()
    return box.clickedButton() is confirm


def rows_to_resend(parent: QWidget, batches: BatchService, rows: list[BatchRow]) -> set[int]:
    """The ids of the rows the clerk agrees to send again, asked one by one for each row whose earlier try may
    have arrived."""
    resend: set[int] = set()
    for row in rows:
        question = batches.resend_question(row)
        if question and row.id is not None:
            title = _("Row {position}: send again?").format(position=row.position)
            answer = QMessageBox.question(parent, title, str(question))
            if answer == QMessageBox.StandardButton.Yes:
                resend.add(row.id)
    return resend
