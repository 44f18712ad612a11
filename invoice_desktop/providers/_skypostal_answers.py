"""Reading SkyPostal API-BOX answers: the envelope every call answers with (a JSON array of one object with
`_verify` and an `error` object), the customer-login answer, and WCF's JSON dates ("/Date(…)/").

Kept apart from `skypostal` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ..core.http import Response
from ..core.i18n import _

# Wording that makes an error description about the credentials (the list of descriptions is not documented).
CREDENTIAL_WORDS = re.compile(
    r"app.?key|user.?code|customer.?key|box.?id|credential|unauthori[sz]|not authori[sz]", re.IGNORECASE
)


# -- WCF dates -----------------------------------------------------------------------------------------------

_WCF_DATE = re.compile(r"^\\?/Date\((-?\d+)(?:([+-])(\d{2})(\d{2}))?\)\\?/$")
# .NET's DateTime.MinValue, which WCF writes for a date that was never set.
_DOTNET_MIN_MS = -62135596800000


def parse_wcf_date(value: Any) -> datetime | None:
    """Read a WCF JSON date, "/Date(1550761010000-0500)/", as an aware datetime.

    The number is milliseconds since 1970-01-01 UTC whatever the offset says; the offset only tells in which time
    zone the server meant it, so the result is that instant shown at that offset (UTC when there is none).
    None for anything else, and for .NET's "no date" (DateTime.MinValue).
    """
    if not isinstance(value, str):
        return None
    match = _WCF_DATE.match(value.strip())
    if not match:
        return None
    millis = int(match.group(1))
    if millis <= _DOTNET_MIN_MS:
        return None
    instant = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)  # works before 1970 on Windows too
    if match.group(2):
        minutes = int(match.group(3)) * 60 + int(match.group(4))
        offset = timedelta(minutes=minutes if match.group(2) == "+" else -minutes)
        try:
            return instant.astimezone(timezone(offset))
        except (OverflowError, ValueError):
            return instant
    return instant


# -- the answer envelope -------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One API-BOX answer: a JSON array of one object with `_verify` and an `error` object."""

    verified: bool
    description: str = ""
    location: str = ""
    system_error: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verified and not self.description


def read_answer(response: Response) -> Answer | None:
    """The answer, or None when the body is not the documented envelope (an HTML error page, nothing)."""
    data = response.json_or_none()
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict) or ("_verify" not in data and "error" not in data):
        return None
    error = data.get("error")
    error = error if isinstance(error, dict) else {}
    description = str(error.get("error_description") or "").strip()
    return Answer(
        verified=data.get("_verify") is True,
        description=description,
        location=str(error.get("error_location") or "").strip(),
        system_error=error.get("system_error") is True,
        data=data,
    )


def provider_message(answer: Answer) -> str:
    where = f" (at {answer.location})" if answer.location else ""
    return (answer.description or "_verify: false, no error description") + where


@dataclass
class Login:
    customer_box_id: str
    customer_key: str
    name: str = ""
    # Every "/Date(…)/" field of the answer, read.
    dates: dict[str, datetime] = field(default_factory=dict)


def read_login(data: Mapping[str, Any]) -> Login:
    """The customer-login answer's useful part: the two credentials, the customer's name and its dates."""
    name = " ".join(str(data.get(k) or "").strip() for k in ("customer_first_name", "customer_last_name")).strip()
    dates = {k: d for k, v in data.items() if (d := parse_wcf_date(v)) is not None}
    return Login(as_text(data.get("customer_box_id")), as_text(data.get("customer_key")), name, dates)


def sentence(text: str) -> str:
    text = (text or _("no reason given")).strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def as_text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return str(value).strip()
