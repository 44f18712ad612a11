"""Values from a file's name, by a pattern the clerk sets once per provider.

`{order_id}_*.pdf` reads the order id from "ORD-1001_invoice.pdf": `{name}` is a form field (or a neutral fact
name), `*` any text, everything else literal, case-insensitive. `re:` starts a regular expression with named
groups instead: `re:^(?P<order_id>ORD-\\d+)`.
"""

from __future__ import annotations

import re

from ..errors import InvoiceDesktopError
from ..i18n import Msg


class PatternProblem(InvoiceDesktopError):
    """The pattern itself is wrong."""


def compile_pattern(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip()
    if not pattern:
        raise PatternProblem(Msg("The file-name pattern is empty."))
    if pattern.startswith("re:"):
        try:
            compiled = re.compile(pattern[3:], re.IGNORECASE)
        except re.error as exc:
            raise PatternProblem(Msg("The regular expression is not valid: {error}.", error=str(exc))) from None
        if not compiled.groupindex:
            raise PatternProblem(Msg("The regular expression names no value: use groups like (?P<order_id>…)."))
        return compiled
    parts = re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|\*)", pattern)
    regex = []
    seen = set()
    for part in parts:
        if part == "*":
            regex.append(".*?")
        elif part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name in seen:
                raise PatternProblem(Msg("{{{name}}} appears twice in the pattern.", name=name))
            seen.add(name)
            regex.append(f"(?P<{name}>.+?)")
        else:
            regex.append(re.escape(part))
    if not seen:
        raise PatternProblem(Msg("The pattern names no value: put a field in braces, e.g. {order_id}_*.pdf."))
    return re.compile("^" + "".join(regex) + "$", re.IGNORECASE)


def values_from_name(pattern: re.Pattern[str], file_name: str) -> dict[str, str] | None:
    """The named values in `file_name`, or None when the pattern does not match it."""
    match = pattern.search(file_name)  # a glob pattern is anchored at both ends; a regular expression as written
    if match is None:
        return None
    return {name: value.strip() for name, value in match.groupdict().items() if value and value.strip()}
