"""Shows what the provider answered, plainly: one sentence, what to do next, links, per-item outcomes."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ..core.results import Outcome, UploadResult

LOOKS = {
    Outcome.SUCCEEDED: ("✔", "#1e8e3e", "#e6f4ea"),
    Outcome.REJECTED: ("✖", "#c5221f", "#fce8e6"),
    Outcome.FAILED: ("⚠", "#b06000", "#fef7e0"),
    Outcome.CANCELLED: ("■", "#5f6368", "#f1f3f4"),
}


class OutcomePanel(QFrame):
    shown = Signal(object)  # the UploadResult now on show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcome")
        layout = QVBoxLayout(self)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setOpenExternalLinks(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label.setAccessibleName("Upload outcome")
        layout.addWidget(self.label)
        self.result: UploadResult | None = None
        self.hide()

    def show_message(self, text: str, outcome: Outcome = Outcome.FAILED, detail: str = "") -> None:
        self.show_result(UploadResult(outcome, text, detail))

    def show_result(self, result: UploadResult) -> None:
        self.result = result
        icon, colour, background = LOOKS[result.outcome]
        self.setStyleSheet(
            f"QFrame#outcome {{ border: 1px solid {colour}; border-radius: 6px; background: {background}; }}"
        )
        parts = [f"<p style='font-size: 115%;'><b style='color:{colour}'>{icon}</b> <b>{escape(result.title)}</b></p>"]
        if result.detail:
            parts.append(f"<p>{escape(result.detail)}</p>")
        for label, url in result.links:
            parts.append(f"<p>{escape(label)}: <a href='{escape(url, quote=True)}'>{escape(url)}</a></p>")
        if result.items:
            rows = "".join(
                f"<li><b style='color:{LOOKS[i.outcome][1]}'>{LOOKS[i.outcome][0]}</b> {escape(i.label)}: "
                f"{escape(i.message)}</li>"
                for i in result.items
            )
            parts.append(f"<ul style='margin-left: -20px'>{rows}</ul>")
        if result.provider_code or result.provider_message:
            code = f"code {escape(result.provider_code)}: " if result.provider_code else ""
            parts.append(
                f"<p style='color:#555'>Provider's answer: {code}“{escape(result.provider_message or '')}”</p>"
            )
        if result.attempt_id is not None:
            parts.append(f"<p style='color:#555'>Attempt #{result.attempt_id} — details in the log and History.</p>")
        self.label.setText("".join(parts))
        self.show()
        self.shown.emit(result)

    def clear(self) -> None:
        self.result = None
        self.label.clear()
        self.hide()

    def text(self) -> str:
        """What the clerk reads, as plain text."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.label.text())
        return doc.toPlainText()
