"""Practice sandbox of i.materialise's Invoice Add/Update API, as its documentation describes it.

Orders it knows (all with the demo API code unless said otherwise):
  ORD-1001, ORD-1002   open: invoices can be added and replaced
  ORD-2001             shipped          → 103
  ORD-2002             cancelled        → 103
  ORD-3001             placed with another API code → 101
Any other order id → 100. A document URL is never fetched (nothing leaves this computer): a well-formed URL whose
host ends in `.invalid` counts as not downloadable (105), any other is taken as downloaded.
Errors answer HTTP 400 with the documented bodies: JSON {"message": ...} or XML <InvoiceResponse><Message>.

Control hooks for tests (all on the instance, used from the test's thread):
  before_handle = fn(request)      called first for every request, on the server's thread
  answer_next(status, ...)         the next request(s) get this canned answer instead (e.g. 503 + Retry-After)
  hold_answers() -> Event          answers wait (at most 30 s) until the event is set: a server that is slow to
                                   answer, for read timeouts. The request is handled (and stored) first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from html import escape  # loaded with http.server already; xml.sax's escape is the same for text
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..core.i18n import N_
from .server import Sandbox, SandboxRequest, SandboxResponse

DEMO_API_CODE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
OTHER_API_CODE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ALLOWED = (".doc", ".docx", ".pdf", ".xls", ".xlsx")
MAX_BYTES = 10 * 1024 * 1024
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_ROUTE = re.compile(r"^/web-api/order/([^/]+)/invoice/?$")

MESSAGES = {
    100: "Order ID is wrong",
    101: "Wrong API code",
    103: "Order is already shipped or cancelled",
    104: "Incorrect document link format",
    105: "Document cannot be downloaded or timeout",
    106: "Document file format is not supported. File should be of one of formats .doc, .docx, .pdf, .xls, .xlsx",
    107: "No document in request",
    108: "Invoice file cannot be empty",
    109: "Invoice file should be not more than 10MB.",
    110: "Please, use either FileUrl or File, but not both within the same request.",
}


@dataclass
class Order:
    """An order in the i.materialise sandbox, with the invoice attached to it, if any."""

    order_id: str
    api_code: str
    status: str = "open"  # open | shipped | cancelled
    invoice: dict[str, Any] | None = None


class IMaterialiseSandbox(Sandbox):
    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {"api_code": DEMO_API_CODE}
    HINT = N_(
        "Try order ORD-1001 or ORD-1002 (open). ORD-2001 is shipped and ORD-2002 cancelled (refused), ORD-3001 "
        "belongs to another account, any other id is unknown. A document URL with a space in it is not a link "
        "(104), one on a host ending in .invalid cannot be downloaded (105), one not ending in .pdf, .doc(x) or "
        ".xls(x) is an unsupported format (106)."
    )

    def __init__(self) -> None:
        super().__init__()
        self.orders = {
            o.order_id: o
            for o in (
                Order("ORD-1001", DEMO_API_CODE),
                Order("ORD-1002", DEMO_API_CODE),
                Order("ORD-2001", DEMO_API_CODE, "shipped"),
                Order("ORD-2002", DEMO_API_CODE, "cancelled"),
                Order("ORD-3001", OTHER_API_CODE),
            )
        }
        # What arrived, for the tests: order id, file name, size, content type, sha256 or the URL.
        self.received: list[dict[str, Any]] = []
        # Test hooks (see the module docstring).
        self.before_handle: Callable[[SandboxRequest], None] | None = None
        self._canned: list[SandboxResponse] = []
        self._hold: threading.Event | None = None

    def answer_next(
        self, status: int, body: bytes | str = b"", headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        """The next `times` requests get this answer (their body is read and dropped)."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            self._canned.extend(SandboxResponse(status, raw, dict(headers or {})) for _ in range(times))

    def hold_answers(self) -> threading.Event:
        """Answers wait until the returned event is set (at most 30 s)."""
        self._hold = threading.Event()
        return self._hold

    # -- answers in the format the client asked for --------------------------------------------------------

    @staticmethod
    def _wants_json(request: SandboxRequest) -> bool:
        accept = request.header("Accept").lower()
        return "json" in accept  # the vendor's default is XML

    def _error(self, request: SandboxRequest, code: int, status: int = 400) -> SandboxResponse:
        message = MESSAGES[code]
        if self._wants_json(request):
            return SandboxResponse.json(
                {"message": message},
                status=status,
                content_type="text/json" if "text/json" in request.header("Accept") else "application/json",
            )
        xml = (
            '<InvoiceResponse xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<Message>{escape(message, quote=False)}</Message></InvoiceResponse>"
        )
        return SandboxResponse.text(xml, status=status, content_type="application/xml")

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if self.before_handle is not None:
            self.before_handle(request)
        with self.lock:
            canned = self._canned.pop(0) if self._canned else None
        if canned is not None:
            request.body()
            return canned
        response = self._handle(request)
        if self._hold is not None:
            self._hold.wait(30)
        return response

    def _handle(self, request: SandboxRequest) -> SandboxResponse:
        match = _ROUTE.match(request.path)
        if not match or request.method != "POST":
            return self.not_found(request)
        from urllib.parse import unquote

        order_id = unquote(match.group(1))
        api_code = request.header("ApiCode")
        if not _GUID.match(api_code) or api_code.lower() not in (DEMO_API_CODE, OTHER_API_CODE):
            return self._error(request, 101, status=401)
        order = self.orders.get(order_id)
        if order is None:
            return self._error(request, 100)
        if order.api_code != api_code.lower():
            return self._error(request, 101)
        if order.status != "open":
            return self._error(request, 103)
        if request.content_type != "multipart/form-data":
            return self._error(request, 107)
        try:
            parts = request.multipart()
        except Exception:
            return self._error(request, 107)
        try:
            return self._accept_document(request, order, parts)
        finally:
            for part in parts:
                part.close()

    def _accept_document(self, request: SandboxRequest, order: Order, parts: list[Any]) -> SandboxResponse:
        import hashlib

        files = [p for p in parts if p.name == "File" and p.filename is not None]
        urls = [p for p in parts if p.name == "FileUrl" and p.value.strip()]
        if files and urls:
            return self._error(request, 110)
        if urls:
            url = urls[0].value.strip()
            split = urlsplit(url)
            if split.scheme not in ("http", "https") or not split.netloc or " " in url:
                return self._error(request, 104)
            if (split.hostname or "").endswith(".invalid"):
                return self._error(request, 105)
            if not split.path.lower().endswith(ALLOWED):
                return self._error(request, 106)
            order.invoice = {"url": url}
            self.received.append({"order_id": order.order_id, "file_url": url})
            return SandboxResponse(200)
        if not files:
            return self._error(request, 107)
        part = files[0]
        if not part.filename.lower().endswith(ALLOWED):
            return self._error(request, 106)
        if part.size == 0:
            return self._error(request, 108)
        if part.size > MAX_BYTES:
            return self._error(request, 109)
        digest = hashlib.sha256()
        part.file.seek(0)
        for chunk in iter(lambda: part.file.read(1024 * 1024), b""):
            digest.update(chunk)
        order.invoice = {"filename": part.filename, "size": part.size}
        self.received.append(
            {
                "order_id": order.order_id,
                "filename": part.filename,
                "size": part.size,
                "content_type": part.content_type,
                "sha256": digest.hexdigest(),
            }
        )
        return SandboxResponse(200)
