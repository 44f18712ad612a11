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
from ..core.errors import Cancelled, CredentialsMissing, FormInvalid, InvoiceDesktopError, TransportError
from ..core.history import History
from ..core.http import FileBody, JsonBody, OutgoingRequest, Response
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
    summary = "Attach a commercial invoice to a SkyPostal parcel by its tracking number."
    order = 20
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            "https://api-box-test.skypostal.com/wcf-services",
            "SkyPostal's TEST system: it needs the user code and app key issued for TEST.",
        ),
        Environment(
            PRODUCTION,
            "https://api-box.skypostal.com/wcf-services",
            "PROD address from SkyPostal's WordPress plugin; the API docs do not state it.",
        ),
    )
    credential_fields = (
        CredentialField(
            "user_code",
            "User code",
            secret=False,
            pattern=r"[0-9]+",
            pattern_message="The user code is a number (e.g. 396).",
            help="The number SkyPostal issued to your company, separately for TEST and PROD.",
        ),
        CredentialField(
            "app_key",
            "App key",
            secret=True,
            pattern=r"\S+",
            pattern_message="The app key has no spaces.",
            help="The app key SkyPostal issued with the user code (TEST and PROD keys differ).",
        ),
        CredentialField(
            "customer_box_id",
            "Customer box ID",
            secret=False,
            required=False,
            pattern=r"[0-9]+",
            pattern_message="The customer box ID is a number (e.g. 811111).",
            help="The customer's box number, from registration or from Sign in…",
        ),
        CredentialField(
            "customer_key",
            "Customer key",
            secret=True,
            required=False,
            pattern=r"\S+",
            pattern_message="The customer key has no spaces.",
            help="The customer's key, from registration or from Sign in…. It changes when the customer's e-mail "
            "changes: sign in again then.",
        ),
    )
    sign_in_fields = (
        CredentialField(
            "customer_email",
            "Customer e-mail",
            secret=False,
            help="The e-mail address of the SkyPostal customer account.",
        ),
        CredentialField(
            "customer_password", "Customer password", secret=True, help="Used once to sign in; it is never stored."
        ),
    )
    sign_in_label = "Sign in as the customer…"
    form_model = SkyPostalForm
    # .jpg files are sent under a .jpeg name: the same JPEG, the extension the API lists.
    attachment = AttachmentRules(EXTENSIONS, MAX_BYTES, aliases={".jpg": ".jpeg"})
    attachment_mode = "required"
    practice_sandbox = "invoice_desktop.practice.skypostal:SkyPostalSandbox"
    # A batch row's parcel is the tracking number the commercial invoice prints.
    document_fields: ClassVar[Mapping[str, str]] = {"trck_nmr_fol": "tracking_number"}
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = (
        "Enter the parcel's tracking number, attach the commercial invoice and press Upload. The invoice details go "
        "first, then the file; if only the file step fails, Retry sends just the file."
    )
    notes = (
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
                label = "Customer box ID" if name == "customer_box_id" else "Customer key"
                problems[name] = (
                    f"{label} is missing: sign in with the customer's e-mail and password "
                    "(Credentials… → Sign in) or enter it."
                )
        return problems

    def warnings(self, form: BaseModel, history: History, environment: str) -> list[str]:
        assert isinstance(form, SkyPostalForm)
        earlier = history.succeeded_with(self.id, environment, "trck_nmr_fol", form.trck_nmr_fol)
        if not earlier:
            return []
        return [
            f"An invoice was already attached to parcel {form.trck_nmr_fol} with this app "
            f"({earlier[0].created_at[:16].replace('T', ' ')}). Sending again adds a second invoice record."
        ]

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, SkyPostalForm)
        return f"parcel {form.trck_nmr_fol}"

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
            label="Step 1: invoice data",
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
            label="Step 2: invoice file",
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
                    "This upload cannot be continued: it is unknown whether SkyPostal stored its invoice data.",
                    f"An earlier try sent the invoice data for parcel {form.trck_nmr_fol} but got no usable answer. "
                    "The app does not send it twice unasked. Check in SkyPostal whether the parcel has an invoice; "
                    "if not, press Retry and confirm that it did not arrive.",
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
                f"SkyPostal refused the invoice data (HTTP {response.status}) without saying why.",
                ("Check the credentials for this environment (Credentials…). " if credentials else "")
                + "Its answer is in the log. Nothing was stored at SkyPostal.",
                http_status=response.status,
            )
        if answer is None:
            return unexpected_answer(
                response.status,
                f"Step 1 (invoice data) got HTTP {response.status} and an answer the app cannot read; it is in "
                f"the log. {self.where_to_check(form, ctx.resume)}",
            )
        if not answer.ok:
            ctx.save_resume({STEP1_STATE: "refused"})
            return self._refusal(answer, response, form, step=1)
        guid = str(answer.data.get("invoice_file_guid") or "").strip()
        if not guid:
            return unexpected_answer(
                response.status,
                "SkyPostal accepted the invoice data but sent no invoice_file_guid, so the file "
                "cannot follow. The answer is in the log.",
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
        record = f"invoice {invoice_id}" if invoice_id else "the invoice record"
        resume_hint = (
            f"The invoice data is stored at SkyPostal ({record}); Retry sends only the file, "
            "without creating a second invoice."
        )
        try:
            response = ctx.send(self.step2_request(ctx, guid))
        except TransportError as exc:
            title = (
                "SkyPostal did not confirm the invoice file: "
                if exc.maybe_sent
                else "The invoice file did not reach SkyPostal: "
            ) + exc.message
            outcome = Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED
            return UploadResult(outcome, title, resume_hint, data=self._data(ctx, {}))
        except Cancelled:
            return UploadResult(
                Outcome.CANCELLED,
                "Upload cancelled while sending the invoice file.",
                resume_hint,
                data=self._data(ctx, {}),
            )
        answer = read_answer(response)
        if answer is None:
            result = unexpected_answer(response.status)
            result.detail = (
                f"Step 2 (invoice file) got HTTP {response.status} and an answer the app cannot read; "
                f"it is in the log. {resume_hint}"
            )
            result.data = self._data(ctx, {})
            return result
        if not answer.ok:
            result = self._refusal(answer, response, form, step=2)
            result.detail = f"{result.detail} {resume_hint}".strip()
            result.data = self._data(ctx, answer.data)
            return result
        url = as_text(answer.data.get("invoice_file_url"))
        ctx.save_resume({"invoice_file_url": url})
        data = self._data(ctx, answer.data)
        name = data.get("invoice_file_name") or invoice_file_name(ctx.attachment.upload_name if ctx.attachment else "")
        return UploadResult(
            Outcome.SUCCEEDED,
            f"SkyPostal attached the invoice to parcel {form.trck_nmr_fol}.",
            detail=(
                f"Invoice {data.get('invoice_id') or '(no id given)'}, stored as “{name}”."
                + ("" if url else " SkyPostal gave no link to the file.")
            ),
            http_status=response.status,
            data=data,
            links=[("Invoice file at SkyPostal", url)] if url else [],
        )

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> str:
        assert isinstance(form, SkyPostalForm)
        if resume.get("invoice_file_guid"):
            return (
                "The invoice data is stored at SkyPostal; Retry sends only the file again, for the same invoice "
                "record (safe)."
            )
        return (
            f"Check in SkyPostal whether parcel {form.trck_nmr_fol} has an invoice: if not, press Retry (it asks "
            "first: a second send of the invoice data would create a second invoice record)."
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
        what = "the invoice data" if step == 1 else "the invoice file"
        description = answer.description or "no reason given"
        if answer.system_error:
            return UploadResult(
                Outcome.FAILED,
                f"SkyPostal had a problem of its own and did not take {what}: {sentence(description)}",
                "Try again in a few minutes." if step == 2 else "Nothing was stored; try again in a few minutes.",
                provider_message=provider_message(answer),
                http_status=response.status,
            )
        if CREDENTIAL_WORDS.search(description) or response.status in (401, 403):
            detail = (
                "Check the credentials for this environment (Credentials…): TEST and PROD user codes and app "
                "keys differ, and the customer key changes when the customer's e-mail changes: sign in "
                "again to get the current one."
            )
        elif step == 1 and re.search(r"track|trck|parcel|package|shipment", description, re.IGNORECASE):
            detail = f"Check the tracking number {form.trck_nmr_fol}: it must be a parcel of this customer."
        elif step == 1 and re.search(r"extension|file.?name|format", description, re.IGNORECASE):
            detail = "SkyPostal takes .pdf, .jpeg, .png and .txt files."
        else:
            detail = "SkyPostal's answer is in the log."
        if step == 1:
            detail += " Nothing was stored at SkyPostal."
        return UploadResult(
            Outcome.REJECTED,
            f"SkyPostal refused {what}: {sentence(description)}",
            detail,
            provider_message=provider_message(answer),
            http_status=response.status,
        )

    # -- sign-in -------------------------------------------------------------------------------------------------

    def sign_in(self, ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
        creds = ctx.credentials
        missing = [
            label
            for name, label in (("user_code", "user code"), ("app_key", "app key"))
            if not (creds.get(name) or "").strip()
        ]
        if missing:
            raise CredentialsMissing(
                f"Signing in needs the {' and '.join(missing)} SkyPostal issued to your company for "
                f"{ctx.environment}: enter {'them' if len(missing) > 1 else 'it'} first (Credentials…)."
            )
        email = (values.get("customer_email") or "").strip()
        password = values.get("customer_password") or ""
        empty = {n: "Required." for n, v in (("customer_email", email), ("customer_password", password)) if not v}
        if empty:
            raise FormInvalid("Enter the customer's e-mail and password to sign in.", empty)
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
                label="Sign in (customer login)",
                idempotent=True,  # a read: it changes nothing at SkyPostal
                secret_answer_fields=("customer_key",),
            )
        )
        answer = read_answer(response)
        if answer is None:
            raise InvoiceDesktopError(
                f"SkyPostal answered the sign-in with something unexpected (HTTP {response.status}); it is in the log."
            )
        if not answer.ok:
            if answer.system_error:
                raise InvoiceDesktopError(
                    f"SkyPostal had a problem of its own during sign-in: "
                    f"{sentence(answer.description)} Try again later."
                )
            hint = (
                "Check the user code and app key for this environment."
                if CREDENTIAL_WORDS.search(answer.description)
                else "Check the customer's e-mail and password."
            )
            raise InvoiceDesktopError(f"SkyPostal refused the sign-in: {sentence(answer.description)} {hint}")
        login = read_login(answer.data)
        if not login.customer_box_id or not login.customer_key:
            raise InvoiceDesktopError(
                "SkyPostal accepted the sign-in but sent no customer box ID or customer key; the answer is in the log."
            )
        since = login.dates.get("customer_registration_date") or login.dates.get("customer_created_date")
        log.info(
            "Signed in to SkyPostal as customer box %s%s",
            login.customer_box_id,
            f" (customer since {since:%Y-%m-%d})" if since else "",
        )
        return {"customer_box_id": login.customer_box_id, "customer_key": login.customer_key}


PROVIDER = SkyPostal()
