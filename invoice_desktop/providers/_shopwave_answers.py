"""Reading Shopwave's answers: the `api.message` envelope, its error ids, and plain sentences for each.

Envelope (seed and Shopwave's error page): `{"invoices": {...}, "api": {"message": {"success": {"206": {...}},
"errors": {...}}}}`; some answers say `"error"`. How per-object errors are keyed is not documented: an error may
sit under an error id (`{"908": {"id": 908, ...}}`), under the key of the object it concerns, or in a list; this
reader takes any of these, and the caller decides, by key, which object an error belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.http import Response
from ..core.i18n import N_, Msg

# The documented error ids: id → (HTTP status, the vendor's title).
VENDOR_ERRORS: dict[int, tuple[int, str]] = {
    899: (500, "Unknown Error"),
    900: (503, "Service Unavailable"),
    904: (401, "Access Denied"),
    907: (401, "Invalid Token"),
    908: (401, "Expired Token"),
    911: (401, "Authorization Header Invalid"),
    912: (403, "Resource Not Allowed For Specified User"),
    913: (400, "Required parameter or object missing in request"),
    916: (415, "Unsupported Media Type"),
    919: (429, "Cannot handle too many request"),
}
SUCCESS_RESOURCE_CREATED = 206

# What each id means for the clerk (about one invoice, or the request), and what to do next.
PLAIN: dict[int, tuple[str, str]] = {
    899: (
        N_("Shopwave ran into an unknown error and did not save it."),
        N_("Try again later; if it keeps happening, contact Shopwave support (the log shows the exchange)."),
    ),
    900: (N_("Shopwave's service is unavailable at the moment."), N_("Try again in a few minutes.")),
    904: (
        N_("Shopwave denied access for this sign-in."),
        N_("Sign in with Shopwave again (Credentials…) as a user who may manage this merchant's invoices."),
    ),
    907: (
        N_("Shopwave did not accept the access token."),
        N_("Sign in with Shopwave again (Credentials…) or paste a new access token."),
    ),
    908: (
        N_("The Shopwave access token has expired."),
        N_("Sign in with Shopwave again (Credentials…) or paste a new access token."),
    ),
    911: (
        N_("Shopwave could not read the sign-in (the Authorization header)."),
        N_("Paste the access token again without extra words, or sign in with Shopwave again (Credentials…)."),
    ),
    912: (
        N_("A store, supplier, invoice or product given does not belong to the signed-in Shopwave account."),
        N_("Check the IDs against Shopwave, or sign in as a user of the right merchant."),
    ),
    913: (
        N_("Shopwave found a required field missing or malformed."),
        N_("Check the invoice and its lines; Shopwave's own words are shown with it."),
    ),
    916: (
        N_("Shopwave did not accept the format of the request."),
        N_(
            "Check Credentials… → Advanced → Request body: Shopwave's own SDKs send the form field postBody; choose "
            "raw JSON only if Shopwave told you your account reads it. The log shows what was sent."
        ),
    ),
    919: (
        N_("This invoice has more lines than Shopwave takes in one request."),
        N_("Split it into two invoices with fewer lines and send them again."),
    ),
}
TOKEN_ERRORS = frozenset({907, 908})
# After these, further requests of the same run would fail the same way: the run stops.
STOPPING_ERRORS = frozenset({899, 900, 904, 907, 908, 911, 916})


@dataclass(frozen=True)
class ApiError:
    code: int | None
    title: str = ""
    details: str = ""
    # The key the error was found under (an object's key, an error id) or the object it names.
    key: str | None = None

    @property
    def text(self) -> str:
        parts = [p for p in (self.title, self.details) if p]
        if len(parts) == 2 and parts[1].lower().startswith(parts[0].lower()):
            parts = parts[1:]
        return ": ".join(parts)

    def sentence(self) -> tuple[Msg, Msg]:
        """(what happened, what to do next) for the clerk."""
        if self.code in PLAIN:
            happened, next_step = PLAIN[self.code]
            return Msg(happened), Msg(next_step)
        return (
            Msg("Shopwave refused it: {reason}.", reason=self.text)
            if self.text
            else Msg("Shopwave refused it: no reason given."),
            Msg("Check the invoice; the whole answer is in the log."),
        )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _error_id_key(key: str | None) -> int | None:
    number = _as_int(key)
    return number if number is not None and 800 <= number <= 999 else None


def _collect(value: Any, key: str | None, out: list[ApiError]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, key, out)
    elif isinstance(value, dict):
        fields = {k.lower(): v for k, v in value.items() if isinstance(k, str)}
        if any(k in fields for k in ("id", "code", "errorid", "title", "details", "message")):
            code = _as_int(fields.get("id", fields.get("code", fields.get("errorid"))))
            if code is None:
                code = _error_id_key(key)
            named = next(
                (fields[k] for k in ("key", "object", "invoiceid") if isinstance(fields.get(k), str | int)), None
            )
            title = fields.get("title")
            details = fields.get("details", fields.get("message"))
            out.append(
                ApiError(
                    code,
                    str(title) if title is not None else "",
                    str(details) if details is not None else "",
                    str(named) if named is not None else key,
                )
            )
        else:
            for sub_key, sub_value in value.items():
                _collect(sub_value, str(sub_key), out)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        code = _error_id_key(key)
        out.append(ApiError(code, "", str(value), None if code is not None else key))


def read_api_errors(data: Any) -> list[ApiError]:
    """Every error an answer carries: in `api.message.errors`/`error`, or at the top level."""
    out: list[ApiError] = []
    if not isinstance(data, dict):
        return out
    api = data.get("api")
    message = api.get("message") if isinstance(api, dict) else None
    if isinstance(message, dict):
        for name in ("errors", "error"):
            if message.get(name):
                _collect(message[name], None, out)
    for name in ("errors", "error"):
        if isinstance(data.get(name), dict | list):
            _collect(data[name], None, out)
    return out


def read_success_ids(data: Any) -> set[int]:
    api = data.get("api") if isinstance(data, dict) else None
    message = api.get("message") if isinstance(api, dict) else None
    success = message.get("success") if isinstance(message, dict) else None
    ids: set[int] = set()
    if isinstance(success, dict):
        for key, value in success.items():
            number = _as_int(value.get("id")) if isinstance(value, dict) else None
            ids.add(number if number is not None else (_as_int(key) or 0))
    return ids - {0}


@dataclass
class Answer:
    """One POST's answer, read defensively."""

    status: int
    data: dict[str, Any] | None
    errors: list[ApiError] = field(default_factory=list)
    success: set[int] = field(default_factory=set)

    @property
    def readable(self) -> bool:
        return self.data is not None

    def stored_objects(self) -> dict[str, Any]:
        """The answer's invoices as {key: object}; a list becomes {position: object}."""
        invoices = self.data.get("invoices") if self.data else None
        if isinstance(invoices, dict):
            return {str(k): v for k, v in invoices.items() if isinstance(v, dict)}
        if isinstance(invoices, list):
            return {f"#{n}": v for n, v in enumerate(invoices) if isinstance(v, dict)}
        return {}

    def errors_for(self, key: str) -> list[ApiError]:
        found = [e for e in self.errors if e.key == key]
        stored = self.stored_objects().get(key)
        if isinstance(stored, dict):
            found += read_api_errors(stored)
        return found

    def request_errors(self, keys: set[str]) -> list[ApiError]:
        return [e for e in self.errors if e.key not in keys]

    def request_code(self, keys: set[str]) -> int | None:
        """The error id that concerns the whole request, if any."""
        for error in self.request_errors(keys):
            if error.code is not None:
                return error.code
        return None

    def provider_message(self, keys: set[str]) -> str | None:
        errors = self.request_errors(keys) or self.errors
        return "; ".join(e.text for e in errors if e.text) or None


def read_answer(response: Response) -> Answer:
    data = response.json_or_none()
    if not isinstance(data, dict):
        return Answer(response.status, None)
    return Answer(response.status, data, read_api_errors(data), read_success_ids(data))
