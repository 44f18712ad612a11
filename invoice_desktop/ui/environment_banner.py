"""The banner under the toolbar that says where uploads go, in words and in colour (never colour alone).

Practice (yellow), Sandbox (blue) and Production (red, "real invoices") each look different, so a clerk cannot
mistake one for another at a glance. The practice hint (what to try) folds behind a link to keep the banner to
one line.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ..core.provider import PRACTICE, PRODUCTION, SANDBOX, Environment

# The window title's words for each environment (Production in capitals, as on the banner).
ENVIRONMENT_TITLES = {PRACTICE: "Practice", SANDBOX: "Sandbox", PRODUCTION: "PRODUCTION"}

LOOKS = {
    # background, border, text colour
    PRACTICE: ("#fff4ce", "#e0b400", "#3d3000"),
    SANDBOX: ("#e8f0fe", "#1a73e8", "#0b3a82"),
    PRODUCTION: ("#c5221f", "#8c1512", "#ffffff"),
}


def possessive(name: str) -> str:
    """ "Shopwave's", but "PayFabric Receivables'" (a name ending in s takes the apostrophe alone)."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def banner_words(provider_name: str, env: Environment, address: str | None) -> str:
    """The banner's text (rich text) for an environment; `address` is where uploads go, when known."""
    owner = escape(possessive(provider_name))
    host = urlsplit(address).netloc if address else ""
    where = f" ({escape(host)})" if host else ""
    if env.is_practice:
        return (
            "<b>Practice</b> — nothing leaves this computer. Uploads go to a local sandbox that behaves like "
            f"{owner} API; practice credentials are filled in for you."
        )
    if env.id == PRODUCTION:
        return (
            f"<b>⚠ PRODUCTION — real invoices.</b> What you send goes to {owner} live "
            f"system{where} and counts for real."
        )
    return f"<b>Sandbox — test system.</b> Uploads go to {owner} test system{where}; nothing there is a real invoice."


class EnvironmentBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBanner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.linkActivated.connect(self._toggle_hint)
        self.kind = PRACTICE
        self._words = ""
        self._hint = ""
        self._hint_open = False

    def show_environment(self, provider_name: str, env: Environment, address: str | None) -> None:
        self.kind = env.id if env.id in LOOKS else SANDBOX
        background, border, colour = LOOKS[self.kind]
        self.setStyleSheet(
            f"QLabel#environmentBanner {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 4px; padding: 4px 6px; color: {colour}; }}"
        )
        self._words = banner_words(provider_name, env, address)
        self._hint = ""
        self._hint_open = False
        self.setAccessibleName("Where uploads go")
        self._render()

    def set_hint(self, hint: str) -> None:
        """What to try in practice; shown behind a "What to try" link."""
        self._hint = hint
        self._render()

    def _toggle_hint(self, _link: str) -> None:
        self._hint_open = not self._hint_open
        self._render()

    def _render(self) -> None:
        text = self._words
        if self._hint:
            link = "Hide" if self._hint_open else "What to try…"
            text += f" <a href='#hint'>{link}</a>"
            if self._hint_open:
                text += "<br>" + escape(self._hint)
        self.setText(text)
        self.setAccessibleDescription(self.plain_text())

    def plain_text(self) -> str:
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.text())
        return doc.toPlainText()
