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

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel

from ..core.attachments import MB, AttachmentRules
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.errors import Cancelled, TransportError
from ..core.http import OutgoingRequest
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
)
from ..core.results import UploadResult
from ..core.stored_text import Text
from . import _skypostal_signin
from ._skypostal_answers import CREDENTIAL_WORDS, as_text, parse_wcf_date, read_answer, read_login
from ._skypostal_form import SkyPostalForm
from ._skypostal_outcomes import (
    attached,
    file_only_retry,
    refusal,
    step1_refused_unsaid,
    step1_unreadable,
    step1_without_guid,
    step2_cancelled,
    step2_lost,
    step2_unreadable,
    unconfirmed_step1,
)
from ._skypostal_requests import invoice_data_request, invoice_file_name, invoice_file_request

# Re-exported: the form and the answer readers were defined here before they moved to their own module.
__all__ = ["PROVIDER", "SkyPostal", "SkyPostalForm", "parse_wcf_date", "read_answer", "read_login"]

EXTENSIONS = (".pdf", ".jpeg", ".png", ".txt")
MAX_BYTES = 5 * MB

# Resume keys kept in the history between tries of one attempt.
STEP1_STATE = "step1"  # "sending" (may have reached SkyPostal) | "not sent" | "refused" | "done"


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

    def refused_credentials(self, http_status: int | None, code: str | None, message: str | None) -> bool:
        # SkyPostal often refuses a user code, app key or customer key in words only, in an answer of HTTP 200.
        return super().refused_credentials(http_status, code, message) or bool(CREDENTIAL_WORDS.search(message or ""))

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

    # -- requests (see _skypostal_requests) -------------------------------------------------------------------

    def step1_request(self, ctx: UploadContext) -> OutgoingRequest:
        return invoice_data_request(ctx)

    def step2_request(self, ctx: UploadContext, guid: str) -> OutgoingRequest:
        return invoice_file_request(ctx, guid)

    # -- the two steps -------------------------------------------------------------------------------------------

    def perform(self, ctx: UploadContext) -> UploadResult:
        form = ctx.form
        assert isinstance(form, SkyPostalForm)
        guid = ctx.resume.get("invoice_file_guid")
        if not guid:
            if ctx.resume.get(STEP1_STATE) == "sending" and not ctx.resend_confirmed:
                return unconfirmed_step1(form.trck_nmr_fol)
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
            return step1_refused_unsaid(response)
        if answer is None:
            return step1_unreadable(response, self.where_to_check(form, ctx.resume))
        if not answer.ok:
            ctx.save_resume({STEP1_STATE: "refused"})
            return refusal(answer, response, form.trck_nmr_fol, step=1)
        guid = str(answer.data.get("invoice_file_guid") or "").strip()
        if not guid:
            return step1_without_guid(response)
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
        retry_hint = file_only_retry(ctx.resume.get("invoice_id") or "")
        try:
            response = ctx.send(self.step2_request(ctx, guid))
        except TransportError as exc:
            return step2_lost(exc, retry_hint, self._data(ctx, {}))
        except Cancelled:
            return step2_cancelled(retry_hint, self._data(ctx, {}))
        answer = read_answer(response)
        if answer is None:
            return step2_unreadable(response, retry_hint, self._data(ctx, {}))
        if not answer.ok:
            result = refusal(answer, response, form.trck_nmr_fol, step=2)
            # Translators: what the refusal means, then that a Retry sends only the file.
            result.detail = Msg("{detail} {resume_hint}", detail=result.detail, resume_hint=retry_hint)
            result.data = self._data(ctx, answer.data)
            return result
        url = as_text(answer.data.get("invoice_file_url"))
        ctx.save_resume({"invoice_file_url": url})
        data = self._data(ctx, answer.data)
        name = data.get("invoice_file_name") or invoice_file_name(ctx.attachment.upload_name if ctx.attachment else "")
        return attached(form.trck_nmr_fol, response, data, name, url)

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

    # -- sign-in (see _skypostal_signin) -----------------------------------------------------------------------

    def sign_in(self, ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
        return _skypostal_signin.sign_in(ctx, values)


PROVIDER = SkyPostal()
