"""DäckData DDAPI (shared/seeds/002_69107cc59ecb608f.txt): the JSON and XML sample requests byte for byte, and the
JSON and XML sample answers (Success true, two errors named)."""

from __future__ import annotations

import json

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, as_is, sample

PATH = "/api/customers/invoice"
CREDENTIALS = {"auth_scheme": "none"}


def _send(fmt: str) -> Send:
    return Send(form=json.loads(sample("ddapi", "request.json")), credentials=CREDENTIALS, options={"format": fmt})


def _answer(fmt: str, content_type: str) -> list[tuple[str, Answer]]:
    return [(PATH, Answer.text(200, sample("ddapi", f"answer.{fmt}"), content_type))]


def _exactly(fmt: str, content_type: str):
    def check(requests: list[Captured]) -> None:
        # Every field was given, so nothing is read first: one POST, the sample byte for byte.
        [request] = requests
        assert (request.method, request.path) == ("POST", PATH)
        assert request.content_type == content_type
        assert request.body == sample("ddapi", f"request.{fmt}").encode("utf-8")

    return check


CONTRACT = Contract(
    provider_id="ddapi",
    seed="002_69107cc59ecb608f.txt",
    verbatim={name: as_is for name in ("request.json", "request.xml", "answer.json", "answer.xml")},
    requests=[
        RequestSample(
            "JSON sample", _send("json"), _answer("json", "application/json"), _exactly("json", "application/json")
        ),
        RequestSample(
            "XML sample", _send("xml"), _answer("xml", "application/xml"), _exactly("xml", "application/xml")
        ),
    ],
    answers=[
        AnswerSample(
            f"{fmt} answer sample as {content_type}",
            _send(fmt),
            _answer(fmt, content_type),
            Outcome.SUCCEEDED,
            "InternalServerError, InternalServerError",
            ("sample string 1",),
        )
        for fmt, content_type in (
            ("json", "application/json"),
            ("json", "text/json"),
            ("xml", "application/xml"),
            ("xml", "text/xml"),
        )
    ],
    not_expressible={
        "application/x-www-form-urlencoded": "the page says “Sample not available” for this format",
    },
)
