"""Alt+letter mnemonics that never clash: one letter, one target, among everything visible together.

Form labels take the first letter of their field by default, so "Customer ID" (Alt+C) would clash with
"Credentials…", "Balance due" with "Browse…". The window calls `make_unique` for each provider page with the
letters its menus and fixed controls already use; a clashing label gets another letter of its own words, or none.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" (lower case), or None."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1  # "&&" is a literal ampersand
        i += 1
    return None


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")


def _candidates(plain: str) -> list[int]:
    """Positions to try: each word's first letter, then any other letter."""
    starts = [i for i, ch in enumerate(plain) if ch.isalnum() and (i == 0 or not plain[i - 1].isalnum())]
    rest = [i for i, ch in enumerate(plain) if ch.isalnum() and i not in starts]
    return starts + rest


def with_letter(text: str, taken: set[str]) -> str:
    """`text` with a mnemonic not in `taken` (added to it), or with none if every letter is taken."""
    plain = _plain(text)
    for i in _candidates(plain):
        letter = plain[i].lower()
        if letter not in taken:
            taken.add(letter)
            return plain[:i] + "&" + plain[i:]
    return plain


def _text_widgets(root: QWidget) -> Iterable[QWidget]:
    for widget in root.findChildren(QWidget):
        # A label's mnemonic works only with a buddy (and a rich-text label's "&amp;" is no mnemonic).
        if isinstance(widget, QAbstractButton | QGroupBox) or (isinstance(widget, QLabel) and widget.buddy()):
            yield widget


def make_unique(roots: Iterable[QWidget], taken: set[str]) -> None:
    """Give each labelled control under `roots` a letter not in `taken` (which grows as letters are used)."""
    for root in roots:
        for widget in _text_widgets(root):
            text = widget.title() if isinstance(widget, QGroupBox) else widget.text()  # type: ignore[attr-defined]
            letter = mnemonic(text)
            if letter is None:
                continue
            if letter in taken:
                text = with_letter(text, taken)
                if isinstance(widget, QGroupBox):
                    widget.setTitle(text)
                else:
                    widget.setText(text)  # type: ignore[attr-defined]
            else:
                taken.add(letter)
