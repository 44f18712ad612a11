"""A declared fake sixth provider, "ACME Ledger": registered through the provider registry's public API exactly as a
plug-in would be, with its own practice sandbox and its own documented samples (samples/acme/). It exists to prove
that a new provider needs no change in the window, the CLI or the contract test.

ACME's "documentation" (what its samples and sandbox follow):
  POST {base}/v1/invoices, header `X-Api-Key`, multipart with a `metadata` part (JSON: invoiceNumber, amount as a
  string with two decimals, dueDate YYYY-MM-DD) and a `document` part (the PDF).
  201 {"id", "status": "created"} · 4xx {"error": {"code", "message"}} (401 bad key, 409 duplicate_invoice).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from invoice_desktop.core.attachments import AttachmentRules
from invoice_desktop.core.http import MultipartBody, OutgoingRequest, Part, Response
from invoice_desktop.core.provider import (
    PRACTICE,
    PRODUCTION,
    CredentialField,
    Environment,
    Provider,
    UploadContext,
    join_url,
)
from invoice_desktop.core.results import Outcome, UploadResult
from invoice_desktop.practice.server import Sandbox, SandboxRequest, SandboxResponse
from invoice_desktop.providers import ProviderInfo

DEMO_KEY = "acme-practice-key-1"


class AcmeInvoice(BaseModel):
    invoiceNumber: str = Field(title="Invoice number", min_length=1, max_length=40)
    amount: Decimal = Field(title="Amount", max_digits=12, decimal_places=2)
    dueDate: date = Field(title="Due date")


class AcmeProvider(Provider):
    id = "acme"
    name = "ACME Ledger (test provider)"
    summary = "A declared fake provider: proves a sixth one needs no change in the window or the CLI."
    order = 60
    environments = (Environment(PRACTICE, None), Environment(PRODUCTION, "https://api.acme.invalid"))
    credential_fields = (CredentialField("api_key", "API key", help="ACME's API key."),)
    form_model = AcmeInvoice
    attachment = AttachmentRules((".pdf",), 5 * 1024 * 1024)
    attachment_mode = "required"
    practice_sandbox = f"{__name__}:AcmeSandbox"

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, AcmeInvoice)
        return f"invoice {form.invoiceNumber}"

    def build_request(self, ctx: UploadContext) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, AcmeInvoice) and ctx.attachment is not None
        metadata = {"invoiceNumber": form.invoiceNumber, "amount": f"{form.amount:.2f}", "dueDate": str(form.dueDate)}
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, "v1", "invoices"),
            headers={"X-Api-Key": ctx.credentials.get("api_key", ""), "Accept": "application/json"},
            body=MultipartBody(
                (
                    Part("metadata", value=json.dumps(metadata, indent=2), content_type="application/json"),
                    Part(
                        "document",
                        path=ctx.attachment.path,
                        filename=ctx.attachment.path.name,
                        content_type="application/pdf",
                    ),
                )
            ),
            label="Upload invoice",
        )

    def read_response(self, ctx: UploadContext, response: Response) -> UploadResult:
        data = response.json_or_none()
        if response.status == 201 and isinstance(data, dict) and data.get("id"):
            return UploadResult(
                Outcome.SUCCEEDED, f"ACME saved the invoice as {data['id']}.", "", http_status=response.status
            )
        error = data.get("error") if isinstance(data, dict) else None
        if 400 <= response.status < 500 and isinstance(error, dict):
            return UploadResult(
                Outcome.REJECTED,
                f"ACME refused the invoice: {error.get('message', '')}",
                "Correct it and send it again.",
                provider_code=str(error.get("code")),
                provider_message=str(error.get("message")),
                http_status=response.status,
            )
        return UploadResult(
            Outcome.FAILED,
            "ACME answered something unexpected.",
            "The answer is in the log; check in ACME whether the invoice arrived.",
            http_status=response.status,
        )


PROVIDER = AcmeProvider()
INFO = ProviderInfo(
    id="acme",
    name=PROVIDER.name,
    module=__name__,
    order=60,
    summary=PROVIDER.summary,
    attachment_mode="required",
    extensions=(".pdf",),
    environments=(PRACTICE, PRODUCTION),
)


class AcmeSandbox(Sandbox):
    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {"api_key": DEMO_KEY}
    HINT: ClassVar[str] = "Any invoice number is new once; sending the same number again is a duplicate (409)."

    def __init__(self) -> None:
        super().__init__()
        self.invoices: dict[str, dict[str, Any]] = {}

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if (request.method, request.path) != ("POST", "/v1/invoices"):
            return self.not_found(request)
        if request.header("X-Api-Key") != DEMO_KEY:
            return self._error(401, "bad_key", "The API key is not valid.")
        parts = {part.name: part for part in request.multipart()}
        try:
            metadata = json.loads(parts["metadata"].value)
            document = parts["document"]
        except (KeyError, ValueError):
            return self._error(400, "bad_request", "Send a metadata part (JSON) and a document part.")
        number = metadata.get("invoiceNumber")
        with self.lock:
            if number in self.invoices:
                return self._error(409, "duplicate_invoice", "An invoice with this number exists already.")
            self.invoices[number] = {**metadata, "document": document.filename, "size": document.size}
        return SandboxResponse.json({"id": f"inv_{len(self.invoices)}", "status": "created"}, status=201)

    @staticmethod
    def _error(status: int, code: str, message: str) -> SandboxResponse:
        return SandboxResponse.json({"error": {"code": code, "message": message}}, status=status)
