"""SkyPostal's sandbox holds step 2 to the documented `Content-Type: text/plain`, so practice catches a regression
of the header; the docs' own step-1 sample is accepted as it is."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from invoice_desktop.practice.skypostal import APP_KEY, USER_CODE
from invoice_desktop.providers import get_provider

BASE = "/service-customer.svc/customer/"
# The docs' step-1 sample, verbatim (shared/seeds/000_569b7f3bd764f25c.txt), kept with the contract test's samples.
STEP1_SAMPLE = (
    Path(__file__).resolve().parents[1] / "contract" / "samples" / "skypostal" / "upload_invoice_data.request.json"
).read_text(encoding="utf-8")


@pytest.fixture
def base(practice):
    return practice.base_url(get_provider("skypostal")) + BASE


def step1(base: str) -> str:
    answer = requests.post(
        base + "customer-upload-invoice-data",
        data=STEP1_SAMPLE.encode(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    [record] = answer.json()
    assert record["_verify"] is True, record
    return record["invoice_file_guid"]


def step2(base: str, guid: str, content_type: str) -> requests.Response:
    headers = {"invoice_file_guid": guid, "user_code": str(USER_CODE), "app_key": APP_KEY, "Content-Type": content_type}
    return requests.post(base + "customer-upload-invoice-file", data=b"%PDF-1.4\n%%EOF\n", headers=headers, timeout=10)


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8"])
def test_step_2_as_documented_is_taken(base, content_type):
    answer = step2(base, step1(base), content_type)
    [record] = answer.json()
    assert record["_verify"] is True and record["invoice_file_url"]


@pytest.mark.parametrize("content_type", ["application/pdf", "application/octet-stream", "multipart/form-data"])
def test_step_2_with_another_content_type_is_turned_away(base, content_type):
    answer = step2(base, step1(base), content_type)
    assert answer.status_code == 415
    assert "Request Error" in answer.text
