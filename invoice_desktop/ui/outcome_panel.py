"""Shows what the provider answered, plainly: one line (what happened, what to do next), the rest on demand."""

from __future__ import annotations

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from ..core.i18n import _
from ..core.results import Outcome, UploadResult
from .rich_text import escape

LOOKS = {
    Outcome.SUCCEEDED: ("✔", "#1e8e3e", "#e6f4ea"),
    Outcome.REJECTED: ("✖", "#c5221f", "#fce8e6"),
    Outcome.FAILED: ("⚠", "#b06000", "#fef7e0"),
    Outcome.UNCERTAIN: ("?", "#b06000", "#fef7e0"),
    Outcome.CANCELLED: ("■", "#5f6368", "#f1f3f4"),
}


class OutcomePanel(QFrame):
    """One line (icon, what happened, what to do next) with the rest — the provider's own words, per-item
    outcomes, links, the attempt's number — behind a Details button, so the form keeps the height."""

    shown = Signal(object)  # the UploadResult now on show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcome")
        # Three columns, each held at its top: the icon, the text (the one line, or the details opened in its place)
        # and the Details button. Opened, the details' bold title reads on the icon's line, not on a line of its own.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(6)
        self.icon = QLabel(self)
        self.headline = QLabel(self)
        self.headline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.headline.setAccessibleName(_("Upload outcome"))
        self.details_button = QToolButton(self)
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        # TRANSLATORS: the button that opens the rest of an upload's outcome (the provider's answer, links…).
        self.details_button.setText(_("Details"))
        self.details_button.setToolTip(_("Show or hide the provider's answer and the details"))
        self.details_button.toggled.connect(self._show_details)
        # The whole answer, for the Details button (and for screen readers: selectable by keyboard).
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setOpenExternalLinks(True)
        self.label.setAccessibleName(_("Upload outcome details"))
        self.label.hide()
        columns = [QVBoxLayout() for _column in range(3)]
        columns[0].addWidget(self.icon)
        columns[1].setSpacing(0)
        columns[1].addWidget(self.headline)
        columns[1].addWidget(self.label)
        columns[2].addWidget(self.details_button)
        for column, stretch in zip(columns, (0, 1, 0), strict=True):
            column.addStretch(1)
            layout.addLayout(column, stretch)
        self.result: UploadResult | None = None
        self._line = ""
        self.hide()

    def show_message(self, text: str, outcome: Outcome = Outcome.FAILED, detail: str = "") -> None:
        self.show_result(UploadResult(outcome, text, detail))

    def _set_text_kinds(self) -> None:
        """The line is plain text (a provider's words may hold "<"); the details rich, with links, and selectable by
        keyboard (for screen readers). Set with an outcome, as the panel is hidden until one: not at import or in
        __init__, which the window's first frame would pay for (the Qt namespace, see main_window.py)."""
        self.headline.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        # The icon and the line as tall as the button, centred on its text; the details' first line on the same.
        row = self.details_button.sizeHint().height()
        self.icon.setMinimumHeight(row)
        self.headline.setMinimumHeight(row)
        self.label.setContentsMargins(0, max(0, (row - self.label.fontMetrics().height()) // 2), 0, 0)
        self.label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextBrowserInteraction
            | QtCore.Qt.TextInteractionFlag.TextSelectableByKeyboard
        )

    def show_result(self, result: UploadResult) -> None:
        self._set_text_kinds()
        self.result = result
        icon, colour, background = LOOKS[result.outcome]
        self.setStyleSheet(
            f"QFrame#outcome {{ border: 1px solid {colour}; border-radius: 6px; background: {background}; }}"
        )
        self.icon.setText(f"<b style='color:{colour}; font-size: 115%'>{icon}</b>")
        # The one line: what happened and, when short enough to fit, what to do next.
        # Title and detail may be kept sentences (Msg): str() renders them in the current language.
        title, detail = str(result.title or ""), str(result.detail or "")
        self._line = " ".join(part for part in (title, detail) if part)
        self._elide()
        details = []
        if detail:
            details.append(f"<p>{escape(detail)}</p>")
        for label, url in result.links:
            details.append(f"<p>{escape(str(label))}: <a href='{escape(url, quote=True)}'>{escape(url)}</a></p>")
        if result.items:
            rows = "".join(
                f"<li><b style='color:{LOOKS[i.outcome][1]}'>{LOOKS[i.outcome][0]}</b> {escape(str(i.label))}: "
                f"{escape(str(i.message))}</li>"
                for i in result.items
            )
            details.append(f"<ul style='margin-left: -20px'>{rows}</ul>")
        if result.provider_code or result.provider_message:
            # The provider's own code and words stay verbatim (quoted); only our framing is translated.
            said = escape(result.provider_message or "")
            if result.provider_code:
                answer = _("Provider's answer: code {code}: “{message}”").format(
                    code=escape(result.provider_code), message=said
                )
            else:
                answer = _("Provider's answer: “{message}”").format(message=said)
            details.append(f"<p style='color:#555'>{answer}</p>")
        if result.attempt_id is not None:
            seen = _("Attempt #{id} — details in the log and History.").format(id=result.attempt_id)
            details.append(f"<p style='color:#555'>{seen}</p>")
        self.label.setText(f"<p><b>{escape(title)}</b></p>" + "".join(details))
        # Links and per-item outcomes are part of what happened: show them at once; the rest on demand.
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(bool(result.links or result.items))
        self._show_details(self.details_button.isChecked())
        self.show()
        self.shown.emit(result)

    def _show_details(self, on: bool) -> None:
        self.label.setVisible(on)
        self.headline.setVisible(not on)
        # TRANSLATORS: "Less" folds the outcome's details away again; "Details" opens them.
        self.details_button.setText(_("Less") if on else _("Details"))

    def _elide(self) -> None:
        metrics = QFontMetrics(self.headline.font())
        width = max(self.headline.width(), 50)
        self.headline.setText(metrics.elidedText(self._line, QtCore.Qt.TextElideMode.ElideRight, width))
        self.headline.setToolTip(self._line if self.headline.text() != self._line else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._line:
            self._elide()

    def clear(self) -> None:
        self.result = None
        self._line = ""
        self.headline.clear()
        self.label.clear()
        self.hide()

    def text(self) -> str:
        """What the clerk can read here (the line and the details), as plain text."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.label.text())
        return doc.toPlainText()
