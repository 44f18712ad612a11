"""Sentences kept in a database TEXT column as code + parameters, so a history written in one language reads in
another.

A `Msg` is stored as its JSON (`{"msgid": ..., "params": ...}`) and comes back as a `Msg`, translated each time it is
shown; a plain string (an older record's English, a provider's own words) is stored and read back as written.
"""

from __future__ import annotations

import json
from typing import TypeAlias

from .i18n import Msg, from_stored, to_stored

# A text a clerk reads that may be kept: a translatable sentence or plain text shown as written.
Text: TypeAlias = "str | Msg"

_MARK = '{"msgid"'


def encode(value: Text | None) -> str | None:
    """What to write to a TEXT column."""
    if isinstance(value, Msg):
        return json.dumps(to_stored(value), ensure_ascii=False, default=str)
    return value


def decode(text: str | None) -> Text | None:
    """The reverse of `encode`: a stored sentence as a `Msg`, anything else as written."""
    if not isinstance(text, str) or not text.startswith(_MARK):
        return text
    try:
        value = from_stored(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return text  # not ours after all: show it as written
    return value if isinstance(value, Msg) else text


def shown(text: str | None) -> str:
    """A stored text as the clerk reads it now, in the current language."""
    return str(decode(text) or "")
