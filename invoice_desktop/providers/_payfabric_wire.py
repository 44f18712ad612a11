"""PayFabric's wire format for the InvoicePost form: the dates it accepts (the documented forms, and what people and
the vendor's own sample type) and sends, amounts as strings such as "30.00", and the JSON an invoice goes out as."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..core.i18n import _

# Accepted date/time spellings, most specific first. The API wants the first two; the others are what people and
# the vendor's own sample type.
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)
CENT = Decimal("0.01")
# Decimals that are not money go out as typed ("1", "2.5"); every other decimal, MarkdownPercentage included (the
# docs' sample sends "0.00"), goes out with at least two decimals.
PLAIN_NUMBERS = ("Quantity", "Rate")


def parse_datetime(value: Any) -> Any:
    """A date or date-time in any accepted spelling → datetime (naive: the API documents no time zone)."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return value
    cleaned = " ".join(value.split())
    if not cleaned:
        return None
    if "T" in cleaned:  # ISO 8601 with fractions or an offset: keep the wall-clock time as written
        cleaned = re.sub(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)?$", "", cleaned)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise ValueError(_("“{value}” is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.").format(value=value))


def wire_datetime(value: datetime) -> str:
    """The documented forms: `YYYY-MM-DD` for a plain date, `YYYY-MM-DD HH:mm:ss` when it has a time."""
    if value.hour == value.minute == value.second == 0:
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M:%S")


def wire_amount(value: Decimal) -> str:
    """An amount as the sample sends it: a string with at least two decimals ("30.00"), up to five."""
    value = value.normalize()
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(CENT)
    return format(value, "f")


def wire_number(value: Decimal) -> str:
    """A quantity or percentage as typed, without exponent or trailing zeros ("1", "2.5")."""
    return format(value.normalize(), "f") if value != 0 else "0"


def wire_invoice(form: BaseModel) -> dict[str, Any]:
    """The JSON PayFabric receives for an InvoicePost form: documented names and formats, empty values left out.
    Where the sample and the object reference spell a name differently, both spellings carry the value (unknown
    members are ignored)."""
    data = form.model_dump(mode="json", exclude_none=True)

    def prune(obj: Any) -> Any:
        if isinstance(obj, dict):
            out = {k: prune(v) for k, v in obj.items() if v != []}
            if "EMailAddress" in out:
                out["Email"] = out["EMailAddress"]
            return out
        if isinstance(obj, list):
            return [prune(v) for v in obj]
        return obj

    data = prune(data)
    if "TrackingNumber" in data:
        data["Tracking_Number"] = data["TrackingNumber"]
    return data
