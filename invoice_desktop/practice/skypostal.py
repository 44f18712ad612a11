"""Practice sandbox of SkyPostal's API-BOX (upload invoice data, upload invoice file, customer login).

It answers as the documentation shows: HTTP 200 with a JSON array of one object, `_verify` and an `error` object,
and "/" written as "\\/" as WCF does. A request whose JSON does not fit the service's types (a tracking number sent
as a string, say) gets WCF's HTML "Request Error" page with HTTP 400.

Credentials it knows (the practice environment fills in the first customer):
  user_code 396, app_key 1656d700707ad9a77f737e5df3db088a   (the docs' sample pair)
  customer 811111, key YpbCNpzqxYqVWv+tzg4e4Ex6ALiT+DfKSYA3NY2dZcw=   Demo Customer
  customer 822222, key Zm9v/YmFy+QmF6L2RlbW8vY3VzdG9tZXIyMjI=   Second Customer (the key holds "/")
Sign-in (customer-login):
  demo@skypostal.example / practice-1     → customer 811111
  second@skypostal.example / practice-2   → customer 822222
Tracking numbers (trck_nmr_fol):
  13869085, 13869086   parcels of customer 811111
  13869090             parcel of customer 822222
  any other            → _verify false, "Tracking number ... not found"
Refusals (all _verify false with an error_description): wrong user code / app key, wrong customer box id / key,
unknown tracking number, a parcel of another customer, a missing file name or an extension other than
.pdf .jpeg .png .txt; step 2 with an unknown GUID, an empty file or one over 5 MB (5,242,880 bytes).
Step 2 must carry `Content-Type: text/plain` as documented (a charset parameter is fine): any other type gets
WCF's HTML "Request Error" page with HTTP 415.
Step 1 returns a fresh GUID every time; step 2 with the same GUID again replaces the file.
The invoice file URL points back at this server (GET .../invoice-files/{guid}/{name}) so the link opens.

Controls for tests: `fail_next_step2` = "http500" (WCF's HTML error page, HTTP 500) or "refuse" (_verify false with
system_error true) fails the next step 2 once. Counters: `step1_requests`, `step2_requests`, `login_requests`.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote, unquote

from ..core.i18n import N_
from .server import Sandbox, SandboxRequest, SandboxResponse

USER_CODE = 396
APP_KEY = "1656d700707ad9a77f737e5df3db088a"
ALLOWED = (".pdf", ".jpeg", ".png", ".txt")
MAX_BYTES = 5 * 1024 * 1024
_BASE = "/service-customer.svc/customer/"
_FILES = re.compile(r"^/invoice-files/([0-9a-f-]{36})/([^/]+)$")


@dataclass
class Customer:
    box_id: int
    key: str
    email: str
    password: str
    first_name: str
    last_name: str
    registered_ms: int  # WCF date: milliseconds since 1970 UTC


@dataclass
class Invoice:
    guid: str
    invoice_id: str
    file_name: str  # server-renamed
    trck_nmr_fol: int
    customer_box_id: int
    content: bytes | None = None
    content_type: str = ""
    sha256: str = ""


CUSTOMERS = (
    Customer(
        811111,
        "YpbCNpzqxYqVWv+tzg4e4Ex6ALiT+DfKSYA3NY2dZcw=",
        "demo@skypostal.example",
        "practice-1",
        "Demo",
        "Customer",
        1550761010000,
    ),
    Customer(
        822222,
        "Zm9v/YmFy+QmF6L2RlbW8vY3VzdG9tZXIyMjI=",
        "second@skypostal.example",
        "practice-2",
        "Second",
        "Customer",
        1262322000000,
    ),
)
PARCELS = {13869085: 811111, 13869086: 811111, 13869090: 822222}

WCF_ERROR_PAGE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">'
    '<html><head><title>Request Error</title></head><body><div id="content"><p class="heading1">Request Error</p>'
    "<p>The server encountered an error processing the request. See server logs for more details.</p></div>"
    "</body></html>"
)


def _wcf_json(data: Any) -> bytes:
    """JSON as WCF writes it: compact, with "/" escaped."""
    return json.dumps(data, separators=(",", ":")).replace("/", "\\/").encode("utf-8")


def _wcf_date(ms: int, offset: str = "-0500") -> str:
    return f"/Date({ms}{offset})/"


class SkyPostalSandbox(Sandbox):
    HINT: ClassVar[str] = N_(
        "Try tracking number 13869085 or 13869086; any other is unknown, and 13869090 is another customer's "
        "(refused). To sign in as that customer (Credentials…), use second@skypostal.example with password "
        "practice-2."
    )
    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {
        "user_code": str(USER_CODE),
        "app_key": APP_KEY,
        "customer_box_id": str(CUSTOMERS[0].box_id),
        "customer_key": CUSTOMERS[0].key,
    }

    def __init__(self) -> None:
        super().__init__()
        self.customers = {c.box_id: c for c in CUSTOMERS}
        self.parcels = dict(PARCELS)
        self.invoices: dict[str, Invoice] = {}
        self.next_invoice_id = 442825
        self.fail_next_step2: str | None = None
        self.step1_requests = 0
        self.step2_requests = 0
        self.login_requests = 0
        # Step-2 bodies as they arrived, for the tests: guid, size, content type, sha256, the headers' names.
        self.received: list[dict[str, Any]] = []

    # -- answers -------------------------------------------------------------------------------------------------

    @staticmethod
    def _answer(
        fields: dict[str, Any],
        *,
        description: str = "",
        location: str = "",
        system_error: bool = False,
        status: int = 200,
    ) -> SandboxResponse:
        body = {
            "_verify": not description,
            **fields,
            "error": {"error_description": description, "error_location": location, "system_error": system_error},
        }
        ordered = dict(sorted(body.items()))  # WCF writes members in alphabetical order
        return SandboxResponse(status, _wcf_json([ordered]), {"Content-Type": "application/json; charset=utf-8"})

    @staticmethod
    def _request_error(status: int = 400) -> SandboxResponse:
        return SandboxResponse.text(WCF_ERROR_PAGE, status=status, content_type="text/html")

    def _invoice_fields(self, invoice: Invoice | None, trck: Any = 0, box: Any = 0, url: str = "") -> dict[str, Any]:
        return {
            "customer_box_id": invoice.customer_box_id if invoice else box,
            "invoice_file_guid": invoice.guid if invoice else "",
            "invoice_file_name": invoice.file_name if invoice else "",
            "invoice_file_url": url,
            "invoice_id": invoice.invoice_id if invoice else "",
            "trck_nmr_fol": invoice.trck_nmr_fol if invoice else trck,
        }

    # -- routing -------------------------------------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        files = _FILES.match(request.path)
        if files and request.method == "GET":
            return self._serve_file(files.group(1), unquote(files.group(2)))
        if request.method != "POST" or not request.path.startswith(_BASE):
            return self.not_found(request)
        operation = request.path[len(_BASE) :].rstrip("/")
        if operation == "customer-upload-invoice-data":
            return self._step1(request)
        if operation == "customer-upload-invoice-file":
            return self._step2(request)
        if operation == "customer-login":
            return self._login(request)
        return self.not_found(request)

    @staticmethod
    def _json_object(request: SandboxRequest) -> dict[str, Any] | None:
        try:
            data = request.json()
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def _app_ok(user_code: Any, app_key: Any) -> bool:
        return user_code == USER_CODE and app_key == APP_KEY

    def _customer(self, box_id: Any, key: Any) -> Customer | None:
        customer = self.customers.get(box_id) if isinstance(box_id, int) else None
        return customer if customer is not None and customer.key == key else None

    # -- step 1 --------------------------------------------------------------------------------------------------

    def _step1(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            self.step1_requests += 1
        data = self._json_object(request)
        where = "customer-upload-invoice-data"
        # The service's data contract: numbers are numbers, strings strings, or WCF cannot read the request.
        if (
            data is None
            or not all(
                isinstance(data.get(k), int) and not isinstance(data.get(k), bool)
                for k in ("user_code", "customer_box_id", "trck_nmr_fol")
                if k in data
            )
            or not all(
                isinstance(data.get(k), str) for k in ("app_key", "customer_key", "invoice_file_name") if k in data
            )
        ):
            return self._request_error()
        trck = data.get("trck_nmr_fol", 0)
        box = data.get("customer_box_id", 0)
        empty = self._invoice_fields(None, trck, box)
        if not self._app_ok(data.get("user_code"), data.get("app_key")):
            return self._answer(empty, description="Invalid user_code or app_key.", location=where)
        customer = self._customer(box, data.get("customer_key"))
        if customer is None:
            return self._answer(empty, description="Invalid customer_box_id or customer_key.", location=where)
        if not trck:
            return self._answer(empty, description="trck_nmr_fol is required.", location=where)
        owner = self.parcels.get(trck)
        if owner is None:
            return self._answer(empty, description=f"Tracking number {trck} not found.", location=where)
        if owner != customer.box_id:
            return self._answer(
                empty, description=f"Tracking number {trck} does not belong to this customer.", location=where
            )
        name = (data.get("invoice_file_name") or "").strip()
        if not name:
            return self._answer(empty, description="invoice_file_name is required.", location=where)
        if not name.lower().endswith(ALLOWED) or "." not in name:
            return self._answer(
                empty,
                description="Invalid file extension. Allowed extensions: .pdf, .jpeg, .png, .txt.",
                location=where,
            )
        with self.lock:
            invoice = Invoice(
                guid=str(uuid.uuid4()),
                invoice_id=str(self.next_invoice_id),
                file_name=f"{datetime.now():%Y%m%d%H%M%S}_{trck}_{name}",
                trck_nmr_fol=trck,
                customer_box_id=customer.box_id,
            )
            self.next_invoice_id += 1
            self.invoices[invoice.guid] = invoice
        return self._answer(self._invoice_fields(invoice))

    # -- step 2 --------------------------------------------------------------------------------------------------

    def _read_limited(self, request: SandboxRequest) -> tuple[bytes | None, int, str]:
        """(content if within the limit, size, sha256), read in chunks: an oversized body is never held."""
        digest = hashlib.sha256()
        kept: list[bytes] = []
        size = 0
        remaining = request.content_length
        while remaining > 0:
            chunk = request.stream.read(min(remaining, 256 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
            size += len(chunk)
            digest.update(chunk)
            if size <= MAX_BYTES:
                kept.append(chunk)
        request._body = b""  # consumed
        return (b"".join(kept) if size <= MAX_BYTES else None), size, digest.hexdigest()

    def _step2(self, request: SandboxRequest) -> SandboxResponse:
        where = "customer-upload-invoice-file"
        with self.lock:
            self.step2_requests += 1
            failure, self.fail_next_step2 = self.fail_next_step2, None
        content, size, sha = self._read_limited(request)
        guid = request.header("invoice_file_guid").strip().lower()
        with self.lock:
            invoice = self.invoices.get(guid)
        try:
            user_code: Any = int(request.header("user_code"))
        except ValueError:
            user_code = None
        self.received.append(
            {
                "guid": guid,
                "size": size,
                "sha256": sha,
                "content_type": request.header("Content-Type"),
                "headers": sorted(k.lower() for k in request.headers),
            }
        )
        if failure == "http500":
            return self._request_error(500)
        if request.content_type != "text/plain":
            # The documented step 2 is the raw file as text/plain; WCF turns any other type away before the
            # service sees it (415 with its HTML error page), so practice catches a regression of the header.
            return self._request_error(415)
        if failure == "refuse":
            return self._answer(
                self._invoice_fields(invoice),
                description="The file could not be saved (storage timeout).",
                location=where,
                system_error=True,
            )
        if not self._app_ok(user_code, request.header("app_key")):
            return self._answer(
                self._invoice_fields(invoice), description="Invalid user_code or app_key.", location=where
            )
        if invoice is None:
            return self._answer(self._invoice_fields(None), description="invoice_file_guid not found.", location=where)
        # The docs need only the GUID, user_code and app_key; the customer headers, when sent, must fit.
        box, key = request.header("customer_box_id"), request.header("customer_key")
        if (box or key) and (
            not box.isdigit() or self._customer(int(box), key) is None or int(box) != invoice.customer_box_id
        ):
            return self._answer(
                self._invoice_fields(invoice), description="Invalid customer_box_id or customer_key.", location=where
            )
        if size == 0:
            return self._answer(self._invoice_fields(invoice), description="The invoice file is empty.", location=where)
        if content is None:
            return self._answer(
                self._invoice_fields(invoice),
                description="The invoice file exceeds the maximum size of 5 MB.",
                location=where,
            )
        with self.lock:
            invoice.content = content
            invoice.content_type = request.header("Content-Type")
            invoice.sha256 = sha
        host = request.header("Host") or "127.0.0.1"
        url = f"http://{host}/skypostal/invoice-files/{invoice.guid}/{quote(invoice.file_name)}"
        return self._answer(self._invoice_fields(invoice, url=url))

    def _serve_file(self, guid: str, name: str) -> SandboxResponse:
        with self.lock:
            invoice = self.invoices.get(guid)
        if invoice is None or invoice.content is None or invoice.file_name != name:
            return SandboxResponse.text("Not found", status=404)
        types = {".pdf": "application/pdf", ".png": "image/png", ".jpeg": "image/jpeg", ".txt": "text/plain"}
        ext = "." + name.rsplit(".", 1)[-1].lower()
        return SandboxResponse(200, invoice.content, {"Content-Type": types.get(ext, "application/octet-stream")})

    # -- login ---------------------------------------------------------------------------------------------------

    def _login(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            self.login_requests += 1
        data = self._json_object(request)
        where = "customer-login"
        if data is None or not isinstance(data.get("user_code", 0), int):
            return self._request_error()
        empty = {
            "customer_box_id": 0,
            "customer_key": "",
            "customer_email": "",
            "customer_first_name": "",
            "customer_last_name": "",
            "customer_active": False,
            "customer_registration_date": _wcf_date(-62135596800000, ""),
            "customer_last_login_date": _wcf_date(-62135596800000, ""),
        }
        if not self._app_ok(data.get("user_code"), data.get("app_key")):
            return self._answer(empty, description="Invalid user_code or app_key.", location=where)
        email = str(data.get("customer_email") or "").strip().lower()
        password = str(data.get("customer_password") or "")
        customer = next((c for c in self.customers.values() if c.email == email), None)
        if customer is None or customer.password != password:
            return self._answer(empty, description="Invalid e-mail or password.", location=where)
        return self._answer(
            {
                "customer_box_id": customer.box_id,
                "customer_key": customer.key,
                "customer_email": customer.email,
                "customer_first_name": customer.first_name,
                "customer_last_name": customer.last_name,
                "customer_active": True,
                "customer_registration_date": _wcf_date(customer.registered_ms),
                "customer_last_login_date": _wcf_date(1700000000000),
            }
        )
