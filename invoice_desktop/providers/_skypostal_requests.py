"""SkyPostal API-BOX's three requests as its documentation lays them out: step 1 (the invoice data, JSON), step 2
(the file's raw bytes, its GUID and the credentials in headers) and the customer login (JSON).

Kept apart from `skypostal` (the provider, which decides when each is sent); the leading "_" keeps provider
discovery from importing it as a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..core.http import FileBody, JsonBody, OutgoingRequest
from ..core.i18n import N_
from ..core.provider import RequestContext, UploadContext, join_url
from ._skypostal_form import SkyPostalForm

SERVICE = ("service-customer.svc", "customer")
STEP1 = "customer-upload-invoice-data"
STEP2 = "customer-upload-invoice-file"
LOGIN = "customer-login"


def _number(value: str) -> int | str:
    """Numbers the docs send as JSON numbers (user_code, customer_box_id, trck_nmr_fol)."""
    value = str(value).strip()
    return int(value) if value.isdigit() else value


def invoice_file_name(upload_name: str) -> str:
    """The name sent in step 1: the dropped file's name, its extension in lower case as the docs list it."""
    path = Path(upload_name)
    return path.stem + path.suffix.lower()


def invoice_data_request(ctx: UploadContext) -> OutgoingRequest:
    """Step 1: creates an invoice record for the parcel; its answer carries the GUID step 2 needs."""
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


def invoice_file_request(ctx: UploadContext, guid: str) -> OutgoingRequest:
    """Step 2: the file for the invoice record step 1 created (`guid`)."""
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


def login_request(ctx: RequestContext, email: str, password: str) -> OutgoingRequest:
    """The customer login: the company's user code and app key with the customer's e-mail and password."""
    creds: Mapping[str, str] = ctx.credentials
    return OutgoingRequest(
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
