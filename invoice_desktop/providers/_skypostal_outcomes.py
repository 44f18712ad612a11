"""What the clerk is told about a SkyPostal upload: one `UploadResult` for each way either step can end (attached,
refused by SkyPostal, an answer the app cannot read, lost on the way, cancelled), each saying what was stored and
what a Retry will send.

Kept apart from `skypostal` (the provider, which sends the steps); the leading "_" keeps provider discovery from
importing it as a provider.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import TransportError
from ..core.http import Response
from ..core.i18n import Msg, _
from ..core.results import Outcome, UploadResult, unexpected_answer
from ..core.stored_text import Text
from ._skypostal_answers import CREDENTIAL_WORDS, Answer, provider_message, sentence

# -- step 1: the invoice data ----------------------------------------------------------------------------------


def unconfirmed_step1(parcel: str) -> UploadResult:
    """An earlier try's step 1 got no usable answer, and the clerk has not confirmed that it did not arrive."""
    return UploadResult(
        Outcome.UNCERTAIN,
        Msg("This upload cannot be continued: it is unknown whether SkyPostal stored its invoice data."),
        Msg(
            "An earlier try sent the invoice data for parcel {parcel} but got no usable answer. The app "
            "does not send it twice unasked. Check in SkyPostal whether the parcel has an invoice; if "
            "not, press Retry and confirm that it did not arrive.",
            parcel=parcel,
        ),
    )


def step1_refused_unsaid(response: Response) -> UploadResult:
    """A client error without the documented envelope (WCF's "Request Error" page): nothing was stored."""
    credentials = response.status in (401, 403)
    return UploadResult(
        Outcome.REJECTED,
        Msg("SkyPostal refused the invoice data (HTTP {status}) without saying why.", status=response.status),
        Msg(
            "Check the credentials for this environment (Credentials…). Its answer is in the log. Nothing "
            "was stored at SkyPostal."
        )
        if credentials
        else Msg("Its answer is in the log. Nothing was stored at SkyPostal."),
        http_status=response.status,
    )


def step1_unreadable(response: Response, where_to_check: Text) -> UploadResult:
    return unexpected_answer(
        response.status,
        Msg(
            "Step 1 (invoice data) got HTTP {status} and an answer the app cannot read; it is in the log. "
            "{where_to_check}",
            status=response.status,
            where_to_check=where_to_check,
        ),
    )


def step1_without_guid(response: Response) -> UploadResult:
    return unexpected_answer(
        response.status,
        Msg(
            "SkyPostal accepted the invoice data but sent no invoice_file_guid, so the file cannot follow. "
            "The answer is in the log."
        ),
    )


# -- step 2: the file ------------------------------------------------------------------------------------------


def file_only_retry(invoice_id: str) -> Msg:
    """Said with every step-2 failure: the invoice record exists, and Retry sends only the file."""
    if invoice_id:
        return Msg(
            "The invoice data is stored at SkyPostal (invoice {invoice}); Retry sends only the file, without "
            "creating a second invoice.",
            invoice=invoice_id,
        )
    return Msg(
        "The invoice data is stored at SkyPostal (the invoice record); Retry sends only the file, without "
        "creating a second invoice."
    )


def step2_lost(exc: TransportError, retry_hint: Msg, data: dict[str, Any]) -> UploadResult:
    title = (
        Msg("SkyPostal did not confirm the invoice file: {reason}", reason=exc.message)
        if exc.maybe_sent
        else Msg("The invoice file did not reach SkyPostal: {reason}", reason=exc.message)
    )
    outcome = Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED
    return UploadResult(outcome, title, retry_hint, data=data)


def step2_cancelled(retry_hint: Msg, data: dict[str, Any]) -> UploadResult:
    return UploadResult(
        Outcome.CANCELLED, Msg("Upload cancelled while sending the invoice file."), retry_hint, data=data
    )


def step2_unreadable(response: Response, retry_hint: Msg, data: dict[str, Any]) -> UploadResult:
    result = unexpected_answer(response.status)
    result.detail = Msg(
        "Step 2 (invoice file) got HTTP {status} and an answer the app cannot read; it is in the log. {resume_hint}",
        status=response.status,
        resume_hint=retry_hint,
    )
    result.data = data
    return result


def attached(parcel: str, response: Response, data: dict[str, Any], name: str, url: str) -> UploadResult:
    """Both steps done: the file is attached to the parcel's invoice record."""
    return UploadResult(
        Outcome.SUCCEEDED,
        Msg("SkyPostal attached the invoice to parcel {parcel}.", parcel=parcel),
        detail=_stored_as(data.get("invoice_id"), name, bool(url)),
        http_status=response.status,
        data=data,
        links=[(Msg("Invoice file at SkyPostal"), url)] if url else [],
    )


def _stored_as(invoice_id: Any, name: str, linked: bool) -> Msg:
    """What SkyPostal kept: its invoice id (if it gave one) and the file name, and whether it gave a link."""
    if invoice_id and linked:
        return Msg("Invoice {invoice}, stored as “{name}”.", invoice=invoice_id, name=name)
    if invoice_id:
        return Msg(
            "Invoice {invoice}, stored as “{name}”. SkyPostal gave no link to the file.", invoice=invoice_id, name=name
        )
    if linked:
        return Msg("Invoice (no id given), stored as “{name}”.", name=name)
    return Msg("Invoice (no id given), stored as “{name}”. SkyPostal gave no link to the file.", name=name)


# -- either step -----------------------------------------------------------------------------------------------


def refusal(answer: Answer, response: Response, parcel: str, *, step: int) -> UploadResult:
    """SkyPostal's own refusal (`_verify` false or an error description) of step 1 or 2, and what to check."""
    description = answer.description or ""
    said = sentence(description) if description else _("no reason given.")
    if answer.system_error:
        return UploadResult(
            Outcome.FAILED,
            Msg("SkyPostal had a problem of its own and did not take the invoice data: {reason}", reason=said)
            if step == 1
            else Msg("SkyPostal had a problem of its own and did not take the invoice file: {reason}", reason=said),
            Msg("Try again in a few minutes.") if step == 2 else Msg("Nothing was stored; try again in a few minutes."),
            provider_message=provider_message(answer),
            http_status=response.status,
        )
    detail: Msg
    if CREDENTIAL_WORDS.search(description) or response.status in (401, 403):
        detail = Msg(
            "Check the credentials for this environment (Credentials…): TEST and PROD user codes and app "
            "keys differ, and the customer key changes when the customer's e-mail changes: sign in "
            "again to get the current one."
        )
    elif step == 1 and re.search(r"track|trck|parcel|package|shipment", description, re.IGNORECASE):
        detail = Msg("Check the tracking number {parcel}: it must be a parcel of this customer.", parcel=parcel)
    elif step == 1 and re.search(r"extension|file.?name|format", description, re.IGNORECASE):
        detail = Msg("SkyPostal takes .pdf, .jpeg, .png and .txt files.")
    else:
        detail = Msg("SkyPostal's answer is in the log.")
    if step == 1:
        detail = Msg("{detail} Nothing was stored at SkyPostal.", detail=detail)
    return UploadResult(
        Outcome.REJECTED,
        Msg("SkyPostal refused the invoice data: {reason}", reason=said)
        if step == 1
        else Msg("SkyPostal refused the invoice file: {reason}", reason=said),
        detail,
        provider_message=provider_message(answer),
        http_status=response.status,
    )
