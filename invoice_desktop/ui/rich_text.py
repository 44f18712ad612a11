"""Plain text made safe inside the rich text of Qt's labels (a provider's name, an address, what a provider said).

`html.escape` does the same, but importing `html` loads `html.entities` (its 2,000-entry tables for `unescape`, about
0.7 MiB that the idle window kept for nothing): the banner and the outcome panel only ever escape.
"""

from __future__ import annotations


def escape(text: str, quote: bool = True) -> str:
    """`text` with &, < and > (and, with `quote`, both quotes) as character references: what `html.escape` returns."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("'", "&#x27;")
    return text
