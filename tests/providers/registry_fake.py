"""A provider that exists only for the registry tests: declared, registered, never shipped."""

from __future__ import annotations

from pydantic import BaseModel

from invoice_desktop.core.attachments import AttachmentRules
from invoice_desktop.core.provider import Environment, Provider
from invoice_desktop.providers import ProviderInfo


class FakeForm(BaseModel):
    reference: str


class FakeProvider(Provider):
    id = "fake"
    name = "Fake Invoicing"
    summary = "A provider for the registry tests."
    order = 35  # between PayFabric (30) and Shopwave (40)
    environments = (Environment("practice", None), Environment("production", "https://fake.invalid"))
    form_model = FakeForm
    attachment = AttachmentRules((".pdf",), 1024)
    attachment_mode = "required"
    practice_sandbox = "invoice_desktop.practice.imaterialise:IMaterialiseSandbox"


PROVIDER = FakeProvider()

INFO = ProviderInfo(
    id="fake",
    name="Fake Invoicing",
    module=__name__,
    order=35,
    summary="A provider for the registry tests.",
    attachment_mode="required",
    extensions=(".pdf",),
    environments=("practice", "production"),
)
