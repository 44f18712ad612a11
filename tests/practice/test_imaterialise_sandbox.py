"""The i.materialise practice sandbox, spoken to directly (requests + requests-toolbelt, as any client would):
it must answer every documented case as the documentation says, including those the app never lets through
(104, 106-110), and the provider module must turn each of those raw answers into a plain sentence."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from requests_toolbelt import MultipartEncoder

from invoice_desktop.core.http import Response
from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.imaterialise import DEMO_API_CODE, MESSAGES
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.imaterialise import PLAIN, IMaterialiseForm

PROVIDER = get_provider("imaterialise")
ACCEPTS = {"json": "application/json", "xml": "application/xml"}
PDF = b"%PDF-1.4\n" + b"x" * 500


@pytest.fixture
def base(practice):
    return practice.base_url(PROVIDER)


@pytest.fixture
def sandbox(practice):
    return practice.sandbox_for(PROVIDER)


def post(
    base: str,
    order: str,
    fields: list[tuple[str, Any]] | None,
    *,
    accept: str | None = "application/json",
    api_code: str | None = DEMO_API_CODE,
    content_type: str | None = None,
    data: bytes | None = None,
):
    headers = {}
    if api_code is not None:
        headers["ApiCode"] = api_code
    if accept is not None:
        headers["Accept"] = accept
    body: Any = data
    if fields is not None:
        body = MultipartEncoder(fields=fields)
        headers["Content-Type"] = body.content_type
    elif content_type:
        headers["Content-Type"] = content_type
    return requests.post(f"{base}/web-api/order/{order}/invoice", data=body, headers=headers, timeout=10)


def file_part(name: str = "invoice.pdf", content: bytes = PDF, content_type: str = "application/octet-stream"):
    return ("File", (name, content, content_type))


def url_part(url: str):
    return ("FileUrl", url)


def expect_error(answer: requests.Response, code: int, fmt: str, status: int = 400) -> None:
    assert answer.status_code == status
    if fmt == "json":
        assert answer.headers["Content-Type"].startswith("application/json")
        assert answer.json() == {"message": MESSAGES[code]}
    else:
        assert answer.headers["Content-Type"].startswith("application/xml")
        assert answer.text.startswith("<InvoiceResponse ")
        assert f"<Message>{MESSAGES[code]}</Message></InvoiceResponse>" in answer.text


def plain_result(answer: requests.Response):
    ctx: Any = SimpleNamespace(form=IMaterialiseForm(order_id="ORD-1001"), attachment=None, file_url=None)
    return PROVIDER.read_response(ctx, Response(answer.status_code, dict(answer.headers), answer.content))


CASES = [
    # (case, order, multipart fields (None: not multipart), code)
    ("100 unknown order", "ORD-0000", [file_part()], 100),
    ("101 other account's order", "ORD-3001", [file_part()], 101),
    ("103 shipped", "ORD-2001", [file_part()], 103),
    ("103 cancelled", "ORD-2002", [file_part()], 103),
    ("104 not a link", "ORD-1001", [url_part("invoice.pdf")], 104),
    ("104 ftp link", "ORD-1001", [url_part("ftp://files.example.com/a.pdf")], 104),
    ("104 link with a space", "ORD-1001", [url_part("https://files.example.com/my invoice.pdf")], 104),
    ("105 not downloadable", "ORD-1001", [url_part("https://nowhere.invalid/a.pdf")], 105),
    ("106 .txt file", "ORD-1001", [file_part("invoice.txt", b"Invoice")], 106),
    ("106 no extension", "ORD-1001", [file_part("invoice", PDF)], 106),
    ("106 link to a .png", "ORD-1001", [url_part("https://files.example.com/scan.png")], 106),
    ("107 no parts", "ORD-1001", [("Comment", "hello")], 107),
    ("107 not multipart", "ORD-1001", None, 107),
    ("107 empty FileUrl", "ORD-1001", [url_part("   ")], 107),
    ("108 empty file", "ORD-1001", [file_part("invoice.pdf", b"")], 108),
    ("109 10 MB and one byte", "ORD-1001", [file_part("big.pdf", b"%" * (10 * 1024 * 1024 + 1))], 109),
    ("110 File and FileUrl", "ORD-1001", [file_part(), url_part("https://files.example.com/a.pdf")], 110),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("order", "fields", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_documented_error_in_json_and_xml(base, sandbox, fmt, order, fields, code):
    data = b'{"FileUrl": "https://files.example.com/a.pdf"}' if fields is None else None
    answer = post(
        base, order, fields, accept=ACCEPTS[fmt], data=data, content_type="application/json" if fields is None else None
    )
    expect_error(answer, code, fmt)
    assert sandbox.received == []

    result = plain_result(answer)  # what the app would show had the answer come from the real API
    assert result.outcome is Outcome.REJECTED
    assert result.provider_code == str(code)
    assert result.provider_message == MESSAGES[code]
    assert result.title == PLAIN[code][0].format(order="ORD-1001")
    assert result.detail == PLAIN[code][1]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_code", [None, "", "not-a-guid", "0bad0bad-1111-4222-8333-944444444444"])
def test_a_missing_malformed_or_unknown_api_code_is_101(base, sandbox, fmt, api_code):
    answer = post(base, "ORD-1001", [file_part()], accept=ACCEPTS[fmt], api_code=api_code)
    expect_error(answer, 101, fmt, status=401)
    assert sandbox.orders["ORD-1001"].invoice is None
    assert plain_result(answer).provider_code == "101"


def test_the_api_code_is_checked_case_insensitively(base):
    assert post(base, "ORD-1001", [file_part()], api_code=DEMO_API_CODE.upper()).status_code == 200


@pytest.mark.parametrize(
    ("accept", "content_type", "is_json"),
    [
        ("application/json", "application/json", True),
        ("text/json", "text/json", True),
        ("application/xml", "application/xml", False),
        ("text/xml", "application/xml", False),
        (None, "application/xml", False),
        ("*/*", "application/xml", False),
    ],
    ids=["application/json", "text/json", "application/xml", "text/xml", "no Accept: XML", "*/*: XML"],
)
def test_the_answer_format_follows_accept(base, accept, content_type, is_json):
    answer = post(base, "ORD-0000", [file_part()], accept=accept)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].split(";")[0] == content_type
    assert (answer.text.startswith("{")) is is_json
    assert plain_result(answer).provider_code == "100"


def test_exactly_10_mb_is_taken_and_stored_intact(base, sandbox):
    content = b"%PDF-1.4\n" + bytes(range(256)) * (10 * 1024 * 4) + b"\n"
    content = content[: 10 * 1024 * 1024]
    answer = post(base, "ORD-1001", [file_part("big.pdf", content)])
    assert answer.status_code == 200
    assert sandbox.received[-1]["size"] == 10 * 1024 * 1024
    assert sandbox.received[-1]["sha256"] == hashlib.sha256(content).hexdigest()


def test_a_non_ascii_file_name_is_stored_as_sent(base, sandbox):
    assert post(base, "ORD-1002", [file_part("Rechnung_Müller_№5.PDF")]).status_code == 200
    assert sandbox.orders["ORD-1002"].invoice == {"filename": "Rechnung_Müller_№5.PDF", "size": len(PDF)}


def test_unknown_paths_and_methods_are_404(base):
    assert requests.get(f"{base}/web-api/order/ORD-1001/invoice", timeout=5).status_code == 404
    assert requests.post(f"{base}/web-api/order/ORD-1001/delivery", timeout=5).status_code == 404


def test_canned_answers_and_request_hook(base, sandbox):
    seen = []
    sandbox.before_handle = lambda request: seen.append(request.header("ApiCode"))
    sandbox.answer_next(503, "busy", {"Retry-After": "7"})
    first = post(base, "ORD-1001", [file_part()])
    second = post(base, "ORD-1001", [file_part()])
    assert (first.status_code, first.headers["Retry-After"], first.text) == (503, "7", "busy")
    assert second.status_code == 200
    assert seen == [DEMO_API_CODE, DEMO_API_CODE]
    assert len(sandbox.received) == 1
