"""PayFabric Receivables (Sync API): create or overwrite an invoice, with an optional PDF attachment.

Base `https://{host}/receivables/sync/api/{PortalName}/api`: the environment gives everything up to `/api` before
the portal, and the portal name (a credential setting) completes it, so a base URL override works the same way.

  POST {base}/token                           form: grant_type=password, username=key, password=key password
  POST {base}/invoices                        JSON InvoicePost → `true`
  POST {base}/invoices/InvoiceWithAttachment  multipart: `Invoice` (the JSON as a string) + `Attachment` (the PDF)

The token (about 100 days) is kept in the keyring with its expiry and reused across uploads and app restarts. An
invoice call answered 401 with a stored token gets one new token and is sent once more: safe, because PayFabric
creates or overwrites by InvoiceId. Errors are carried by the HTTP status (400/401/404/412/500); the body format is
not documented, so the message and an ASP.NET-style `ModelState` are read when present.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..core.attachments import MB, AttachmentRules
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.http import JsonBody, MultipartBody, OutgoingRequest, Part, Response
from ..core.i18n import N_, Msg, _
from ..core.provider import (
    ENVIRONMENT_LABELS,
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    UploadContext,
    join_url,
)
from ..core.results import UploadResult
from ..core.stored_text import Text
from ._payfabric_answers import invoice_answer
from ._payfabric_documents import DOCUMENT_FIELDS
from ._payfabric_token import TokenRefused, api_base, fetch_token, forget_token, stored_token
from ._payfabric_totals import totals_warnings
from ._payfabric_wire import wire_invoice
from .payfabric_form import InvoicePost


class PayFabric(Provider):
    id = "payfabric"
    name = "PayFabric Receivables"
    summary = N_("Create or replace an invoice, with its lines and an optional PDF, in a customer portal.")
    order = 30
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            "https://sandbox.payfabric.com/receivables/sync/api",
            N_("The portal name is added to the address: …/receivables/sync/api/{Portal Name}/api."),
        ),
        Environment(
            PRODUCTION,
            "https://www.payfabric.com/receivables/sync/api",
            N_("The portal name is added to the address: …/receivables/sync/api/{Portal Name}/api."),
        ),
    )
    credential_fields = (
        CredentialField(
            "portal_name",
            N_("Portal name"),
            secret=False,
            pattern=r"[^/\s?#%\\]+",
            pattern_message=N_("Enter only the portal name (Settings > General Settings), not a web address."),
            help=N_("Your PayFabric Receivables portal name; it is part of every address."),
        ),
        CredentialField(
            "integration_key",
            N_("Integration key"),
            help=N_("Settings > General Settings in the Receivables Management Portal."),
        ),
        CredentialField(
            "integration_key_password",
            N_("Integration key password"),
            help=N_("Settings > General Settings in the Receivables Management Portal."),
        ),
        CredentialField(
            "access_token",
            N_("Access token"),
            required=False,
            obtained=True,
            help=N_("Obtained by the app with the integration key; renewed when it expires."),
        ),
        CredentialField("token_expires_at", N_("Token expires"), secret=False, required=False, obtained=True),
    )
    form_model = InvoicePost
    # PayFabric documents no size limit ("the actual pdf attachment"): the limit is the app's, configurable.
    attachment = AttachmentRules((".pdf",), 10 * MB, limit_source="app")
    attachment_mode = "optional"
    practice_sandbox = "invoice_desktop.practice.payfabric:PayFabricSandbox"
    document_fields = DOCUMENT_FIELDS
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = N_(
        "Fill in the invoice as it stands in your books: its ID, the customer and the amounts; lines and a PDF are "
        "optional. Uploading an Invoice ID that already exists replaces that invoice completely; the app asks first "
        "when it sent that ID before."
    )
    notes = N_(
        "An upload creates the invoice or replaces the one with the same Invoice ID completely. "
        "Dates go out as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss (US dates such as 10/30/2017 3:19:11 PM are read "
        'month first, as in PayFabric\'s sample); amounts as strings such as "30.00". The sample and the object '
        "reference spell two names differently (Tracking_Number / TrackingNumber, an address's EMailAddress / "
        "Email): the app sends the value under both. Attachments: PDF only, up to the app's limit (PayFabric "
        "documents none). The error body is not documented: the app reads the HTTP status and any message."
    )

    # -- checks and words --------------------------------------------------------------------------------

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, InvoicePost)
        # Translators: the History's few words about an upload ("invoice STDINV1 for Nodus0002").
        return _("invoice {invoice} for {customer}").format(invoice=form.InvoiceId, customer=form.CustomerId)

    def targets_of(self, form: BaseModel) -> tuple[str, ...]:
        assert isinstance(form, InvoicePost)
        return (form.InvoiceId,)

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        assert isinstance(form, InvoicePost)
        out: list[str] = []
        earlier = history.succeeded_with(self.id, environment, "InvoiceId", form.InvoiceId)
        if earlier:
            last = earlier[0]
            where = _(ENVIRONMENT_LABELS.get(environment, environment))
            out.append(
                _(
                    "Invoice “{invoice}” was already uploaded to {environment} {who_and_when}. Sending it again "
                    "replaces the whole invoice in PayFabric: every value, line and address that is not in this form "
                    "is overwritten or removed."
                ).format(invoice=form.InvoiceId, environment=where, who_and_when=who_and_when(last))
            )
        return out + totals_warnings(form)

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        return Msg(
            "Sending it again is safe: PayFabric creates the invoice or replaces the one with the same Invoice ID, "
            "so Retry sends it again without asking."
        )

    def resend_is_safe(self, resume: Mapping[str, Any]) -> bool:
        return True  # create-or-update by InvoiceId: a second send replaces the same invoice

    # -- token (see _payfabric_token) -------------------------------------------------------------------

    # The token is PayFabric's answer to these: a new key, password or portal needs a new token.
    TOKEN_OBTAINED_WITH = frozenset({"portal_name", "integration_key", "integration_key_password"})

    def obtained_with(self, changed: set[str]) -> list[str]:
        return ["access_token", "token_expires_at"] if changed & self.TOKEN_OBTAINED_WITH else []

    # -- the upload --------------------------------------------------------------------------------------

    def build_request(self, ctx: UploadContext, token: str = "") -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, InvoicePost)
        invoice = wire_invoice(form)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if ctx.attachment is None:
            return OutgoingRequest(
                "POST",
                join_url(api_base(ctx), "invoices"),
                headers=headers,
                body=JsonBody(invoice),
                label=N_("Upload invoice"),
                idempotent=True,
            )
        parts = (
            Part("Invoice", value=json.dumps(invoice, ensure_ascii=False), content_type="application/json"),
            Part(
                "Attachment",
                path=ctx.attachment.path,
                filename=ctx.attachment.upload_name,
                content_type=ctx.attachment.content_type,
            ),
        )
        return OutgoingRequest(
            "POST",
            join_url(api_base(ctx), "invoices", "InvoiceWithAttachment"),
            headers=headers,
            body=MultipartBody(parts),
            label=N_("Upload invoice with attachment"),
            idempotent=True,
        )  # create-or-overwrite by InvoiceId

    def perform(self, ctx: UploadContext) -> UploadResult:
        token = stored_token(ctx)
        fresh = token is None
        try:
            if token is None:
                token = fetch_token(ctx)
            response = ctx.send(self.build_request(ctx, token))
            if response.status == 401 and not fresh:
                # The stored token expired early or was revoked: forget it, get one new token, send once more.
                forget_token(ctx)
                token = fetch_token(ctx)
                response = ctx.send(self.build_request(ctx, token))
        except TokenRefused as exc:
            return exc.result
        return self.read_response(ctx, response)

    def read_response(self, ctx: UploadContext, response: Response) -> UploadResult:
        form = ctx.form
        assert isinstance(form, InvoicePost)
        return invoice_answer(
            response,
            form,
            ctx.attachment.upload_name if ctx.attachment else None,
            ctx.credentials["portal_name"],
            self.where_to_check(form, ctx.resume),
        )


PROVIDER = PayFabric()
