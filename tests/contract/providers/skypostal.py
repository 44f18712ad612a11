"""SkyPostal API-BOX (shared/seeds/000_569b7f3bd764f25c.txt): step 1's sample request as JSON with the same names,
nesting and values; step 2 the raw file as text/plain with the sample answer's GUID; the sample answer read."""

from __future__ import annotations

import json

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, as_is, sample, sample_json
from ..documents import real_pdf

STEP1 = "/service-customer.svc/customer/customer-upload-invoice-data"
STEP2 = "/service-customer.svc/customer/customer-upload-invoice-file"
REQUEST = sample_json("skypostal", "upload_invoice_data.request.json")
ANSWER = sample_json("skypostal", "upload_invoice_data.answer.json")
FILE = ("invtest.pdf", real_pdf("Invoice 13869085"))


def _send() -> Send:
    return Send(
        form={"trck_nmr_fol": REQUEST["trck_nmr_fol"]},
        credentials={k: str(REQUEST[k]) for k in ("user_code", "app_key", "customer_box_id", "customer_key")},
        file=FILE,
        base_path="/wcf-services",
    )


def _routes() -> list[tuple[str, Answer]]:
    # Step 2 answers "the same array shape, with invoice_file_url filled in" (the docs show no separate sample).
    step2 = [{**ANSWER[0], "invoice_file_url": "https://api-box-test.skypostal.com/files/invtest.pdf"}]
    return [
        (STEP1, Answer.text(200, sample("skypostal", "upload_invoice_data.answer.json"), "application/json")),
        (STEP2, Answer.text(200, json.dumps(step2), "application/json")),
    ]


def _check(requests: list[Captured]) -> None:
    step1, step2 = requests
    assert (step1.method, step1.path) == ("POST", "/wcf-services" + STEP1)
    assert step1.content_type == "application/json"
    assert step1.json() == REQUEST  # names, nesting, values and their JSON types
    assert (step2.method, step2.path) == ("POST", "/wcf-services" + STEP2)
    assert step2.content_type == "text/plain"
    assert step2.header("invoice_file_guid") == ANSWER[0]["invoice_file_guid"]
    assert step2.header("user_code") == str(REQUEST["user_code"])
    assert step2.header("app_key") == REQUEST["app_key"]
    assert step2.body == FILE[1]


CONTRACT = Contract(
    provider_id="skypostal",
    seed="000_569b7f3bd764f25c.txt",
    verbatim={"upload_invoice_data.request.json": as_is, "upload_invoice_data.answer.json": as_is},
    requests=[RequestSample("upload invoice data + file", _send(), _routes(), _check)],
    answers=[AnswerSample("upload invoice data answer", _send(), _routes(), Outcome.SUCCEEDED)],
)
