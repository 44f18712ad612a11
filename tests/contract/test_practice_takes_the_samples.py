"""Every documented sample request is accepted by its practice sandbox verbatim (the bytes of samples/, sent as the
vendor's page shows them), so practice never refuses what the vendor's own documentation sends."""

from __future__ import annotations

import pytest
import requests

from invoice_desktop.practice import PracticeEnvironment
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.practice.payfabric import DEMO_KEY, DEMO_PASSWORD, DEMO_PORTAL
from invoice_desktop.providers import get_provider

from .contract import sample
from .documents import real_pdf


def base(practice: PracticeEnvironment, provider_id: str) -> str:
    return practice.base_url(get_provider(provider_id))


def test_ddapi_takes_its_json_and_xml_samples(practice):
    url = base(practice, "ddapi") + "/api/customers/invoice"
    for name, content_type in (("request.json", "application/json"), ("request.xml", "application/xml")):
        answer = requests.post(url, data=sample("ddapi", name).encode(), headers={"Content-Type": content_type})
        assert answer.status_code == 200, answer.text
        if name.endswith(".json"):
            assert answer.json() == {"Errors": [], "Success": True}
        else:
            assert "<Success>true</Success>" in answer.text


def test_payfabric_takes_its_sample_invoice_on_both_endpoints(practice):
    api = f"{base(practice, 'payfabric')}/{DEMO_PORTAL}/api"
    token = requests.post(
        f"{api}/token", data={"grant_type": "password", "username": DEMO_KEY, "password": DEMO_PASSWORD}, timeout=10
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    text = sample("payfabric", "invoice.request.json")
    answer = requests.post(
        f"{api}/invoices", data=text.encode(), headers={**auth, "Content-Type": "application/json"}, timeout=10
    )
    assert (answer.status_code, answer.text.strip()) == (200, "true"), answer.text
    answer = requests.post(
        f"{api}/invoices/InvoiceWithAttachment",
        files={"Invoice": (None, text), "Attachment": ("STDINV999999.pdf", real_pdf("x"), "application/pdf")},
        headers=auth,
        timeout=10,
    )
    assert (answer.status_code, answer.text.strip()) == (200, "true"), answer.text


def test_skypostal_takes_its_step_1_sample(practice):
    url = base(practice, "skypostal") + "/service-customer.svc/customer/customer-upload-invoice-data"
    text = sample("skypostal", "upload_invoice_data.request.json")
    [record] = requests.post(url, data=text.encode(), headers={"Content-Type": "application/json"}, timeout=10).json()
    assert record["_verify"] is True, record


@pytest.mark.parametrize("with_url_part", [False, True])
def test_imaterialise_takes_its_request_example(practice, with_url_part):
    # The example: a File part named INVOICE_TEST.pdf as application/octet-stream (and an empty FileUrl part).
    example = sample("imaterialise", "request.multipart.txt")
    assert 'filename="INVOICE_TEST.pdf"' in example and "application/octet-stream" in example
    files = {"File": ("INVOICE_TEST.pdf", real_pdf("INVOICE TEST"), "application/octet-stream")}
    data = {"FileUrl": ""} if with_url_part else None
    answer = requests.post(
        base(practice, "imaterialise") + "/web-api/order/ORD-1001/invoice",
        files=files,
        data=data,
        headers={"ApiCode": DEMO_API_CODE, "Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
