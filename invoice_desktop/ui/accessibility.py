"""Screen readers: inputs named by their labels."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QWidget


def label_words(text: str) -> str:
    """A label as a screen reader should say it: no "&" mnemonic, no required-field star, no colon."""
    plain = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return re.sub(r"[\s*:]+$", "", plain).strip()


def name_inputs_by_their_labels(root: QWidget) -> None:
    """Every labelled input under `root` is called what its label says (not its value, not nothing)."""
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is None:
            continue
        words = label_words(label.text())
        for target in (buddy, buddy.focusProxy()):
            if target is not None:
                target.setAccessibleName(words)
