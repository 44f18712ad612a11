"""SkyPostal API-BOX: attach a commercial invoice to a parcel by its tracking number, in two steps.

Step 1  POST {base}/service-customer.svc/customer/customer-upload-invoice-data
        JSON with the credentials at the top level, `trck_nmr_fol` and `invoice_file_name`; the answer (a JSON array
        of one object) carries `invoice_file_guid` and `invoice_id`.
Step 2  POST {base}/service-customer.svc/customer/customer-upload-invoice-file
        the file's raw bytes as the body (Content-Type text/plain, as documented), headers `invoice_file_guid`,
        `user_code`, `app_key` (and `customer_key`, `customer_box_id`, as SkyPostal's own plugin sends); the answer
        carries `invoice_file_url`.

Step 1 creates an invoice record, so it is never sent twice for one attempt: the GUID is saved in the history
before step 2 leaves, and a retry sends only step 2 with it. Sign-in (`customer-login`) turns a customer's e-mail
and password into `customer_box_id` and `customer_key`; only those two are stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from ..core.attachments import MB, AttachmentRules
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.errors import Cancelled, CredentialsMissing, FormInvalid, InvoiceDesktopError, TransportError
from ..core.http import FileBody, JsonBody, OutgoingRequest, Response
from ..core.i18n import N_, Msg, _
from ..core.provider import (
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    RequestContext,
    UploadContext,
    join_url,
)
from ..core.results import Outcome, UploadResult, unexpected_answer
from ..core.stored_text import Text
from ._skypostal_answers import (
    CREDENTIAL_WORDS,
    Answer,
    as_text,
    parse_wcf_date,
    provider_message,
    read_answer,
    read_login,
    sentence,
)
from ._skypostal_form import SkyPostalForm

# Re-exported: the form and the answer readers were defined here before they moved to their own module.
__all__ = ["PROVIDER", "SkyPostal", "SkyPostalForm", "parse_wcf_date", "read_answer", "read_login"]

log = logging.getLogger(__name__)

SERVICE = ("service-customer.svc", "customer")
STEP1 = "customer-upload-invoice-data"
STEP2 = "customer-upload-invoice-file"
LOGIN = "customer-login"
EXTENSIONS = (".pdf", ".jpeg", ".png", ".txt")
MAX_BYTES = 5 * MB

# Resume keys kept in the history between tries of one attempt.
STEP1_STATE = "step1"  # "sending" (may have reached SkyPostal) | "not sent" | "refused" | "done"

# -- request values --------------------------------------------------------------------------------------------


def _number(value: str) -> int | str:
    """Numbers the docs send as JSON numbers (user_code, customer_box_id, trck_nmr_fol)."""
    value = str(value).strip()
    return int(value) if value.isdigit() else value


def invoice_file_name(upload_name: str) -> str:
    """The name sent in step 1: the dropped file's name, its extension in lower case as the docs list it."""
    path = Path(upload_name)
    return path.stem + path.suffix.lower()


# -- the provider ----------------------------------------------------------------------------------------------


class SkyPostal(Provider):
    id = "skypostal"
    name = "SkyPostal API-BOX"
    summary = N_("Attach a commercial invoice to a SkyPostal parcel by its tracking number.")
    order = 20
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            "https://api-box-test.skypostal.com/wcf-services",
            N_("SkyPostal's TEST system: it needs the user code and app key issued for TEST."),
        ),
        Environment(
            PRODUCTION,
            "https://api-box.skypostal.com/wcf-services",
            N_("PROD address from SkyPostal's WordPress plugin; the API docs do not state it."),
        ),
    )
    credential_fields = (
        CredentialField(
            "user_code",
            N_("User code"),
            secret=False,
            pattern=r"[0-9]+",
            pattern_message=N_("The user code is a number (e.g. 396)."),
            help=N_("The number SkyPostal issued to your company, separately for TEST and PROD."),
        ),
        CredentialField(
            "app_key",
            N_("App key"),
            secret=True,
            pattern=r"\S+",
            pattern_message=N_("The app key has no spaces."),
            help=N_("The app key SkyPostal issued with the user code (TEST and PROD keys differ)."),
        ),
        CredentialField(
            "customer_box_id",
            N_("Customer box ID"),
            secret=False,
            required=False,
            pattern=r"[0-9]+",
            pattern_message=N_("The customer box ID is a number (e.g. 811111)."),
            help=N_("The customer's box number, from registration or from Sign in…"),
        ),
        CredentialField(
            "customer_key",
            N_("Customer key"),
            secret=True,
            required=False,
            pattern=r"\S+",
            pattern_message=N_("The customer key has no spaces."),
            help=N_(
                "The customer's key, from registration or filled in when you sign in as the customer. It changes "
                "when the customer's e-mail changes: sign in again then."
            ),
        ),
    )
    sign_in_fields = (
        CredentialField(
            "customer_email",
            N_("Customer e-mail"),
            secret=False,
            help=N_("The e-mail address of the SkyPostal customer account."),
        ),
        CredentialField(
            "customer_password",
            N_("Customer password"),
            secret=True,
            help=N_("Used once to sign in; it is never stored."),
        ),
    )
    sign_in_label = N_("Sign in as the customer…")
    form_model = SkyPostalForm
    # .jpg files are sent under a .jpeg name: the same JPEG, the extension the API lists.
    attachment = AttachmentRules(EXTENSIONS, MAX_BYTES, aliases={".jpg": ".jpeg"})
    attachment_mode = "required"
    practice_sandbox = "invoice_desktop.practice.skypostal:SkyPostalSandbox"
    # A batch row's parcel is the tracking number the commercial invoice prints.
    document_fields: ClassVar[Mapping[str, str]] = {"trck_nmr_fol": "tracking_number"}
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = N_(
        "Enter the parcel's tracking number, attach the commercial invoice and press Upload. The invoice details go "
        "first, then the file; if only the file step fails, Retry sends just the file."
    )
    notes = N_(
        "Two steps: the invoice data, then the file. If the file step fails, Retry sends only the file again, "
        "with the invoice record the first step created. .jpg files are sent named .jpeg (the same image; the API "
        "lists .jpeg). The file is sent as text/plain, as SkyPostal's documentation shows, whatever its type. "
        "HTTP status codes of errors are not documented: the app reads _verify and the error description."
    )

    # -- checks -----------------------------------------------------------------------------------------------

    def check_upload_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        problems = self.check_credentials(values)
        for name in ("customer_box_id", "customer_key"):
            if not (values.get(name) or "").strip() and name not in problems:
                problems[name] = (
                    _(
                        "Customer box ID is missing: sign in with the customer's e-mail and password "
                        "(Credentials… → Sign in) or enter it."
                    )
                    if name == "customer_box_id"
                    else _(
                        "Customer key is missing: sign in with the customer's e-mail and password "
                        "(Credentials… → Sign in) or enter it."
                    )
                )
        return problems

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        assert isinstance(form, SkyPostalForm)
        earlier = history.succeeded_with(self.id, environment, "trck_nmr_fol", form.trck_nmr_fol)
        if not earlier:
            return []
        return [
            _(
                "An invoice was already attached to parcel {parcel} {who_and_when}. Sending again adds a second "
                "invoice record."
            ).format(parcel=form.trck_nmr_fol, who_and_when=who_and_when(earlier[0]))
        ]

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, SkyPostalForm)
        # Translators: the History's few words about an upload ("parcel 13869085").
        return _("parcel {parcel}").format(parcel=form.trck_nmr_fol)

    def targets_of(self, form: BaseModel) -> tuple[str, ...]:
        assert isinstance(form, SkyPostalForm)
        return (form.trck_nmr_fol,)

    # -- requests ------------------------------------------------------------------------------------------------

    def step1_request(self, ctx: UploadContext) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, SkyPostalForm) and ctx.attachment is not None
        creds = ctx.credentials
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, *SERVICE, STEP1),
            headers={"Accept": "application/json"},
            body=JsonBody(
                {
                    "user_code": _number(creds["user_code"]),
                    "app_key": creds["app_key"],
                    "customer_box_id": _number(creds["customer_box_id"]),
                    "customer_key": creds["customer_key"],
                    "trck_nmr_fol": _number(form.trck_nmr_fol),
                    "invoice_file_name": invoice_file_name(ctx.attachment.upload_name),
                }
            ),
            label=N_("Step 1: invoice data"),
            idempotent=False,  # each call creates another invoice record
        )

    def step2_request(self, ctx: UploadContext, guid: str) -> OutgoingRequest:
        assert ctx.attachment is not None
        creds = ctx.credentials
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, *SERVICE, STEP2),
            headers={
                "Accept": "application/json",
                "invoice_file_guid": guid,
                "user_code": str(creds["user_code"]).strip(),
                "app_key": creds["app_key"],
                "customer_key": creds["customer_key"],
                "customer_box_id": str(creds["customer_box_id"]).strip(),
            },
            body=FileBody(ctx.attachment.path, content_type="text/plain"),
            label=N_("Step 2: invoice file"),
            idempotent=True,  # the same GUID again only replaces the file of the same invoice record
        )

    # -- the two steps -------------------------------------------------------------------------------------------

    def perform(self, ctx: UploadContext) -> UploadResult:
        form = ctx.form
        assert isinstance(form, SkyPostalForm)
        guid = ctx.resume.get("invoice_file_guid")
        if not guid:
            if ctx.resume.get(STEP1_STATE) == "sending" and not ctx.resend_confirmed:
                return UploadResult(
                    Outcome.UNCERTAIN,
                    Msg("This upload cannot be continued: it is unknown whether SkyPostal stored its invoice data."),
                    Msg(
                        "An earlier try sent the invoice data for parcel {parcel} but got no usable answer. The app "
                        "does not send it twice unasked. Check in SkyPostal whether the parcel has an invoice; if "
                        "not, press Retry and confirm that it did not arrive.",
                        parcel=form.trck_nmr_fol,
                    ),
                )
            outcome = self._step1(ctx, form)
            if isinstance(outcome, UploadResult):
                return outcome
            guid = outcome
        return self._step2(ctx, form, guid)

    def _step1(self, ctx: UploadContext, form: SkyPostalForm) -> str | UploadResult:
        """Send the invoice data; the GUID on success (already saved in the history), else the result to show."""
        request = self.step1_request(ctx)
        ctx.save_resume({STEP1_STATE: "sending"})  # before it leaves: an app closed mid-request must not resend
        try:
            response = ctx.send(request)
        except (TransportError, Cancelled) as exc:
            if not exc.maybe_sent:
                ctx.save_resume({STEP1_STATE: "not sent"})
            raise
        answer = read_answer(response)
        if answer is None and 400 <= response.status < 500:
            # A client error (WCF's "Request Error" page): the service did not take the request, nothing was stored.
            ctx.save_resume({STEP1_STATE: "refused"})
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
        if answer is None:
            return unexpected_answer(
                response.status,
                Msg(
                    "Step 1 (invoice data) got HTTP {status} and an answer the app cannot read; it is in the log. "
                    "{where_to_check}",
                    status=response.status,
                    where_to_check=self.where_to_check(form, ctx.resume),
                ),
            )
        if not answer.ok:
            ctx.save_resume({STEP1_STATE: "refused"})
            return self._refusal(answer, response, form, step=1)
        guid = str(answer.data.get("invoice_file_guid") or "").strip()
        if not guid:
            return unexpected_answer(
                response.status,
                Msg(
                    "SkyPostal accepted the invoice data but sent no invoice_file_guid, so the file cannot follow. "
                    "The answer is in the log."
                ),
            )
        ctx.save_resume(
            {
                STEP1_STATE: "done",
                "invoice_file_guid": guid,
                "invoice_id": as_text(answer.data.get("invoice_id")),
                "invoice_file_name": as_text(answer.data.get("invoice_file_name")),
                "trck_nmr_fol": form.trck_nmr_fol,
            }
        )
        return guid

    def _step2(self, ctx: UploadContext, form: SkyPostalForm, guid: str) -> UploadResult:
        invoice_id = ctx.resume.get("invoice_id") or ""
        resume_hint = (
            Msg(
                "The invoice data is stored at SkyPostal (invoice {invoice}); Retry sends only the file, without "
                "creating a second invoice.",
                invoice=invoice_id,
            )
            if invoice_id
            else Msg(
                "The invoice data is stored at SkyPostal (the invoice record); Retry sends only the file, without "
                "creating a second invoice."
            )
        )
        try:
            response = ctx.send(self.step2_request(ctx, guid))
        except TransportError as exc:
            title = (
                Msg("SkyPostal did not confirm the invoice file: {reason}", reason=exc.message)
                if exc.maybe_sent
                else Msg("The invoice file did not reach SkyPostal: {reason}", reason=exc.message)
            )
            outcome = Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED
            return UploadResult(outcome, title, resume_hint, data=self._data(ctx, {}))
        except Cancelled:
            return UploadResult(
                Outcome.CANCELLED,
                Msg("Upload cancelled while sending the invoice file."),
                resume_hint,
                data=self._data(ctx, {}),
            )
        answer = read_answer(response)
        if answer is None:
            result = unexpected_answer(response.status)
            result.detail = Msg(
                "Step 2 (invoice file) got HTTP {status} and an answer the app cannot read; it is in the log. "
                "{resume_hint}",
                status=response.status,
                resume_hint=resume_hint,
            )
            result.data = self._data(ctx, {})
            return result
        if not answer.ok:
            result = self._refusal(answer, response, form, step=2)
            # Translators: what the refusal means, then that a Retry sends only the file.
            result.detail = Msg("{detail} {resume_hint}", detail=result.detail, resume_hint=resume_hint)
            result.data = self._data(ctx, answer.data)
            return result
        url = as_text(answer.data.get("invoice_file_url"))
        ctx.save_resume({"invoice_file_url": url})
        data = self._data(ctx, answer.data)
        name = data.get("invoice_file_name") or invoice_file_name(ctx.attachment.upload_name if ctx.attachment else "")
        return UploadResult(
            Outcome.SUCCEEDED,
            Msg("SkyPostal attached the invoice to parcel {parcel}.", parcel=form.trck_nmr_fol),
            detail=_stored_as(data.get("invoice_id"), name, bool(url)),
            http_status=response.status,
            data=data,
            links=[(Msg("Invoice file at SkyPostal"), url)] if url else [],
        )

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        assert isinstance(form, SkyPostalForm)
        if resume.get("invoice_file_guid"):
            return Msg(
                "The invoice data is stored at SkyPostal; Retry sends only the file again, for the same invoice "
                "record (safe)."
            )
        return Msg(
            "Check in SkyPostal whether parcel {parcel} has an invoice: if not, press Retry (it asks first: a second "
            "send of the invoice data would create a second invoice record).",
            parcel=form.trck_nmr_fol,
        )

    def resend_is_safe(self, resume: Mapping[str, Any]) -> bool:
        # Once step 1 is done, a retry sends only step 2 with the same GUID, which replaces that record's file.
        return bool(resume.get("invoice_file_guid"))

    def _data(self, ctx: UploadContext, answer: Mapping[str, Any]) -> dict[str, Any]:
        resume = ctx.resume
        return {
            "trck_nmr_fol": resume.get("trck_nmr_fol") or as_text(answer.get("trck_nmr_fol")),
            "invoice_id": resume.get("invoice_id") or as_text(answer.get("invoice_id")),
            "invoice_file_guid": resume.get("invoice_file_guid") or as_text(answer.get("invoice_file_guid")),
            "invoice_file_name": as_text(answer.get("invoice_file_name")) or resume.get("invoice_file_name") or "",
            "invoice_file_url": as_text(answer.get("invoice_file_url")),
        }

    def _refusal(self, answer: Answer, response: Response, form: SkyPostalForm, *, step: int) -> UploadResult:
        description = answer.description or ""
        said = sentence(description) if description else _("no reason given.")
        if answer.system_error:
            return UploadResult(
                Outcome.FAILED,
                Msg("SkyPostal had a problem of its own and did not take the invoice data: {reason}", reason=said)
                if step == 1
                else Msg("SkyPostal had a problem of its own and did not take the invoice file: {reason}", reason=said),
                Msg("Try again in a few minutes.")
                if step == 2
                else Msg("Nothing was stored; try again in a few minutes."),
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
            detail = Msg(
                "Check the tracking number {parcel}: it must be a parcel of this customer.", parcel=form.trck_nmr_fol
            )
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

    # -- sign-in -------------------------------------------------------------------------------------------------

    def sign_in(self, ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
        creds = ctx.credentials
        missing = [name for name in ("user_code", "app_key") if not (creds.get(name) or "").strip()]
        if missing:
            if len(missing) == 2:
                needed = Msg(
                    "Signing in needs the user code and app key SkyPostal issued to your company for {environment}: "
                    "enter them first (Credentials…).",
                    environment=ctx.environment,
                )
            elif missing == ["user_code"]:
                needed = Msg(
                    "Signing in needs the user code SkyPostal issued to your company for {environment}: enter it "
                    "first (Credentials…).",
                    environment=ctx.environment,
                )
            else:
                needed = Msg(
                    "Signing in needs the app key SkyPostal issued to your company for {environment}: enter it "
                    "first (Credentials…).",
                    environment=ctx.environment,
                )
            raise CredentialsMissing(needed)
        email = (values.get("customer_email") or "").strip()
        password = values.get("customer_password") or ""
        empty = {n: _("Required.") for n, v in (("customer_email", email), ("customer_password", password)) if not v}
        if empty:
            raise FormInvalid(Msg("Enter the customer's e-mail and password to sign in."), empty)
        response = ctx.send(
            OutgoingRequest(
                "POST",
                join_url(ctx.base_url, *SERVICE, LOGIN),
                headers={"Accept": "application/json"},
                body=JsonBody(
                    {
                        "user_code": _number(creds["user_code"]),
                        "app_key": creds["app_key"],
                        "customer_email": email,
                        "customer_password": password,
                    }
                ),
                label=N_("Sign in (customer login)"),
                idempotent=True,  # a read: it changes nothing at SkyPostal
                secret_answer_fields=("customer_key",),
            )
        )
        answer = read_answer(response)
        if answer is None:
            raise InvoiceDesktopError(
                Msg(
                    "SkyPostal answered the sign-in with something unexpected (HTTP {status}); it is in the log.",
                    status=response.status,
                )
            )
        if not answer.ok:
            if answer.system_error:
                raise InvoiceDesktopError(
                    Msg(
                        "SkyPostal had a problem of its own during sign-in: {reason} Try again later.",
                        reason=sentence(answer.description),
                    )
                )
            refused = (
                Msg(
                    "SkyPostal refused the sign-in: {reason} Check the user code and app key for this environment.",
                    reason=sentence(answer.description),
                )
                if CREDENTIAL_WORDS.search(answer.description)
                else Msg(
                    "SkyPostal refused the sign-in: {reason} Check the customer's e-mail and password.",
                    reason=sentence(answer.description),
                )
            )
            raise InvoiceDesktopError(refused)
        login = read_login(answer.data)
        if not login.customer_box_id or not login.customer_key:
            raise InvoiceDesktopError(
                Msg(
                    "SkyPostal accepted the sign-in but sent no customer box ID or customer key; the answer is in the "
                    "log."
                )
            )
        since = login.dates.get("customer_registration_date") or login.dates.get("customer_created_date")
        if since:
            log.info(
                N_("Signed in to SkyPostal as customer box %(box)s (customer since %(since)s)"),
                {"box": login.customer_box_id, "since": f"{since:%Y-%m-%d}"},
            )
        else:
            log.info(N_("Signed in to SkyPostal as customer box %(box)s"), {"box": login.customer_box_id})
        return {"customer_box_id": login.customer_box_id, "customer_key": login.customer_key}


PROVIDER = SkyPostal()


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
