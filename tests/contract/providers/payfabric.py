"""PayFabric Receivables (shared/seeds/001_fb3e24ae79ba6e8b.txt): the sample InvoicePost, sent as JSON to /invoices
and as the `Invoice` part beside the `Attachment` to /invoices/InvoiceWithAttachment, with the same names and
nesting and the values in the formats the README documents; the sample answer `true` read as saved."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, sample, sample_json
from ..documents import real_pdf

SAMPLE = sample_json("payfabric", "invoice.request.json")
TOKEN = "contract-token-1"
CREDENTIALS = {
    "portal_name": "DemoPortal",
    "integration_key": "contract-key",
    "integration_key_password": "contract-password",
}
BASE_PATH = "/receivables/sync/api"
API = f"{BASE_PATH}/DemoPortal/api"
ATTACHMENT = ("STDINV999999.pdf", real_pdf("Invoice STDINV999999"))
US_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M")
# The README's documented formats: "Taxable": "0" and friends become real booleans, Sequence an integer.
BOOLEANS = {"Taxable", "NonInventory"}
INTEGERS = {"Sequence"}
# Where the sample and the object reference spell a name differently, the value goes under both (README).
ALSO_SPELLED = {"EMailAddress": "Email", "Tracking_Number": "TrackingNumber"}


def documented(value: Any, key: str = "") -> Any:
    """The sample as the README says the app sends it: nulls and empty texts left out, US dates as
    `YYYY-MM-DD HH:mm:ss`, booleans and integers as JSON ones, both spellings of a twice-named field."""
    if isinstance(value, dict):
        out = {k: documented(v, k) for k, v in value.items() if v not in (None, "")}
        for name, other in ALSO_SPELLED.items():
            if name in out:
                out[other] = out[name]
        return out
    if isinstance(value, list):
        return [documented(v) for v in value]
    if isinstance(value, str) and US_DATE.fullmatch(value):
        return datetime.strptime(value, "%m/%d/%Y %I:%M:%S %p").strftime("%Y-%m-%d %H:%M:%S")
    if key in BOOLEANS and isinstance(value, str):
        return value not in ("0", "false", "False")
    if key in INTEGERS and isinstance(value, str):
        return int(value)
    return value


def names(value: Any, path: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {f"{path}.{k}", *names(v, f"{path}.{k}")}}
    if isinstance(value, list):
        return {p for v in value for p in names(v, f"{path}[]")}
    return set()


def _routes() -> list[tuple[str, Answer]]:
    token = f'{{"access_token": "{TOKEN}", "token_type": "bearer", "expires_in": 8639999}}'
    return [
        ("/token", Answer.text(200, token, "application/json")),
        ("/invoices", Answer.text(200, sample("payfabric", "invoice.answer.txt"), "application/json")),
        ("/InvoiceWithAttachment", Answer.text(200, sample("payfabric", "invoice.answer.txt"), "application/json")),
    ]


def _check_token(request: Captured) -> None:
    assert (request.method, request.path) == ("POST", f"{API}/token")
    assert request.content_type == "application/x-www-form-urlencoded"
    assert request.form() == {
        "grant_type": ["password"],
        "username": [CREDENTIALS["integration_key"]],
        "password": [CREDENTIALS["integration_key_password"]],
    }


def _check_invoice(sent: Any) -> None:
    expected = documented(SAMPLE)
    # Names and nesting first (a clearer failure), then the values.
    assert names(sent) == names(expected)
    assert sent == expected


def _check_json(requests: list[Captured]) -> None:
    token, invoice = requests
    _check_token(token)
    assert (invoice.method, invoice.path) == ("POST", f"{API}/invoices")
    assert invoice.content_type == "application/json"
    assert invoice.header("Authorization") == f"Bearer {TOKEN}"
    _check_invoice(invoice.json())


def _check_multipart(requests: list[Captured]) -> None:
    import json

    token, invoice = requests
    _check_token(token)
    assert (invoice.method, invoice.path) == ("POST", f"{API}/invoices/InvoiceWithAttachment")
    assert invoice.content_type == "multipart/form-data"
    assert invoice.header("Authorization") == f"Bearer {TOKEN}"
    parts = {part.name: part for part in invoice.parts()}
    assert set(parts) == {"Invoice", "Attachment"}
    _check_invoice(json.loads(parts["Invoice"].data))
    assert parts["Attachment"].filename == ATTACHMENT[0]
    assert parts["Attachment"].content_type == "application/pdf"
    assert parts["Attachment"].data == ATTACHMENT[1]


def _read_markup(seed: str) -> str:
    """The seed shows the sample in HTML: <b> marks the required fields, &lt; escapes "<"."""
    return html.unescape(re.sub(r"</?b>", "", seed))


CONTRACT = Contract(
    provider_id="payfabric",
    seed="001_fb3e24ae79ba6e8b.txt",
    verbatim={"invoice.request.json": _read_markup, "invoice.answer.txt": _read_markup},
    requests=[
        RequestSample("POST /invoices", Send(SAMPLE, CREDENTIALS, base_path=BASE_PATH), _routes(), _check_json),
        RequestSample(
            "POST /invoices/InvoiceWithAttachment",
            Send(SAMPLE, CREDENTIALS, file=ATTACHMENT, base_path=BASE_PATH),
            _routes(),
            _check_multipart,
        ),
    ],
    answers=[
        AnswerSample("true", Send(SAMPLE, CREDENTIALS, base_path=BASE_PATH), _routes(), Outcome.SUCCEEDED),
    ],
)
