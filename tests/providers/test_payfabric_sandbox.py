"""The PayFabric practice sandbox on its own, over plain HTTP: it must behave as the documentation says (token,
bearer checks, required fields 412, lengths and formats 400, multipart parts, `true`), or the provider's tests
against it prove nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import requests

from invoice_desktop.practice.payfabric import DEMO_KEY, DEMO_PASSWORD, check_invoice
from invoice_desktop.providers import get_provider

from .test_payfabric import SEED

PROVIDER = get_provider("payfabric")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\nendobj\n"

# The seed as the provider sends it (documented date form, booleans).
VALID: dict[str, Any] = copy.deepcopy(SEED)
VALID.update(DueDate="2017-10-30 15:19:11", PostingDate="2017-09-30 14:00:00")
VALID["InvoiceItems"][0].update(ReqShipDate="2017-10-30", Taxable=False)


@pytest.fixture
def api(practice):
    return f"{practice.base_url(PROVIDER)}/DemoPortal/api"


@pytest.fixture
def sandbox(practice):
    return practice.sandbox_for(PROVIDER)


@pytest.fixture
def token(api) -> str:
    answer = requests.post(
        f"{api}/token", data={"grant_type": "password", "username": DEMO_KEY, "password": DEMO_PASSWORD}, timeout=10
    )
    assert answer.status_code == 200
    return answer.json()["access_token"]


def post_invoice(api: str, token: str | None, data: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{api}/invoices", json=data, headers=headers, timeout=10)


def test_the_token_answer_is_as_documented(api):
    answer = requests.post(
        f"{api}/token",
        data={"grant_type": "password", "client_id": "ePay_Sync", "username": DEMO_KEY, "password": DEMO_PASSWORD},
        timeout=10,
    )
    body = answer.json()
    assert answer.status_code == 200
    assert body["token_type"] == "bearer" and body["expires_in"] == 8639999
    assert {".issued", ".expires", "userName"} <= set(body)


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "password", "username": DEMO_KEY, "password": "wrong"},
        {"grant_type": "password", "username": "someone-else", "password": DEMO_PASSWORD},
        {"grant_type": "client_credentials", "username": DEMO_KEY, "password": DEMO_PASSWORD},
    ],
)
def test_the_token_endpoint_refuses_a_wrong_key_or_grant(api, sandbox, form):
    answer = requests.post(f"{api}/token", data=form, timeout=10)
    assert answer.status_code == 400
    assert "access_token" not in answer.json()
    assert sandbox.tokens == {}


def test_unknown_portals_and_paths_are_404(practice, api, token):
    base = practice.base_url(PROVIDER)
    assert requests.post(f"{base}/Other/api/token", data={}, timeout=10).status_code == 404
    assert (
        requests.post(
            f"{api}/invoice", json=VALID, headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code
        == 404
    )


def test_invoices_need_a_valid_bearer_token(api, sandbox, token):
    assert post_invoice(api, None, VALID).status_code == 401
    assert post_invoice(api, "made-up-token", VALID).json() == {
        "Message": "Authorization has been denied for this request."
    }
    assert post_invoice(api, token, VALID).text == "true"
    sandbox.expire_tokens()
    assert post_invoice(api, token, VALID).status_code == 401
    assert len(sandbox.received) == 1


def test_an_invoice_is_created_then_overwritten_whole(api, sandbox, token):
    post_invoice(api, token, VALID)
    post_invoice(api, token, {"InvoiceId": VALID["InvoiceId"], "CustomerId": "X", "Amount": 1, "BalanceDue": 1})
    stored = sandbox.invoices[("demoportal", "STDINV999999")]["invoice"]
    assert stored == {"InvoiceId": "STDINV999999", "CustomerId": "X", "Amount": 1, "BalanceDue": 1}


@pytest.mark.parametrize("name", ["Amount", "BalanceDue", "CustomerId", "InvoiceId"])
def test_each_mandatory_field_missing_is_412_naming_it(api, token, name):
    data = {k: v for k, v in VALID.items() if k != name}
    answer = post_invoice(api, token, data)
    assert answer.status_code == 412
    assert answer.json() == {
        "Message": f"Missing mandatory fields: {name}.",
        "ModelState": {f"invoice.{name}": [f"The {name} field is required."]},
    }


def test_names_are_case_sensitive(api, token):
    data = {("amount" if k == "Amount" else k): v for k, v in VALID.items()}
    assert post_invoice(api, token, data).status_code == 412


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"CustomerId": "x" * 51}, "invoice.CustomerId"),
        ({"Comments": "x" * 501}, "invoice.Comments"),
        ({"Currency": "x" * 11}, "invoice.Currency"),
        ({"Amount": "1.123456"}, "invoice.Amount"),
        ({"Amount": "123456789012345"}, "invoice.Amount"),
        ({"Tax": "lots"}, "invoice.Tax"),
        ({"DueDate": "30.10.2017"}, "invoice.DueDate"),  # .NET's en-US reading takes 10/30/2017 3:19:11 PM
        ({"DueDate": "13/30/2017 3:19:11 PM"}, "invoice.DueDate"),
        ({"PostingDate": "2017-02-30"}, "invoice.PostingDate"),
        ({"Email": "a@x.com; b@y.com"}, "invoice.Email"),
        ({"SendNewInvoiceEmail": "yes"}, "invoice.SendNewInvoiceEmail"),
        ({"BillingAddress": {"AddressID": "P", "Address1": "x" * 101}}, "invoice.BillingAddress.Address1"),
        ({"InvoiceItems": [{"ItemCode": "A", "UnitOfMeasure": "x" * 26}]}, "invoice.InvoiceItems[0].UnitOfMeasure"),
        ({"InvoiceItems": [{"ItemCode": "A", "Taxable": "no"}]}, "invoice.InvoiceItems[0].Taxable"),  # "0" is fine
        ({"InvoiceItems": [{"ItemCode": "A", "Sequence": "one"}]}, "invoice.InvoiceItems[0].Sequence"),
    ],
)
def test_lengths_and_formats_are_400_with_the_field(api, token, change, key):
    answer = post_invoice(api, token, {**VALID, **change})
    assert answer.status_code == 400
    assert key in answer.json()["ModelState"]


def test_nested_required_fields_are_412():
    status, body = check_invoice({**VALID, "InvoiceItems": [{"Description": "x"}], "ShippingAddress": {"City": "y"}})
    assert status == 412
    assert set(body["ModelState"]) == {"invoice.InvoiceItems[0].ItemCode", "invoice.ShippingAddress.AddressID"}


def multipart(api: str, token: str, files: dict[str, Any]) -> requests.Response:
    return requests.post(
        f"{api}/invoices/InvoiceWithAttachment", files=files, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_invoice_with_attachment_reads_both_parts(api, sandbox, token):
    answer = multipart(
        api,
        token,
        {"Invoice": (None, json.dumps(VALID), "application/json"), "Attachment": ("inv.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 200 and answer.text == "true"
    got = sandbox.received[-1]
    assert got["endpoint"] == "InvoiceWithAttachment"
    assert got["invoice"] == VALID
    assert got["attachment"]["filename"] == "inv.pdf" and got["attachment"]["size"] == len(PDF)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"Attachment": ("inv.pdf", PDF, "application/pdf")}, "The Invoice part is missing."),
        ({"Invoice": (None, json.dumps(VALID), "application/json")}, "The Attachment part is missing."),
        (
            {
                "Invoice": (None, json.dumps(VALID), "application/json"),
                "Attachment": ("inv.pdf", b"", "application/pdf"),
            },
            "The attachment is empty.",
        ),
        (
            {
                "Invoice": (None, json.dumps(VALID), "application/json"),
                "Attachment": ("inv.pdf", b"PK\x03\x04 not a pdf", "application/pdf"),
            },
            "The attachment must be a PDF document.",
        ),
    ],
)
def test_multipart_problems_are_400(api, sandbox, token, files, message):
    answer = multipart(api, token, files)
    assert answer.status_code == 400
    assert answer.json()["Message"] == message
    assert sandbox.received == []


def test_multipart_invoice_is_validated_like_json(api, token):
    data = {k: v for k, v in VALID.items() if k != "Amount"}
    answer = multipart(
        api,
        token,
        {"Invoice": (None, json.dumps(data), "application/json"), "Attachment": ("inv.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 412


def test_the_docs_own_sample_invoice_is_accepted_as_it_is(api, token):
    # Its "10/30/2017 3:19:11 PM" dates and "Taxable": "0" are what the real .NET service reads too.
    from .test_payfabric import SEED

    answer = post_invoice(api, token, SEED)
    assert answer.status_code == 200, answer.text
    assert answer.json() is True
