"""How each history engine finds the History's search text inside a column, ignoring case the same way.

A clerk who types "örebro" finds "Örebro AB" on either engine. PostgreSQL's ILIKE compares letters in lower case
(any alphabet, by the server's locale) and is answered by the pg_trgm indexes. SQLite's LIKE folds only the 26
ASCII letters, so on SQLite a text with other letters becomes a GLOB pattern (case-sensitive, matched in C, no
per-row Python) in which each letter accepts its upper- and lower-case forms: "*[öÖ][rR][eE][bB][rR][oO]*". A text
of ASCII letters stays a LIKE: the same answer, and 2-3 times faster than the GLOB over 100,000 attempts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# (the SQL after a column, e.g. "GLOB ?", and the value bound to its placeholder) for a search text.
Contains = Callable[[str], tuple[str, str]]


def like_pattern(text: str) -> str:
    """`text` anywhere, for LIKE/ILIKE with ESCAPE '\\': its own %, _ and \\ are plain characters."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def _case_forms(char: str) -> set[str]:
    return {form for form in (char, char.lower(), char.upper()) if len(form) == 1}


def _glob_letter(char: str) -> str:
    forms = _case_forms(char)
    if len(forms) > 1:
        return "[" + "".join(sorted(forms)) + "]"
    if char in "*?[":  # GLOB's own wildcards, taken literally inside brackets
        return f"[{char}]"
    return char


def glob_pattern(text: str) -> str:
    """`text` anywhere, any case, for SQLite's GLOB: its own *, ? and [ are plain characters."""
    return "*" + "".join(_glob_letter(char) for char in text) + "*"


def sqlite_contains(text: str) -> tuple[str, str]:
    if any(not char.isascii() and len(_case_forms(char)) > 1 for char in text):
        return "GLOB ?", glob_pattern(text)
    return "LIKE ? ESCAPE '\\'", like_pattern(text)


def postgresql_contains(text: str) -> tuple[str, str]:
    return "ILIKE ? ESCAPE '\\'", like_pattern(text)
