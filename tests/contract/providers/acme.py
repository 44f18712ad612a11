"""The contract of the declared fake sixth provider, ACME Ledger (../fake_provider.py, samples/acme/): the same test
as the five real ones, with nothing added to the test for it."""

from __future__ import annotations

import json

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, sample
from ..documents import real_pdf

REQUEST = sample("acme", "invoice.request.json")
FILE = ("ACME-2024-0042.pdf", real_pdf("ACME-2024-0042"))
SEND = Send(form=json.loads(REQUEST), credentials={"api_key": "acme-contract-key"}, file=FILE, environment="production")
CREATED = [("/v1/invoices", Answer.text(201, sample("acme", "invoice.answer.created.json"), "application/json"))]
DUPLICATE = [("/v1/invoices", Answer.text(409, sample("acme", "invoice.answer.error.json"), "application/json"))]


def _check(requests: list[Captured]) -> None:
    [request] = requests
    assert (request.method, request.path) == ("POST", "/v1/invoices")
    assert request.header("X-Api-Key") == "acme-contract-key"
    assert request.content_type == "multipart/form-data"
    parts = {part.name: part for part in request.parts()}
    assert set(parts) == {"metadata", "document"}
    assert parts["metadata"].content_type == "application/json"
    assert parts["metadata"].data.decode() == REQUEST.rstrip("\n")
    assert (parts["document"].filename, parts["document"].data) == FILE


CONTRACT = Contract(
    provider_id="acme",
    seed=None,
    verbatim={name: lambda page: page for name in ("invoice.request.json", "invoice.answer.created.json")},
    requests=[RequestSample("metadata + document", SEND, CREATED, _check)],
    answers=[
        AnswerSample("created", SEND, CREATED, Outcome.SUCCEEDED),
        AnswerSample("duplicate", SEND, DUPLICATE, Outcome.REJECTED, "duplicate_invoice", ("exists already",)),
    ],
)
