"""i.materialise through the app's core (UploadService) against its practice sandbox: success, every documented
error code the sandbox can be made to answer, in JSON and in XML; what cannot reach the sandbox is refused
before anything is sent. The raw sandbox answers themselves are tested in tests/practice/."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.attachments import AttachmentRefused
from invoice_desktop.core.errors import CredentialsMissing, FormInvalid
from invoice_desktop.core.http import Response
from invoice_desktop.core.redaction import MASK
from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.imaterialise import DEMO_API_CODE, OTHER_API_CODE
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.imaterialise import IMaterialiseForm, read_error

PROVIDER = get_provider("imaterialise")
FORMATS = ("json", "xml")
ACCEPT = {"json": "application/json", "xml": "application/xml"}


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)


@pytest.fixture
def seen_headers(sandbox):
    """The headers of every request the sandbox received, as it saw them."""
    seen: list[dict[str, str]] = []
    sandbox.before_handle = lambda request: seen.append(dict(request.headers.items()))
    return seen


def upload(services, order: str, fmt: str = "json", *, file=None, file_url=None, credentials=None):
    prepared = services.uploads.prepare(
        PROVIDER,
        "practice",
        {"order_id": order},
        file_path=file,
        file_url=file_url,
        options={"format": fmt},
        credentials=credentials,
    )
    return services.uploads.run(prepared)


def assert_no_secret_anywhere(services, result, secret: str = DEMO_API_CODE) -> None:
    assert secret not in repr(result.to_dict())
    attempt = services.history.get(result.attempt_id)
    assert secret not in repr(attempt)
    for exchange in services.history.exchanges(result.attempt_id):
        assert secret not in repr(exchange.to_dict())
        assert secret not in exchange.as_text()
        assert secret.upper() not in exchange.as_text().upper()


# -- success ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_pdf_is_accepted_and_arrives_intact(services, sandbox, seen_headers, make_file, fmt):
    pdf = make_file("Rechnung_Müller_№5.pdf", size=200_000)
    result = upload(services, "ORD-1001", fmt, file=pdf)

    assert result.outcome is Outcome.SUCCEEDED
    assert result.title == "i.materialise accepted the invoice for order “ORD-1001”."
    assert result.detail == "Rechnung_Müller_№5.pdf is now the order's invoice document."
    assert result.http_status == 200
    got = sandbox.received[-1]
    assert got["filename"] == "Rechnung_Müller_№5.pdf"  # the non-ASCII name survives the multipart header
    assert got["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert got["content_type"] == "application/pdf"
    assert sandbox.orders["ORD-1001"].invoice == {"filename": "Rechnung_Müller_№5.pdf", "size": 200_000}
    assert seen_headers[-1]["Accept"] == ACCEPT[fmt]
    assert seen_headers[-1]["ApiCode"] == DEMO_API_CODE  # the real code goes to the provider…

    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.SUCCEEDED
    assert attempt.summary == result.title
    assert attempt.file_name == "Rechnung_Müller_№5.pdf" and attempt.file_size == 200_000
    assert attempt.options["format"] == fmt and attempt.options["description"] == "order ORD-1001"
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.method == "POST"
    assert exchange.url.endswith("/imaterialise/web-api/order/ORD-1001/invoice")
    assert exchange.status == 200
    assert exchange.request_headers["ApiCode"] == MASK  # …and only the mask to the log
    assert exchange.request_parts == [
        {"name": "File", "filename": "Rechnung_Müller_№5.pdf", "content_type": "application/pdf", "size": 200_000}
    ]
    assert_no_secret_anywhere(services, result)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("INVOICE.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("old.doc", "application/msword"),
        ("sheet.xls", "application/vnd.ms-excel"),
        ("sheet.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_each_accepted_format_is_sent_with_its_content_type(services, sandbox, make_file, name, content_type):
    result = upload(services, "ORD-1002", file=make_file(name))
    assert result.ok, result
    assert sandbox.received[-1]["filename"] == name
    assert sandbox.received[-1]["content_type"] == content_type


def test_a_file_of_exactly_10_mb_is_accepted(services, sandbox, make_file):
    result = upload(services, "ORD-1001", file=make_file("big.pdf", size=10 * 1024 * 1024))
    assert result.ok, result
    assert sandbox.received[-1]["size"] == 10 * 1024 * 1024


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_document_url_is_accepted(services, sandbox, fmt):
    result = upload(services, "ORD-1002", fmt, file_url="https://files.example.com/invoices/4711.pdf")
    assert result.ok, result
    assert result.detail == "The document URL is now the order's invoice document."
    assert sandbox.received[-1] == {"order_id": "ORD-1002", "file_url": "https://files.example.com/invoices/4711.pdf"}
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.request_parts[0]["name"] == "FileUrl"
    assert exchange.request_parts[0]["value"] == "https://files.example.com/invoices/4711.pdf"


def test_uploading_again_replaces_the_invoice(services, sandbox, make_file):
    assert upload(services, "ORD-1001", file=make_file("first.pdf")).ok
    assert upload(services, "ORD-1001", file=make_file("second.pdf")).ok
    assert sandbox.orders["ORD-1001"].invoice["filename"] == "second.pdf"


# -- documented errors the sandbox answers ------------------------------------------------------------------------

ERRORS = [
    # (case, order, file_url or None, code, provider text, words of the plain sentence, HTTP status)
    ("100 unknown order", "ORD-9999", None, "100", "Order ID is wrong", "does not know order “ORD-9999”", 400),
    (
        "101 other account's order",
        "ORD-3001",
        None,
        "101",
        "Wrong API code",
        "Order “ORD-3001” was placed with a different API code",
        400,
    ),
    (
        "103 shipped",
        "ORD-2001",
        None,
        "103",
        "Order is already shipped or cancelled",
        "Order “ORD-2001” is already shipped or cancelled",
        400,
    ),
    (
        "103 cancelled",
        "ORD-2002",
        None,
        "103",
        "Order is already shipped or cancelled",
        "Order “ORD-2002” is already shipped or cancelled",
        400,
    ),
    (
        "104 link with a space",
        "ORD-1001",
        "https://files.example.com/my invoice.pdf",
        "104",
        "Incorrect document link format",
        "The document URL is not a valid link",
        400,
    ),
    (
        "105 not downloadable",
        "ORD-1001",
        "https://files.example.invalid/4711.pdf",
        "105",
        "Document cannot be downloaded or timeout",
        "could not download the document",
        400,
    ),
    (
        "106 link to a .txt",
        "ORD-1001",
        "https://files.example.com/4711.txt",
        "106",
        "Document file format is not supported. File should be of one of formats .doc, .docx, .pdf, .xls, .xlsx",
        "does not accept this file format",
        400,
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("order", "file_url", "code", "text", "plain", "status"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_documented_errors_become_plain_sentences(
    services, sandbox, make_file, fmt, order, file_url, code, text, plain, status
):
    file = None if file_url else make_file("invoice.pdf")
    result = upload(services, order, fmt, file=file, file_url=file_url)

    assert result.outcome is Outcome.REJECTED
    assert plain in result.title
    assert result.detail  # what to do next
    assert (result.provider_code, result.provider_message, result.http_status) == (code, text, status)
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.REJECTED
    assert attempt.summary == result.title
    assert (attempt.provider_code, attempt.provider_message) == (code, text)
    [exchange] = services.history.exchanges(result.attempt_id)
    assert text.split(".")[0] in exchange.response_body  # the provider's own words are in the log
    assert ("<Message>" in exchange.response_body) == (fmt == "xml")
    assert sandbox.received == []  # nothing was stored
    assert_no_secret_anywhere(services, result)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_api_code_the_provider_does_not_know_is_101(services, sandbox, make_file, fmt):
    unknown = "0bad0bad-1111-4222-8333-944444444444"
    result = upload(services, "ORD-1001", fmt, file=make_file("invoice.pdf"), credentials={"api_code": unknown})
    assert result.outcome is Outcome.REJECTED
    assert (result.provider_code, result.provider_message, result.http_status) == ("101", "Wrong API code", 401)
    assert "different API code" in result.title and "Credentials" in result.detail
    assert_no_secret_anywhere(services, result, unknown)


def test_the_other_accounts_api_code_reaches_its_own_order(services, make_file):
    result = upload(services, "ORD-3001", file=make_file("invoice.pdf"), credentials={"api_code": OTHER_API_CODE})
    assert result.ok, result
    assert_no_secret_anywhere(services, result, OTHER_API_CODE)


# -- what the app refuses before sending (the sandbox would answer 104, 106-110) -------------------------------


@pytest.mark.parametrize(
    ("case", "kwargs", "error", "words"),
    [
        ("104 not a web address", {"file_url": "invoice.pdf"}, FormInvalid, "full web address"),
        ("104 ftp link", {"file_url": "ftp://files.example.com/4711.pdf"}, FormInvalid, "full web address"),
        ("106 a .txt file", {"file": "invoice.txt"}, AttachmentRefused, "accepts only .pdf .doc .docx .xls .xlsx"),
        ("107 no document", {}, FormInvalid, "Add the invoice"),
        ("108 empty file", {"file": "empty.pdf"}, AttachmentRefused, "is empty"),
        ("109 over 10 MB", {"file": "huge.pdf"}, AttachmentRefused, "the limit is 10 MB"),
        (
            "110 file and URL",
            {"file": "invoice.pdf", "file_url": "https://files.example.com/4711.pdf"},
            FormInvalid,
            "not both",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(services, sandbox, make_file, case, kwargs, error, words):
    files = {
        "invoice.txt": {"content": b"Invoice 42"},
        "empty.pdf": {"content": b""},
        "huge.pdf": {"size": 10 * 1024 * 1024 + 1},
        "invoice.pdf": {},
    }
    if "file" in kwargs:
        kwargs = {**kwargs, "file": make_file(kwargs["file"], **files[kwargs["file"]])}
    with pytest.raises(error) as info:
        upload(services, "ORD-1001", **kwargs)
    assert words in info.value.message
    assert sandbox.requests_seen == []
    assert services.history.recent() == []


@pytest.mark.parametrize(
    "api_code",
    [
        "",
        "not-a-guid",
        DEMO_API_CODE[:-1],
        DEMO_API_CODE + "0",
        "{" + DEMO_API_CODE + "}",
        DEMO_API_CODE.replace("-", ""),
    ],
)
def test_the_api_code_must_look_like_a_guid_before_sending(services, sandbox, make_file, api_code):
    with pytest.raises(CredentialsMissing) as info:
        upload(services, "ORD-1001", file=make_file("invoice.pdf"), credentials={"api_code": api_code})
    expected = "API code is missing." if not api_code else "An API code looks like 3f2504e0-"
    assert expected in info.value.message
    assert sandbox.requests_seen == []
    assert services.history.recent() == []


def test_an_upper_case_guid_is_a_guid(services, make_file):
    assert upload(services, "ORD-1001", file=make_file("a.pdf"), credentials={"api_code": DEMO_API_CODE.upper()}).ok


@pytest.mark.parametrize("order", ["", "   ", "ORD 1001"])
def test_a_bad_order_id_is_refused_before_sending(services, sandbox, make_file, order):
    with pytest.raises(FormInvalid) as info:
        upload(services, order, file=make_file("a.pdf"))
    assert "order_id" in info.value.fields
    assert sandbox.requests_seen == []


def test_an_order_id_with_a_slash_stays_one_path_segment(services, sandbox, make_file):
    result = upload(services, "ORD/1001", file=make_file("a.pdf"))
    assert sandbox.requests_seen == [("POST", "/web-api/order/ORD%2F1001/invoice")]
    assert result.provider_code == "100"  # the sandbox does not know "ORD/1001": no other order was touched
    assert sandbox.orders["ORD-1001"].invoice is None


def test_an_unknown_answer_format_is_refused(services, make_file):
    with pytest.raises(FormInvalid, match="json or xml"):
        services.uploads.prepare(
            PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"), options={"format": "yaml"}
        )


# -- reading answers in the shapes the docs leave open ---------------------------------------------------------


def _read(status: int, body: bytes | str, content_type: str = "application/json", url: str | None = None):
    raw = body.encode() if isinstance(body, str) else body
    ctx: Any = SimpleNamespace(form=IMaterialiseForm(order_id="ORD-7"), attachment=None, file_url=url, resume={})
    return PROVIDER.read_response(ctx, Response(status, {"Content-Type": content_type}, raw))


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (400, '{"message": "Invoice file cannot be empty"}', "application/json"),
        (400, '{"Message": "Invoice file cannot be empty"}', "text/json"),
        (400, '\ufeff{"Message": "Invoice file cannot be empty"}', "text/json"),
        (400, '{"Code": 108, "Message": "Invoice file cannot be empty"}', "application/json"),
        (422, '{"error": {"code": "108", "message": "Invoice file cannot be empty"}}', "application/json"),
        (200, '{"code": 108, "message": "Invoice file cannot be empty"}', "application/json"),  # 200 with an error
        (
            400,
            "\ufeff<InvoiceResponse><Message>Invoice file cannot be empty</Message></InvoiceResponse>",
            "application/xml",
        ),
        (
            400,
            '<?xml version="1.0"?><InvoiceResponse xmlns="http://schemas.example/x"><Code>108</Code>'
            "<Message>Invoice file cannot be empty</Message></InvoiceResponse>",
            "text/xml",
        ),
        (400, "<Error><Message>invoice file CANNOT be empty!</Message></Error>", "text/xml"),
    ],
)
def test_error_shapes_are_read_defensively(status, body, content_type):
    result = _read(status, body, content_type)
    assert result.outcome is Outcome.REJECTED
    assert result.provider_code == "108"
    assert result.title == "i.materialise received an empty invoice file."
    assert "Invoice file cannot be empty".lower() in (result.provider_message or "").lower()


def test_read_error_parses_each_documented_message():
    from invoice_desktop.practice.imaterialise import MESSAGES

    for code, message in MESSAGES.items():
        assert read_error(Response(400, {}, f'{{"message": "{message}"}}'.encode())) == (code, message)


def test_an_undocumented_message_is_shown_as_the_provider_wrote_it():
    result = _read(400, '{"message": "Invoice already approved"}')
    assert result.outcome is Outcome.REJECTED
    assert result.title == "i.materialise refused the invoice: Invoice already approved"
    assert result.provider_code is None and result.provider_message == "Invoice already approved"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "outcome", "words"),
    [
        (401, "", "text/plain", Outcome.REJECTED, "refused the API code"),
        (403, "<html>Forbidden</html>", "text/html", Outcome.REJECTED, "refused the API code"),
        (500, '{"detail": "boom"}', "application/json", Outcome.UNCERTAIN, "problem of its own"),
        (502, "<html><body>Bad gateway</body></html>", "text/html", Outcome.UNCERTAIN, "problem of its own"),
        (404, "<html><body>Not found</body></html>", "text/html", Outcome.FAILED, "answered something unexpected"),
        (400, "", "", Outcome.FAILED, "answered something unexpected"),
        (400, "{not json", "application/json", Outcome.FAILED, "answered something unexpected"),
    ],
)
def test_answers_without_a_documented_error(status, body, content_type, outcome, words):
    result = _read(status, body, content_type)
    assert result.outcome is outcome
    assert words in result.title
    assert result.http_status == status


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<!DOCTYPE html><html><body><h1>Guest Wi-Fi</h1>Accept the terms</body></html>", "text/html"),
        ("<html><body>Welcome</body></html>", "application/xml"),  # a page, whatever its label says
        ('<html xmlns="http://www.w3.org/1999/xhtml"><body>Hi</body></html>', ""),  # XHTML parses as XML
        ('{"Success": tru', "application/json"),  # cut short
        ("<InvoiceResponse><Message>OK", "application/xml"),  # cut short
        ("OK", "text/plain"),  # neither JSON nor XML
    ],
)
def test_a_200_that_cannot_be_read_is_uncertain_never_success(body, content_type):
    result = _read(200, body, content_type)
    assert result.outcome is Outcome.UNCERTAIN
    assert result.title == "The answer could not be read: the invoice may or may not be attached to order “ORD-7”."
    # What to do next comes first: the window's one-line outcome shows the start of the detail.
    assert result.detail.startswith("Check order “ORD-7” in i.materialise")
    assert "Retry (it asks before sending again)" in result.detail


@pytest.mark.parametrize(
    ("body", "content_type", "said"),
    [
        ('{"error": "Order not found"}', "application/json", ""),
        ('{"Message": "An error has occurred.", "ExceptionMessage": "Timeout"}', "application/json", "An error"),
        ('{"Success": false, "Message": "Not attached"}', "application/json", "Not attached"),
        ('{"errors": ["File could not be stored"]}', "application/json", ""),
        ("<Error><Message>Something failed</Message></Error>", "application/xml", "Something failed"),
        ("<InvoiceResponse><Success>false</Success></InvoiceResponse>", "application/xml", ""),
    ],
)
def test_a_200_whose_body_reports_an_error_is_never_success(body, content_type, said):
    # The docs: success is a 200 with an empty body or one that carries no error.
    result = _read(200, body, content_type)
    assert result.outcome is Outcome.UNCERTAIN, result.title
    assert "may or may not be attached to order “ORD-7”" in result.title and said in result.title
    assert result.detail.startswith("Check order “ORD-7” in i.materialise")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("", ""), ("{}", "application/json"), ("<InvoiceResponse/>", "application/xml"), ("\ufeff{}", "text/json")],
)
def test_a_200_with_nothing_or_well_formed_json_or_xml_is_success(body, content_type):
    assert _read(200, body, content_type).ok


def test_success_with_a_body_is_still_success():
    result = _read(
        200,
        "<InvoiceResponse><Message>OK</Message></InvoiceResponse>",
        "application/xml",
        url="https://x.example/a.pdf",
    )
    assert result.ok
