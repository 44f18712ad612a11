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
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import BaseModel

from ..core.attachments import MB, AttachmentRules
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.errors import InvoiceDesktopError
from ..core.http import FormBody, JsonBody, MultipartBody, OutgoingRequest, Part, Response
from ..core.i18n import N_, Msg, _
from ..core.provider import (
    ENVIRONMENT_LABELS,
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
from ..core.results import Outcome, UploadResult, uncertain_answer, unexpected_answer
from ..core.stored_text import Text
from .payfabric_form import InvoicePost, totals_warnings, wire_invoice

log = logging.getLogger(__name__)

# A stored token is renewed this long before the expiry PayFabric gave, so it cannot lapse mid-upload.
EXPIRY_MARGIN = timedelta(minutes=5)
REQUIRED = ("Amount", "BalanceDue", "CustomerId", "InvoiceId")
CREDENTIALS_HINT = N_(
    "Check the Portal Name, Integration Key and Integration Key Password (Credentials…); PayFabric "
    "shows them under Settings > General Settings in the Receivables Management Portal."
)


class TokenRefused(InvoiceDesktopError):
    """The token request did not give a token; `result` says why, for the clerk."""

    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


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


def _billing_address(facts: Any) -> dict[str, Any] | None:
    """The buyer's address as PayFabric's billing address. PayFabric requires an address id; the invoice states
    none, so the customer's primary address is named (the clerk edits it where the customer's differs)."""
    parts = {
        "Name": facts.get("buyer_name"),
        "Address1": facts.get("buyer_street"),
        "City": facts.get("buyer_city"),
        "Zip": facts.get("buyer_postcode"),
        "Country": facts.get("buyer_country"),
        "EMailAddress": facts.get("buyer_email"),
    }
    present = {k: v for k, v in parts.items() if v}
    return {"AddressID": "PRIMARY", **present} if present else None


def _invoice_items(facts: Any) -> list[dict[str, Any]]:
    """The e-invoice's lines as PayFabric's: the GTIN (or the name) as the item code, the VAT rate as a line tax."""
    items = []
    for line in facts.get("lines") or []:
        code = line.get("gtin") or (line.get("name") or "")[:50]
        if not code:
            continue
        item: dict[str, Any] = {
            "ItemCode": code,
            "Description": (line.get("name") or "")[:100] or None,
            "Quantity": line.get("quantity"),
            "UnitPrice": line.get("unit_price"),
            "ExtendedPrice": line.get("amount"),
        }
        if line.get("vat_rate") is not None:
            # The e-invoice states a percentage (25); PayFabric a fraction (0.25).
            item["Taxes"] = [{"Name": "VAT", "Rate": Decimal(str(line["vat_rate"])) / 100}]
        items.append({k: v for k, v in item.items() if v is not None})
    return items


# A batch row's form from the document's facts (core/documents): the invoice's own numbers, dates, buyer and lines.
DOCUMENT_FIELDS: dict[str, Any] = {
    "InvoiceId": "invoice_number",
    "CustomerId": "buyer_id",
    "Amount": "total_grand",
    "BalanceDue": "total_due",
    "SubTotal": "total_lines",
    "Tax": "total_tax",
    "Currency": "currency",
    "DueDate": "due_date",
    "PostingDate": "issue_date",
    "PONumber": "order_reference",
    "CustomerName": "buyer_name",
    "Email": "buyer_email",
    "BillingAddress": _billing_address,
    "InvoiceItems": _invoice_items,
}


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

    # -- token -----------------------------------------------------------------------------------------

    # The token is PayFabric's answer to these: a new key, password or portal needs a new token.
    TOKEN_OBTAINED_WITH = frozenset({"portal_name", "integration_key", "integration_key_password"})

    def obtained_with(self, changed: set[str]) -> list[str]:
        return ["access_token", "token_expires_at"] if changed & self.TOKEN_OBTAINED_WITH else []

    @staticmethod
    def api_base(ctx: RequestContext) -> str:
        return join_url(ctx.base_url, ctx.credentials["portal_name"], "api")

    @staticmethod
    def stored_token(ctx: RequestContext, now: datetime | None = None) -> str | None:
        """The keyring's token if it is still valid (an unknown expiry counts as valid until PayFabric says 401)."""
        token = ctx.credentials.get("access_token") or ""
        if not token:
            return None
        expires = ctx.credentials.get("token_expires_at") or ""
        if expires:
            try:
                when = datetime.fromisoformat(expires)
            except ValueError:
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            if (now or datetime.now(UTC)) >= when - EXPIRY_MARGIN:
                return None
        return token

    @staticmethod
    def _save(ctx: RequestContext, name: str, value: str) -> None:
        try:
            ctx.save_credential(name, value)
        except InvoiceDesktopError as exc:  # e.g. too long for the keyring: use it for this upload only
            ctx.credentials[name] = value
            # TRANSLATORS: %(name)s is a credential field's id (e.g. "token").
            log.warning(N_("PayFabric %(name)s not stored: %(error)s"), {"name": name, "error": exc.message})

    def fetch_token(self, ctx: RequestContext) -> str:
        """A new token from {base}/token, stored with its expiry. Raises `TokenRefused`."""
        response = ctx.send(
            OutgoingRequest(
                "POST",
                join_url(self.api_base(ctx), "token"),
                body=FormBody(
                    {
                        "grant_type": "password",
                        "username": ctx.credentials["integration_key"],
                        "password": ctx.credentials["integration_key_password"],
                    }
                ),
                label=N_("Get access token"),
                idempotent=True,  # asking for a token changes nothing
                secret_answer_fields=("access_token",),  # hidden in the log from this answer on
            )
        )
        data = response.json_or_none() if response.ok else None
        token = data.get("access_token") if isinstance(data, dict) else None
        if isinstance(data, dict) and isinstance(token, str) and token:
            self._save(ctx, "access_token", token)
            self._save(ctx, "token_expires_at", self._expiry(data))
            return token
        raise TokenRefused(self._token_problem(ctx, response))

    @staticmethod
    def _expiry(data: Mapping[str, Any]) -> str:
        try:
            seconds = float(data.get("expires_in"))  # type: ignore[arg-type]
            return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
        except (TypeError, ValueError):
            pass
        try:
            return parsedate_to_datetime(str(data.get(".expires"))).astimezone(UTC).isoformat(timespec="seconds")
        except (TypeError, ValueError):
            return ""  # unknown: reuse until PayFabric answers 401

    def _token_problem(self, ctx: RequestContext, response: Response) -> UploadResult:
        message, _code = read_error(response)
        portal = ctx.credentials["portal_name"]
        if response.status in (400, 401, 403):
            return UploadResult(
                Outcome.REJECTED,
                Msg("PayFabric refused the integration key or its password."),
                Msg(CREDENTIALS_HINT),
                provider_code=str(response.status),
                provider_message=message,
                http_status=response.status,
            )
        if response.status == 404:
            return UploadResult(
                Outcome.REJECTED,
                Msg("PayFabric does not know the portal “{portal}” here.", portal=portal),
                Msg("Check the portal name (Credentials…) and the environment."),
                provider_code="404",
                provider_message=message,
                http_status=404,
            )
        if response.status >= 500:
            return UploadResult(
                Outcome.FAILED,
                Msg("PayFabric could not issue an access token (a problem on its side)."),
                Msg("Nothing was uploaded. Try again in a few minutes; the answer is in the log."),
                provider_code=str(response.status),
                provider_message=message,
                http_status=response.status,
            )
        # No token, so no invoice went out: whatever the answer was, nothing was uploaded.
        return UploadResult(
            Outcome.FAILED,
            Msg("PayFabric did not hand out an access token."),
            Msg(
                "HTTP {status}; the answer is in the log. Nothing was uploaded: check the address and try again.",
                status=response.status,
            ),
            http_status=response.status,
        )

    # -- the upload --------------------------------------------------------------------------------------

    def build_request(self, ctx: UploadContext, token: str = "") -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, InvoicePost)
        invoice = wire_invoice(form)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if ctx.attachment is None:
            return OutgoingRequest(
                "POST",
                join_url(self.api_base(ctx), "invoices"),
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
            join_url(self.api_base(ctx), "invoices", "InvoiceWithAttachment"),
            headers=headers,
            body=MultipartBody(parts),
            label=N_("Upload invoice with attachment"),
            idempotent=True,
        )  # create-or-overwrite by InvoiceId

    def perform(self, ctx: UploadContext) -> UploadResult:
        token = self.stored_token(ctx)
        fresh = token is None
        try:
            if token is None:
                token = self.fetch_token(ctx)
            response = ctx.send(self.build_request(ctx, token))
            if response.status == 401 and not fresh:
                # The stored token expired early or was revoked: forget it, get one new token, send once more.
                self._save(ctx, "access_token", "")
                self._save(ctx, "token_expires_at", "")
                token = self.fetch_token(ctx)
                response = ctx.send(self.build_request(ctx, token))
        except TokenRefused as exc:
            return exc.result
        return self.read_response(ctx, response)

    def read_response(self, ctx: UploadContext, response: Response) -> UploadResult:
        form = ctx.form
        assert isinstance(form, InvoicePost)
        message, fields = read_error(response)
        status = response.status
        invoice = form.InvoiceId
        if response.ok:
            if response.text.strip().strip('"').lower() == "true":
                accepted = (
                    Msg(
                        "PayFabric accepted invoice “{invoice}” with {file} for customer “{customer}”.",
                        invoice=invoice,
                        file=ctx.attachment.upload_name,
                        customer=form.CustomerId,
                    )
                    if ctx.attachment
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
                    Msg(
                        "The answer is in the log; check the invoice in the portal and contact PayFabric if it "
                        "persists."
                    ),
                    provider_message="false",
                    http_status=status,
                )
            return uncertain_answer(
                status,
                Msg("invoice “{invoice}” may or may not be in PayFabric", invoice=invoice),
                self.where_to_check(form, ctx.resume),
            )
        problems = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
        common: dict[str, Any] = {
            "provider_code": str(status),
            "provider_message": problems or message,
            "http_status": status,
        }
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
        if status == 400:
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
                Msg(
                    "Check the portal name “{portal}” (Credentials…) and the environment or base URL.",
                    portal=ctx.credentials["portal_name"],
                ),
                **common,
            )
        if status >= 500:
            return UploadResult(
                Outcome.UNCERTAIN,
                Msg(
                    "PayFabric had a problem of its own with invoice “{invoice}”: it may or may not have stored it.",
                    invoice=invoice,
                ),
                Msg("{where_to_check} The answer is in the log.", where_to_check=self.where_to_check(form, ctx.resume)),
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


PROVIDER = PayFabric()
