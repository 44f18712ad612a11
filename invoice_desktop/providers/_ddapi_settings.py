"""Reading a DDAPI customer's current invoicing settings (GET {base}/api/customers/invoice?customerNumber=N) as form
values: for Load, for the fields a form has not loaded (saving replaces them all), and to read back a save whose
answer was lost.

Kept apart from `ddapi` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.http import OutgoingRequest
from ..core.i18n import N_, Msg
from ..core.provider import RequestContext, join_url
from ..core.results import UploadResult
from ._ddapi_form import SETTING_FIELDS
from ._ddapi_outcomes import credentials_refused, read_refused_by_server, refused, unexpected_read
from ._ddapi_signin import auth_headers
from ._ddapi_wire import (
    ACCEPT,
    NO_SETTINGS,
    Unreadable,
    chosen_format,
    parse_answer,
    read_server_message,
    read_verdict,
    settings_source,
    settings_to_form,
)


class ReadRefused(Exception):
    """The settings could not be read; `result` says why, for the clerk."""

    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


def read_request(ctx: RequestContext, customer_number: int, label: str | Msg) -> OutgoingRequest:
    return OutgoingRequest(
        "GET",
        join_url(ctx.base_url, "api", "customers", "invoice"),
        headers={"Accept": ACCEPT[chosen_format(ctx.options)], **auth_headers(ctx)},
        params={"customerNumber": str(customer_number)},
        label=label,
        idempotent=True,
    )


def read_settings(ctx: RequestContext, customer_number: int, label: str | Msg) -> dict[str, Any] | None:
    """The customer's current settings as form values, None when there are none yet; raises `ReadRefused` with
    the result to show otherwise."""
    response = ctx.send(read_request(ctx, customer_number, label))
    if response.status in (401, 403):
        raise ReadRefused(credentials_refused(response))
    if response.status == 204:
        return None
    parsed = parse_answer(response)
    verdict = read_verdict(parsed)
    if verdict is not None and (not verdict.success or verdict.errors):
        raise ReadRefused(
            refused(
                Msg("DäckData could not read the settings of customer {customer}.", customer=customer_number),
                verdict,
                response,
                N_("Check the customer number; the answer is in the log."),
            )
        )
    source = settings_source(parsed) if parsed is not None and response.ok else None
    if source is NO_SETTINGS:
        return None
    if source is None:
        message = read_server_message(parsed)
        if message and 400 <= response.status < 500:
            raise ReadRefused(read_refused_by_server(response, message))
        raise ReadRefused(unexpected_read(response, customer_number))
    assert isinstance(source, dict)
    try:
        return settings_to_form(source, customer_number)
    except Unreadable:
        raise ReadRefused(unexpected_read(response, customer_number)) from None


def same_settings(saved: Mapping[str, Any] | None, sent: Mapping[str, Any]) -> bool:
    """True when the settings read back are the ones sent (an empty address and none are the same)."""
    if saved is None:
        return False

    def plain(value: Any) -> Any:
        return None if value == "" else value

    return all(plain(saved.get(n)) == plain(sent.get(n)) for n in SETTING_FIELDS)
