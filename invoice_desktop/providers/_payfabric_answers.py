"""Reading PayFabric's answers: the error body in whatever shape it comes, and each answer to an invoice upload as
the clerk's `UploadResult`. Errors are carried by the HTTP status (400/401/404/412/500); the body format is not
documented, so the message and an ASP.NET-style `ModelState` are read when present.

Kept apart from `payfabric` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.http import Response
from ..core.i18n import N_, Msg
from ..core.results import Outcome, UploadResult, uncertain_answer, unexpected_answer
from ..core.stored_text import Text
from .payfabric_form import InvoicePost

REQUIRED = ("Amount", "BalanceDue", "CustomerId", "InvoiceId")
CREDENTIALS_HINT = N_(
    "Check the Portal Name, Integration Key and Integration Key Password (Credentials…); PayFabric "
    "shows them under Settings > General Settings in the Receivables Management Portal."
)


def read_error(response: Response) -> tuple[str | None, dict[str, list[str]]]:
    """(message, {field: [problems]}) from an error body in whatever shape it comes: ASP.NET Web API's
    {"Message", "ModelState"}, OAuth's {"error", "error_description"}, or plain text."""
    body = response.content.strip()
    if not body:
        return None, {}
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except ValueError:
        if body.startswith(b"<"):
            return None, {}  # an HTML error page: the log has it
        return body.decode("utf-8", errors="replace")[:500], {}
    if isinstance(data, str):
        return data, {}
    if not isinstance(data, dict):
        return None, {}
    lowered = {k.lower(): v for k, v in data.items()}
    message = next(
        (
            lowered[k]
            for k in ("error_description", "message", "exceptionmessage", "error")
            if isinstance(lowered.get(k), str) and lowered[k]
        ),
        None,
    )
    fields: dict[str, list[str]] = {}
    state = lowered.get("modelstate")
    if isinstance(state, dict):
        for key, problems in state.items():
            name = key.split(".", 1)[1] if "." in key and key.split(".", 1)[0][:1].islower() else key
            fields[name] = [str(p) for p in problems] if isinstance(problems, list) else [str(problems)]
    return message, fields


def invoice_answer(
    response: Response, form: InvoicePost, file_name: str | None, portal: str, where_to_check: Text
) -> UploadResult:
    """The answer to uploading `form` (with the file `file_name`, if any) to `portal`. `where_to_check`: what to
    do when it cannot be known whether PayFabric stored it."""
    if response.ok:
        return _answered_ok(response, form, file_name, where_to_check)
    return _error_status(response, form.InvoiceId, portal, where_to_check)


def _answered_ok(response: Response, form: InvoicePost, file_name: str | None, where_to_check: Text) -> UploadResult:
    """A 2xx answer: only the body `true` says the invoice was taken."""
    status = response.status
    invoice = form.InvoiceId
    if response.text.strip().strip('"').lower() == "true":
        accepted = (
            Msg(
                "PayFabric accepted invoice “{invoice}” with {file} for customer “{customer}”.",
                invoice=invoice,
                file=file_name,
                customer=form.CustomerId,
            )
            if file_name is not None
            else Msg(
                "PayFabric accepted invoice “{invoice}” for customer “{customer}”.",
                invoice=invoice,
                customer=form.CustomerId,
            )
        )
        return UploadResult(
            Outcome.SUCCEEDED,
            accepted,
            Msg("It is now in the customer portal (created, or replaced if it existed)."),
            http_status=status,
        )
    if response.text.strip().lower() == "false":
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric answered “false”: it did not take invoice “{invoice}”.", invoice=invoice),
            Msg("The answer is in the log; check the invoice in the portal and contact PayFabric if it persists."),
            provider_message="false",
            http_status=status,
        )
    return uncertain_answer(
        status,
        Msg("invoice “{invoice}” may or may not be in PayFabric", invoice=invoice),
        where_to_check,
    )


def _error_status(response: Response, invoice: str, portal: str, where_to_check: Text) -> UploadResult:
    """An error status: what PayFabric objected to, by status, with its message and field problems."""
    message, fields = read_error(response)
    status = response.status
    problems = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
    common: dict[str, Any] = {
        "provider_code": str(status),
        "provider_message": problems or message,
        "http_status": status,
    }
    if status in (412, 400):
        return _data_refused(status, invoice, message, fields, problems, common)
    if status == 401:
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric did not accept the access token, even a new one."),
            Msg(CREDENTIALS_HINT),
            **common,
        )
    if status == 404:
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric has no such address: the portal name or the address may be wrong."),
            Msg("Check the portal name “{portal}” (Credentials…) and the environment or base URL.", portal=portal),
            **common,
        )
    if status >= 500:
        return UploadResult(
            Outcome.UNCERTAIN,
            Msg(
                "PayFabric had a problem of its own with invoice “{invoice}”: it may or may not have stored it.",
                invoice=invoice,
            ),
            Msg("{where_to_check} The answer is in the log.", where_to_check=where_to_check),
            **common,
        )
    if message:
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric refused invoice “{invoice}”: {message}", invoice=invoice, message=message),
            Msg("The answer is in the log."),
            **common,
        )
    return unexpected_answer(status)


def _data_refused(
    status: int,
    invoice: str,
    message: str | None,
    fields: dict[str, list[str]],
    problems: str,
    common: dict[str, Any],
) -> UploadResult:
    """412 (mandatory fields missing) or 400 (the data refused): the clerk corrects the form and uploads again."""
    if status == 412:
        missing = list(fields) or [f for f in REQUIRED if message and f in message]
        listed = ", ".join(missing)
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric says mandatory fields are missing: {fields}.", fields=listed)
            if missing
            else Msg("PayFabric says mandatory fields are missing."),
            Msg("Fill in {fields} and upload again.", fields=listed)
            if missing
            else Msg("Fill in the required fields and upload again."),
            **common,
        )
    objection = problems or message
    return UploadResult(
        Outcome.REJECTED,
        Msg("PayFabric refused the data of invoice “{invoice}”.", invoice=invoice),
        Msg(
            "PayFabric's objection: {objection}. Correct it and upload again (the answer is in the log).",
            objection=objection,
        )
        if objection
        else Msg("Correct it and upload again (the answer is in the log)."),
        **common,
    )
