"""Shopwave (shared/seeds/003_1c1dd6975dc3c057.txt): the page documents the headers (with an example) and the body's
keys, nesting and data types, but shows no body; its tables give each answer's id and HTTP status. The request is
checked against all of these, its body as Shopwave's SDKs send it (postBody, form-encoded: README); each documented
id, replayed in Shopwave's `api.message` envelope, yields its outcome."""

from __future__ import annotations

import json
import re
from typing import Any

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, as_is, sample

# "Authorization* {token_type} {access_token} Bearer c3499c…": the documented example is sent as the token.
HEADERS = {
    words[0].rstrip("*"): " ".join(words[-2:]) if words[0].startswith("Authorization") else words[-1]
    for words in (line.split() for line in sample("shopwave", "request.headers.txt").splitlines()[1:])
    if words[-1] != "N/A"
}
EXAMPLE_TOKEN = sample("shopwave", "request.headers.txt").split("Bearer ", 1)[1].split()[0]
# "invoices[{invoieId}].invoiceItems[{invoiceItemId}].price Price String"
#   → {"invoices.*.invoiceItems.*.price": "String"}
FIELDS = {
    re.sub(r"\[\{\w+\}\]", ".*", line.split()[0]): line.split()[-1]
    for line in sample("shopwave", "request.body_fields.txt").splitlines()[1:]
}
TYPES = {
    "Int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
}
CREDENTIALS = {"access_token": EXAMPLE_TOKEN, "token_type": "Bearer", "x_accept_version": HEADERS["x-accept-version"]}
LINE = {
    "barcode": "5012345678900",
    "note": "Roasted this week",
    "name": "Coffee beans 1 kg",
    "price": "12.50",
    "vatPercentage": 20,
    "quantity": 4,
    "productId": 501,
    "accountId": 700,
}
NEW = {
    "supplierId": 10,
    "storeId": 1,
    "supplierStoreId": 100,
    "reference": "SUP-2024-0042",
    "completeDate": "2024-05-31",
    "note": "Delivered with the van",
    "invoiceItems": [LINE],
}
UPDATE = {"id": 4001, "note": "Checked", "invoiceItems": [LINE]}


def paths(value: Any, path: str = "") -> dict[str, Any]:
    """Leaf paths with map keys as "*", the docs' notation: {"invoices.*.reference": "SUP-…", …}."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            step = "*" if path.endswith(("invoices", "invoiceItems")) else key
            out.update(paths(item, f"{path}.{step}" if path else step))
    else:
        out[path] = value
    return out


def _success() -> Answer:
    stored = {"new-1": {**{k: v for k, v in NEW.items() if k != "invoiceItems"}, "id": 5001}, "4001": {"id": 4001}}
    body = {"invoices": stored, "api": {"message": {"success": {"206": {"id": 206, "title": "Resource Created"}}}}}
    return Answer.text(201, json.dumps(body), "application/json")


def _check(requests: list[Captured]) -> None:
    [request] = requests
    assert (request.method, request.path) == ("POST", "/invoice")
    assert request.header("Authorization") == HEADERS["Authorization"]  # "Bearer c3499c…" exactly
    assert request.header("x-accept-version") == HEADERS["x-accept-version"]
    assert request.content_type == "application/x-www-form-urlencoded"
    form = request.form()
    assert list(form) == ["postBody"] and len(form["postBody"]) == 1
    sent = paths(json.loads(form["postBody"][0]))
    # Every documented key, nested as documented, with its documented type; nothing undocumented.
    assert set(sent) == {f"{path}" for path in FIELDS}
    for path, value in sent.items():
        assert TYPES[FIELDS[path]](value), f"{path} = {value!r} is not a {FIELDS[path]}"


def _table(name: str) -> list[tuple[int, int, str]]:
    rows = []
    for line in sample("shopwave", name).splitlines()[1:]:
        ident, status, rest = line.split(" ", 2)
        rows.append((int(ident), int(status), rest))
    return rows


def _error(ident: int, status: int, text: str) -> list[tuple[str, Answer]]:
    body = {"api": {"message": {"errors": {str(ident): {"id": ident, "title": text, "details": text}}}}}
    return [("/invoice", Answer.text(status, json.dumps(body), "application/json"))]


SEND = Send(form=[NEW, UPDATE], credentials=CREDENTIALS)
SEND_ONE = Send(form=[NEW], credentials=CREDENTIALS)

CONTRACT = Contract(
    provider_id="shopwave",
    seed="003_1c1dd6975dc3c057.txt",
    verbatim={
        name: as_is
        for name in ("request.headers.txt", "request.body_fields.txt", "answer.errors.txt", "answer.success.txt")
    },
    requests=[RequestSample("invoice POST, a new invoice and an update", SEND, [("/invoice", _success())], _check)],
    answers=[
        AnswerSample("206 Resource Created (201)", SEND, [("/invoice", _success())], Outcome.SUCCEEDED),
        *(
            AnswerSample(f"{ident} ({status})", SEND_ONE, _error(ident, status, text), Outcome.REJECTED, str(ident))
            for ident, status, text in _table("answer.errors.txt")
        ),
    ],
    not_expressible={"202 Token is valid (200)": "an answer of a token check, which the app does not make"},
)
