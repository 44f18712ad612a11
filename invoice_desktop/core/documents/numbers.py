"""Amounts and dates as offices write them in sheets and on paper, read into exact values.

"1.234,50", "1 234,50" (also no-break and narrow no-break spaces), "1,234.50", "1234.5", "30,00 €" → Decimal.
The last separator followed by one or two digits (or three, when the other separator also appears) is the decimal
one; a lone separator followed by exactly three digits is a thousands separator ("1.234" → 1234).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

_SPACES = "\u00a0\u202f\u2009 '"
_CURRENCY = re.compile(r"[€$£]|\b(?:EUR|USD|GBP|SEK|CHF|kr)\b", re.IGNORECASE)


def parse_amount(text: str) -> Decimal | None:
    cleaned = _CURRENCY.sub("", str(text)).strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        return None
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()+")
    if not re.fullmatch(r"[\d.,]+", cleaned):
        return None
    last_dot, last_comma = cleaned.rfind("."), cleaned.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0:
        tail = len(cleaned) - decimal_at - 1
        both = last_dot >= 0 and last_comma >= 0
        if not both and tail == 3:
            decimal_at = -1  # "1.234" or "1,234,567": thousands only
    if decimal_at >= 0:
        whole, fraction = cleaned[:decimal_at], cleaned[decimal_at + 1 :]
        whole = whole.replace(".", "").replace(",", "")
        number = f"{whole or '0'}.{fraction}"
    else:
        number = cleaned.replace(".", "").replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return -value if negative else value


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%d-%m-%Y", "%Y%m%d", "%d %B %Y", "%B %d, %Y")


def parse_date(text: str, formats: tuple[str, ...] = _DATE_FORMATS) -> date | None:
    """A date in one of the usual European or ISO spellings. US month-first dates are not guessed: 03/04/2026
    is the 3rd of April here; a template for a US issuer states its own format."""
    text = " ".join(str(text).split())
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
