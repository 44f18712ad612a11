"""i.materialise (shared/seeds/004_4f3f5b1f2cd301f9.txt): the request example's multipart (a `File` part with its
file name, or a `FileUrl` part, never both), the ApiCode and Accept headers; the page's two error examples and a
200 read as the documented outcomes."""

from __future__ import annotations

from invoice_desktop.core.results import Outcome

from ..capture import Answer, Captured
from ..contract import AnswerSample, Contract, RequestSample, Send, as_is, sample
from ..documents import real_pdf

API_CODE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
ORDER = "ORD-1001"
PATH = f"/web-api/order/{ORDER}/invoice"
FILE = ("INVOICE_TEST.pdf", real_pdf("INVOICE TEST"))
URL = "https://files.example.com/invoices/INVOICE_TEST.pdf"
ACCEPT = {"json": "application/json", "xml": "application/xml"}
DOCUMENTED_ACCEPT = {"text/json", "application/json", "text/xml", "application/xml"}
# The request example's parts (request.multipart.txt): their names, and the file's name and type.
DOCUMENTED_PARTS = {"File", "FileUrl"}


def _send(fmt: str = "json", *, file: bool = True) -> Send:
    return Send(
        form={"order_id": ORDER},
        credentials={"api_code": API_CODE},
        file=FILE if file else None,
        file_url=None if file else URL,
        options={"format": fmt},
    )


OK = [("/invoice", Answer(200))]


def _headers(request: Captured, fmt: str) -> None:
    assert (request.method, request.path) == ("POST", PATH)
    assert request.header("ApiCode") == API_CODE
    assert request.header("Accept") == ACCEPT[fmt] and ACCEPT[fmt] in DOCUMENTED_ACCEPT
    assert request.content_type == "multipart/form-data"


def _check_file(requests: list[Captured]) -> None:
    [request] = requests
    _headers(request, "json")
    [part] = request.parts()
    assert part.name == "File" and part.name in DOCUMENTED_PARTS
    assert part.filename == FILE[0]
    # The example shows application/octet-stream; the README documents that the app sends the file's real type.
    assert part.content_type == "application/pdf"
    assert part.data == FILE[1]


def _check_url(requests: list[Captured]) -> None:
    [request] = requests
    _headers(request, "xml")
    [part] = request.parts()
    assert part.name == "FileUrl" and part.name in DOCUMENTED_PARTS
    assert part.filename is None
    assert part.data.decode() == URL


def _completed_json() -> str:
    # The page shows a fragment of the JSON answer (a member and a comma): completed into the object it belongs to.
    return "{" + sample("imaterialise", "answer.error.json.fragment").strip().rstrip(",") + "}"


def _completed_xml() -> str:
    # The page's XML example stops before its closing tag, and the copy lost its links (providers.md): the namespace
    # URIs .NET's XmlSerializer writes are put back (an empty prefixed namespace is not XML) and the tag closed.
    fragment = sample("imaterialise", "answer.error.xml.fragment").rstrip()
    fragment = fragment.replace('xmlns:xsd=""', 'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')
    fragment = fragment.replace('xmlns:xsi=""', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')
    return fragment + "\n</InvoiceResponse>"


CONTRACT = Contract(
    provider_id="imaterialise",
    seed="004_4f3f5b1f2cd301f9.txt",
    verbatim={
        "request.multipart.txt": as_is,
        "answer.error.json.fragment": as_is,
        "answer.error.xml.fragment": as_is,
    },
    requests=[
        RequestSample("File part", _send(), OK, _check_file),
        RequestSample("FileUrl part", _send("xml", file=False), OK, _check_url),
    ],
    answers=[
        AnswerSample("200, no body", _send(), OK, Outcome.SUCCEEDED),
        AnswerSample(
            "JSON error example",
            _send(),
            [("/invoice", Answer.text(400, _completed_json(), "application/json"))],
            Outcome.REJECTED,
            "103",
            ("shipped or cancelled",),
        ),
        AnswerSample(
            "XML error example",
            _send("xml", file=False),
            [("/invoice", Answer.text(400, _completed_xml(), "application/xml"))],
            Outcome.REJECTED,
            "104",
        ),
    ],
)
