"""The banner under the toolbar that says where uploads go, in words and in colour (never colour alone).

Practice (yellow), Sandbox (blue) and Production (red, "real invoices") each look different, so a clerk cannot
mistake one for another at a glance. The practice hint (what to try) folds behind a link to keep the banner to
one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtWidgets import QLabel, QWidget

from ..core.i18n import N_, _, pgettext
from ..core.registry import PRACTICE, PRODUCTION, SANDBOX
from .rich_text import escape

if TYPE_CHECKING:  # the provider contract brings pydantic: not before the window's first paint
    from ..core.provider import Environment

# The window title's words for each environment (Production in capitals, as on the banner); translated where shown.
ENVIRONMENT_TITLES = {
    # TRANSLATORS: an environment's name in the window title ("Shopwave — Practice").
    PRACTICE: N_("Practice"),
    # TRANSLATORS: an environment's name in the window title ("Shopwave — Sandbox"): the vendor's test system.
    SANDBOX: N_("Sandbox"),
    # TRANSLATORS: an environment's name in the window title ("Shopwave — PRODUCTION"): the vendor's live system.
    PRODUCTION: N_("PRODUCTION"),
}

LOOKS = {
    # background, border, text colour
    PRACTICE: ("#fff4ce", "#e0b400", "#3d3000"),
    SANDBOX: ("#e8f0fe", "#1a73e8", "#0b3a82"),
    PRODUCTION: ("#c5221f", "#8c1512", "#ffffff"),
}


def environment_title(env: Environment | str) -> str:
    """The environment's word for a window title ("Practice"), in the clerk's language; `env` or its id."""
    env_id = env if isinstance(env, str) else env.id
    title = ENVIRONMENT_TITLES.get(env_id)
    if title:
        return _(title)
    return env_id if isinstance(env, str) else _(env.label)


def possessive(name: str) -> str:
    """ "Shopwave's", but "PayFabric Receivables'" (a name ending in s takes the apostrophe alone).

    The pattern is the catalog's, so each language says "of Shopwave" its own way; the banner's sentences put the
    result where their grammar wants it.
    """
    if name.endswith(("s", "S")):
        # TRANSLATORS: the owner of a system, for a provider name ending in "s" ("PayFabric Receivables' test
        # system"); used as {owner} in the banner's sentences. German e.g. "von {provider}", Swedish "{provider}".
        return pgettext("possessive, name ending in s", "{provider}'").format(provider=name)
    # TRANSLATORS: the owner of a system ("Shopwave's test system"); used as {owner} in the banner's sentences.
    # German e.g. "von {provider}", Swedish "{provider}s".
    return pgettext("possessive", "{provider}'s").format(provider=name)


def banner_words(provider_name: str, env: Environment, address: str | None, practice_sign_in: str = "") -> str:
    """The banner's text (rich text) for an environment; `address` is where uploads go, when known;
    `practice_sign_in` the label of the sign-in practice needs first (the provider declares it), or ""."""
    owner = escape(possessive(provider_name))
    host = urlsplit(address).netloc if address else ""
    if env.is_practice and practice_sign_in:
        # TRANSLATORS: {owner} is the provider's name as an owner (see "{provider}'s"); {sign_in} the sign-in
        # button's label in the Credentials dialog ("Sign in with Shopwave"). Keep <b>…</b> around the title.
        return _(
            "<b>Practice</b> — nothing leaves this computer. Uploads go to a local sandbox that behaves like "
            "{owner} API; sign in first with Credentials… → {sign_in} (practice approves at once)."
        ).format(owner=owner, sign_in=escape(_(practice_sign_in).rstrip("…")))
    if env.is_practice:
        # TRANSLATORS: {owner} is the provider's name as an owner (see "{provider}'s"). Keep <b>…</b> around the title.
        return _(
            "<b>Practice</b> — nothing leaves this computer. Uploads go to a local sandbox that behaves like "
            "{owner} API; practice credentials are filled in for you."
        ).format(owner=owner)
    if env.id == PRODUCTION:
        if host:
            # TRANSLATORS: {owner} is the provider's name as an owner; {host} the address uploads go to.
            return _(
                "<b>⚠ PRODUCTION — real invoices.</b> What you send goes to {owner} live system ({host}) and counts "
                "for real."
            ).format(owner=owner, host=escape(host))
        return _(
            "<b>⚠ PRODUCTION — real invoices.</b> What you send goes to {owner} live system and counts for real."
        ).format(owner=owner)
    if host:
        # TRANSLATORS: {owner} is the provider's name as an owner; {host} the address uploads go to.
        return _(
            "<b>Sandbox — test system.</b> Uploads go to {owner} test system ({host}); nothing there is a real invoice."
        ).format(owner=owner, host=escape(host))
    return _(
        "<b>Sandbox — test system.</b> Uploads go to {owner} test system; nothing there is a real invoice."
    ).format(owner=owner)


class EnvironmentBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentBanner")
        self.setWordWrap(True)
        # Its links ("What to try…") are clickable by default; rich text is set with the first words (below).
        self.linkActivated.connect(self._toggle_hint)
        self.kind = PRACTICE
        self._words = ""
        self._hint = ""
        self._hint_open = False

    def show_environment(
        self, provider_name: str, env: Environment, address: str | None, practice_sign_in: str = ""
    ) -> None:
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.kind = env.id if env.id in LOOKS else SANDBOX
        background, border, colour = LOOKS[self.kind]
        self.setStyleSheet(
            f"QLabel#environmentBanner {{ background: {background}; border: 1px solid {border}; "
            f"border-radius: 4px; padding: 4px 6px; color: {colour}; }}"
        )
        self._words = banner_words(provider_name, env, address, practice_sign_in)
        self._hint = ""
        self._hint_open = False
        self.setAccessibleName(_("Where uploads go"))
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
            # TRANSLATORS: a link on the banner that folds the practice hint away / opens it.
            link = _("Hide") if self._hint_open else _("What to try…")
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
