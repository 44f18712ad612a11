"""What the clerk is told about DDAPI: one `UploadResult` for each answer to saving a customer's invoicing settings
or to reading them (success, DDAPI's own refusals, a refused sign-in, an answer the app cannot read), and for what
a read-back found when an answer was lost.

Kept apart from `ddapi` (the provider, which decides what to send and when); the leading "_" keeps provider
discovery from importing it as a provider.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..core.http import Response
from ..core.i18n import N_, Msg, _
from ..core.redaction import Redactor
from ..core.results import Outcome, UploadResult, uncertain_answer, unexpected_answer
from ..core.stored_text import Text
from ._ddapi_form import SETTING_FIELDS
from ._ddapi_wire import Verdict, parse_answer, read_server_message, read_verdict


def save_answer(
    response: Response,
    customer: int,
    where_to_check: Text,
    *,
    kept: Mapping[str, Any] | None = None,
    sent: Mapping[str, Any] | None = None,
) -> UploadResult:
    """The answer to saving customer `customer`'s settings (`sent`, of which `kept` were filled in from the current
    ones). `where_to_check`: what to do when it cannot be known whether they were saved."""
    if response.status in (401, 403):
        result = credentials_refused(response)
        result.detail = Msg("{detail} Nothing was saved.", detail=result.detail)
        return result
    parsed = parse_answer(response)
    verdict = read_verdict(parsed)
    if verdict is None:
        return _undocumented_save_answer(response, parsed, customer, where_to_check)
    if verdict.success:
        detail = (
            Msg(
                "The customer's invoices follow these settings from now on. DäckData also reported: {reported}.",
                reported="; ".join(e.line() for e in verdict.errors),
            )
            if verdict.errors
            else Msg("The customer's invoices follow these settings from now on.")
        )
        return UploadResult(
            Outcome.SUCCEEDED,
            Msg("DäckData saved the invoicing settings of customer {customer}.", customer=customer),
            detail,
            provider_code=", ".join(e.code_text for e in verdict.errors) or None,
            provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
            http_status=response.status,
            data={
                "sent": dict(sent or {}),
                "kept": dict(kept or {}),
                "errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors],
            },
        )
    return refused(
        Msg("DäckData did not save the settings of customer {customer}.", customer=customer),
        verdict,
        response,
        N_("Correct what the messages say and send again."),
    )


def _undocumented_save_answer(
    response: Response, parsed: tuple[str, Any] | None, customer: int, where_to_check: Text
) -> UploadResult:
    """An answer to saving that is not DDAPI's {Errors, Success}: ASP.NET's own refusal, or something that cannot
    tell whether the settings were saved."""
    message = read_server_message(parsed)
    if message and 400 <= response.status < 500:
        return UploadResult(
            Outcome.REJECTED,
            Msg(
                "DäckData refused the settings of customer {customer}: {message}",
                customer=customer,
                message=message,
            ),
            Msg("Nothing was saved. Correct the form and send again; the answer is in the log."),
            provider_message=message,
            http_status=response.status,
        )
    if response.ok or response.status >= 500:
        return uncertain_answer(
            response.status,
            Msg("the settings of customer {customer} may or may not be saved", customer=customer),
            where_to_check,
        )
    return unexpected_answer(response.status)


def refused(title: Msg, verdict: Verdict, response: Response, next_step: str) -> UploadResult:
    """DDAPI answered Success false (or with errors): its error lines, and `next_step`, an N_-marked sentence (what
    to do about the refusal)."""
    detail: Msg
    if verdict.errors:
        lines = "\n".join(f"• {e.line()}" for e in verdict.errors)
        # Translators: {errors} are DäckData's own error lines (kept as they came), one per line.
        detail = Msg("{errors}\n{next_step}", errors=lines, next_step=Msg(next_step))
        if any(e.code_name.startswith("InternalServerError") for e in verdict.errors):
            detail = Msg(
                "{detail} InternalServerError means DDAPI itself failed: if its message does not say what to "
                "change, try again later or contact your DäckData supplier.",
                detail=detail,
            )
    else:
        detail = Msg("DäckData gave no reason. {next_step} The answer is in the log.", next_step=Msg(next_step))
    return UploadResult(
        Outcome.REJECTED,
        title,
        detail,
        provider_code=", ".join(e.code_text for e in verdict.errors) or None,
        provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
        http_status=response.status,
        data={"errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors]},
    )


def credentials_refused(response: Response) -> UploadResult:
    """HTTP 401/403: the installation did not take the sign-in."""
    message = read_server_message(parse_answer(response))
    return UploadResult(
        Outcome.REJECTED,
        Msg("The DDAPI installation refused the sign-in (HTTP {status}).", status=response.status),
        Msg(
            "Check the sign-in method and its values for this environment (Credentials…); ask your DäckData "
            "supplier which method your installation uses."
        ),
        provider_message=message,
        http_status=response.status,
    )


def read_refused_by_server(response: Response, message: str) -> UploadResult:
    """ASP.NET's own error for a read it refused before DDAPI's code saw it."""
    return UploadResult(
        Outcome.REJECTED,
        Msg("DäckData refused to read the settings: {message}", message=message),
        Msg("The answer is in the log."),
        provider_message=message,
        http_status=response.status,
    )


def unexpected_read(response: Response, customer_number: int) -> UploadResult:
    """Like `unexpected_answer`, for a read (which cannot have stored anything)."""
    return UploadResult(
        Outcome.FAILED,
        Msg("The server answered something unexpected."),
        Msg(
            "HTTP {status} to the read of customer {customer}'s settings. The full answer is in the log; check the "
            "address (base URL) of your DDAPI installation.",
            status=response.status,
            customer=customer_number,
        ),
        http_status=response.status,
    )


def still_unknown(customer: int, missing: list[str], *, has_settings: bool) -> UploadResult:
    """Fields the form did not load that the current settings do not give either: nothing is sent."""
    fill_in = ", ".join(missing)
    return UploadResult(
        Outcome.FAILED,
        Msg("Nothing was saved: some fields are still unknown."),
        Msg("DäckData's current settings do not say what they are. Fill in: {fields}.", fields=fill_in)
        if has_settings
        else Msg(
            "Customer {customer} has no invoicing settings yet, so every field is needed. Fill in: {fields}.",
            customer=customer,
            fields=fill_in,
        ),
        data={"unknown": missing},
    )


def found_saved(customer: int, values: Mapping[str, Any], *, earlier: bool) -> UploadResult:
    """A read-back shows the settings sent: saved, though the answer was lost. `earlier`: an earlier try's answer
    was lost (else: this try's answer was)."""
    return UploadResult(
        Outcome.SUCCEEDED,
        Msg("DäckData saved the invoicing settings of customer {customer}.", customer=customer),
        Msg(
            "An earlier try's answer was lost, so the app read the settings back: they are the ones sent. The "
            "customer's invoices follow them from now on."
        )
        if earlier
        else Msg(
            "DäckData's answer was lost, so the app read the settings back: they are the ones sent. The "
            "customer's invoices follow them from now on."
        ),
        data={"sent": dict(values), "read_back": True},
    )


def not_saved(customer: int) -> UploadResult:
    """A read-back after a lost answer shows other settings than the ones sent."""
    return UploadResult(
        Outcome.FAILED,
        Msg("DäckData did not save the settings of customer {customer}.", customer=customer),
        Msg(
            "Its answer was lost, and reading the settings back shows they are not the ones sent, so they were "
            "not saved. Send them again (safe: it replaces the settings)."
        ),
        data={"read_back": True},
    )


def tell_changes(
    result: UploadResult, current: Mapping[str, Any], values: Mapping[str, Any], kept: Mapping[str, Any]
) -> None:
    """Add to a successful save's `result` what changed from the `current` settings, and how many fields not
    loaded kept their values."""
    changed = {n: (current[n], values[n]) for n in SETTING_FIELDS if current[n] != values[n]}
    result.data["changed"] = {n: {"from": a, "to": b} for n, (a, b) in changed.items()}
    kept_note = Msg.plural_of(
        "{n} field not loaded kept its current value.",
        "{n} fields not loaded kept their current values.",
        len(kept),
    )
    result.detail = (
        Msg(
            "Changed: {changes}. {kept}",
            changes="; ".join(f"{n} ({_shown(a)} → {_shown(b)})" for n, (a, b) in changed.items()),
            kept=kept_note,
        )
        if changed
        else Msg("Nothing changed: these were already the customer's settings. {kept}", kept=kept_note)
    )


def redacted(result: UploadResult, redactor: Redactor) -> UploadResult:
    """`result` with every secret the server may have echoed hidden (the history keeps its words)."""
    redact = redactor.redact
    result.title, result.detail = redact(result.title), redact(result.detail)
    result.provider_code = redact(result.provider_code) if result.provider_code else result.provider_code
    result.provider_message = redact(result.provider_message) if result.provider_message else result.provider_message
    result.data = json.loads(redact(json.dumps(result.data)))
    return result


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return _("(none)") if value in (None, "") else str(value)
