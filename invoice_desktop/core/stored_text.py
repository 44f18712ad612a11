"""Sentences kept in a database TEXT column as code + parameters, so a history written in one language reads in
another.

A `Msg` is stored as its JSON (`{"msgid": ..., "params": ...}`) and comes back as a `Msg`, translated each time it is
shown; a plain string (an older record's English, a provider's own words) is stored and read back as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias

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


def shown_tree(value: Any) -> Any:
    """JSON-ready data with each kept sentence (a `Msg`, or its stored form) as text in the current language: what
    the CLI prints, so its JSON keeps the shape and keys it always had."""
    if isinstance(value, Msg):
        return str(value)
    if isinstance(value, Mapping):
        if "msgid" in value:
            return str(from_stored(value))
        return {k: shown_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown_tree(v) for v in value]
    return value
