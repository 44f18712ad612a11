"""Practice sandbox of PayFabric Receivables' Sync API (token + invoices), as its documentation describes it.

Mounted at /payfabric, so the app's base is {server}/payfabric/{PortalName}/api, the same shape as the real
`https://{host}/receivables/sync/api/{PortalName}/api`.

Portal and demo credentials (what practice mode fills in):
  portal name `DemoPortal` (any letter case), integration key `demo-integration-key`,
  integration key password `demo-key-password-2024`.
Any other portal name → 404. A wrong key or password → 400 {"error": "invalid_grant", "error_description": ...}
(the answer of an OWIN OAuth token endpoint; PayFabric's is not documented).

Tokens: `POST /token` (form: grant_type=password, username, password; client_id=ePay_Sync is allowed, as older docs
sent it) answers {"access_token", "token_type": "bearer", "expires_in": 8639999, ".issued", ".expires", ...}.
Invoice calls without a valid bearer token (missing, unknown, expired, another portal's) → 401
{"Message": "Authorization has been denied for this request."}.

Invoices: `POST /invoices` (JSON) and `POST /invoices/InvoiceWithAttachment` (multipart `Invoice` + `Attachment`)
answer `true` and store the invoice (create or overwrite by InvoiceId). The error bodies are not documented; this
sandbox answers as ASP.NET Web API does:
  412 {"Message": "Missing mandatory fields: Amount, BalanceDue.", "ModelState": {"invoice.Amount":
       ["The Amount field is required."], ...}}   for Amount, BalanceDue, CustomerId, InvoiceId (and ItemCode,
       AddressID, a tax's or term discount's Name) missing or empty;
  400 {"Message": "The request is invalid.", "ModelState": {...}}   for a text over its documented length
       ("The field CustomerId must be a string with a maximum length of 50."), an amount with more than 5 decimals,
       a date not in YYYY-MM-DD / YYYY-MM-DD HH:mm:ss (or the US `10/30/2017 3:19:11 PM` of the docs' own sample,
       which the .NET service reads too), a boolean (true/false, "0"/"1" as the sample's "Taxable": "0") or
       integer that is not one, an invalid Email,
       SendNewInvoiceEmail other than Yes/No, a body that is not a JSON object;
  400 {"Message": ...} for a missing `Invoice` or `Attachment` part, an empty attachment, or one that is not a PDF.
Unknown members are ignored, as .NET ignores them.

Controls for tests: `expire_tokens()`, `fail_next(status, body)`, `token_requests` (count), `received` (every
accepted invoice: endpoint, portal, the JSON as received, attachment facts), `invoices` (the current store).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime
from typing import Any, ClassVar
from urllib.parse import unquote

from ..core.i18n import N_
from .server import Sandbox, SandboxRequest, SandboxResponse

DEMO_PORTAL = "DemoPortal"
DEMO_KEY = "demo-integration-key"
DEMO_PASSWORD = "demo-key-password-2024"
TOKEN_LIFETIME = 8639999  # seconds, as in PayFabric's example answer (about 100 days)
DENIED = {"Message": "Authorization has been denied for this request."}

INVOICE_TEXT = {
    "BatchNumber": 50,
    "Comments": 500,
    "CopyEmail": 1000,
    "Currency": 10,
    "CustomerId": 50,
    "DocumentType": 50,
    "Email": 255,
    "ExtensionData": 4000,
    "Identity": 50,
    "InvoiceId": 50,
    "InvoiceType": 50,
    "PaymentTerms": 50,
    "PONumber": 50,
    "SalesPerson": 4000,
    "SendNewInvoiceEmail": 3,
    "ShippingMethod": 50,
    "Site": 4000,
    "TaxGroup": 50,
    "TrackingNumber": 50,
    "Tracking_Number": 50,
}
INVOICE_DECIMALS = (
    "Amount",
    "BalanceDue",
    "Discount",
    "Freight",
    "MiscCost",
    "PaymentDiscountApplied",
    "SubTotal",
    "Tax",
)
ADDRESS_TEXT = {
    "Address1": 100,
    "Address2": 100,
    "Address3": 100,
    "AddressID": 50,
    "City": 50,
    "Country": 50,
    "Email": 255,
    "EMailAddress": 255,
    "Fax": 50,
    "Name": 100,
    "Phone": 50,
    "State": 50,
    "Zip": 50,
}
ITEM_TEXT = {
    "Comment": 500,
    "CommodityCode": 255,
    "Description": 100,
    "ExtensionData": 4000,
    "InvoiceNumber": 50,
    "ItemCode": 50,
    "PriceLevel": 50,
    "SalesPerson": 25,
    "ShippingMethod": 100,
    "Site": 50,
    "UnitOfMeasure": 25,
}
ITEM_DECIMALS = ("ExtendedPrice", "Markdown", "MarkdownPercentage", "Quantity", "TaxAmount", "UnitPrice")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?")
# What .NET's DateTime parsing (en-US, as the service runs) also reads: the docs' own sample sends
# "10/30/2017 3:19:11 PM".
_US_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
# Booleans as .NET reads them from JSON: true/false, the strings "true"/"false", and 0/1 (the sample's "Taxable": "0").
_BOOLEAN_TEXT = ("true", "false", "0", "1")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")


@dataclass
class Portal:
    name: str
    key: str
    password: str


@dataclass
class Token:
    portal: str
    expires: float


def _parses(value: str, fmt: str) -> bool:
    try:
        datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


class _Check:
    """Collects what is missing (→ 412) and what is invalid (→ 400), with ASP.NET-style ModelState keys."""

    def __init__(self) -> None:
        self.missing: dict[str, list[str]] = {}
        self.invalid: dict[str, list[str]] = {}

    def required(self, obj: dict[str, Any], name: str, prefix: str) -> None:
        value = obj.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.missing[f"{prefix}.{name}"] = [f"The {name} field is required."]

    def bad(self, key: str, message: str) -> None:
        self.invalid.setdefault(key, []).append(message)

    def texts(self, obj: dict[str, Any], limits: dict[str, int], prefix: str) -> None:
        for name, limit in limits.items():
            value = obj.get(name)
            if value is None:
                continue
            if isinstance(value, dict | list):
                self.bad(f"{prefix}.{name}", f"The value for {name} is not text.")
            elif len(str(value)) > limit:
                self.bad(f"{prefix}.{name}", f"The field {name} must be a string with a maximum length of {limit}.")

    def decimals(self, obj: dict[str, Any], names: tuple[str, ...], prefix: str, places: int = 5) -> None:
        for name in names:
            value = obj.get(name)
            if value is None or isinstance(value, bool):
                if isinstance(value, bool):
                    self.bad(f"{prefix}.{name}", f"The value '{value}' is not valid for {name}.")
                continue
            try:
                number = Decimal(str(value).strip())
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.bad(f"{prefix}.{name}", f"The value '{value}' is not valid for {name}.")
                continue
            exponent = number.normalize().as_tuple().exponent
            digits = len(str(abs(int(number))))
            if (isinstance(exponent, int) and exponent < -places) or digits > 19 - places:
                self.bad(
                    f"{prefix}.{name}",
                    f"{name} allows at most {19 - places} digits before the decimal point and {places} after it.",
                )

    def dates(self, obj: dict[str, Any], names: tuple[str, ...], prefix: str) -> None:
        for name in names:
            value = obj.get(name)
            if value is None:
                continue
            ok = isinstance(value, str) and _DATE.fullmatch(value) is not None
            if ok:
                try:
                    datetime.strptime(value, "%Y-%m-%d %H:%M:%S" if " " in value else "%Y-%m-%d")
                except ValueError:
                    ok = False
            elif isinstance(value, str):
                ok = any(_parses(value.strip(), fmt) for fmt in _US_DATE_FORMATS)
            if not ok:
                self.bad(
                    f"{prefix}.{name}",
                    f"The value '{value}' is not valid for {name}: use YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.",
                )

    def booleans(self, obj: dict[str, Any], names: tuple[str, ...], prefix: str) -> None:
        for name in names:
            value = obj.get(name)
            if value is not None and not isinstance(value, bool) and str(value).lower() not in _BOOLEAN_TEXT:
                self.bad(f"{prefix}.{name}", f"The value '{value}' is not valid for {name} (true or false).")

    def address(self, obj: Any, prefix: str) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict):
            self.bad(prefix, "An address must be an object.")
            return
        self.required(obj, "AddressID", prefix)
        self.texts(obj, ADDRESS_TEXT, prefix)
        for name in ("Email", "EMailAddress"):
            if isinstance(obj.get(name), str) and obj[name] and not _EMAIL.fullmatch(obj[name]):
                self.bad(f"{prefix}.{name}", f"The {name} field is not a valid e-mail address.")

    def objects(self, value: Any, prefix: str) -> list[tuple[str, dict[str, Any]]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.bad(prefix, f"{prefix.rsplit('.', 1)[-1]} must be a list of objects.")
            return []
        return [(f"{prefix}[{i}]", v) for i, v in enumerate(value)]


def check_invoice(data: Any) -> tuple[int, dict[str, Any]] | None:
    """None when the InvoicePost is acceptable, else (status, body) as the sandbox answers it."""
    if not isinstance(data, dict):
        return 400, {"Message": "The request is invalid.", "ModelState": {"invoice": ["An object is expected."]}}
    c = _Check()
    p = "invoice"
    for name in ("Amount", "BalanceDue", "CustomerId", "InvoiceId"):
        c.required(data, name, p)
    c.texts(data, INVOICE_TEXT, p)
    c.decimals(data, INVOICE_DECIMALS, p)
    c.dates(data, ("DueDate", "PostingDate"), p)
    if isinstance(data.get("Email"), str) and data["Email"] and not _EMAIL.fullmatch(data["Email"]):
        c.bad(f"{p}.Email", "The Email field is not a valid e-mail address.")
    if data.get("SendNewInvoiceEmail") not in (None, "Yes", "No"):
        c.bad(f"{p}.SendNewInvoiceEmail", "SendNewInvoiceEmail must be Yes or No.")
    if data.get("Status") not in (None, "Incomplete", "Pending", "Complete"):
        c.bad(f"{p}.Status", "Status must be Incomplete, Pending or Complete.")
    c.address(data.get("BillingAddress"), f"{p}.BillingAddress")
    c.address(data.get("ShippingAddress"), f"{p}.ShippingAddress")
    for prefix, item in c.objects(data.get("InvoiceItems"), f"{p}.InvoiceItems"):
        c.required(item, "ItemCode", prefix)
        c.texts(item, ITEM_TEXT, prefix)
        c.decimals(item, ITEM_DECIMALS, prefix)
        c.dates(item, ("ReqShipDate",), prefix)
        c.booleans(item, ("NonInventory", "Taxable"), prefix)
        sequence = item.get("Sequence")
        if sequence is not None and (isinstance(sequence, bool) or not re.fullmatch(r"-?\d+", str(sequence))):
            c.bad(f"{prefix}.Sequence", f"The value '{sequence}' is not valid for Sequence.")
        c.address(item.get("ShippingToAddress"), f"{prefix}.ShippingToAddress")
        for tax_prefix, tax in c.objects(item.get("Taxes"), f"{prefix}.Taxes"):
            c.required(tax, "Name", tax_prefix)
            c.texts(tax, {"Name": 50}, tax_prefix)
            c.decimals(tax, ("Amount",), tax_prefix)
            c.decimals(tax, ("Rate",), tax_prefix, places=8)
    for prefix, term in c.objects(data.get("TermDiscounts"), f"{p}.TermDiscounts"):
        c.required(term, "Name", prefix)
        c.texts(term, {"Name": 50}, prefix)
        c.dates(term, ("DiscountDate",), prefix)
        c.decimals(term, ("DiscountAvailableAmount",), prefix)
    if c.missing:
        names = ", ".join(k.rsplit(".", 1)[-1] for k in c.missing)
        return 412, {"Message": f"Missing mandatory fields: {names}.", "ModelState": c.missing}
    if c.invalid:
        return 400, {"Message": "The request is invalid.", "ModelState": c.invalid}
    return None


class PayFabricSandbox(Sandbox):
    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {
        "portal_name": DEMO_PORTAL,
        "integration_key": DEMO_KEY,
        "integration_key_password": DEMO_PASSWORD,
    }
    HINT: ClassVar[str] = N_(
        "Portal “DemoPortal” and its demo integration key are filled in. Send the same Invoice ID twice to see the "
        "replace warning; store another key password (Credentials…) to see PayFabric refuse it, another portal "
        "name to see 404."
    )

    def __init__(self) -> None:
        super().__init__()
        self.portals = {DEMO_PORTAL.lower(): Portal(DEMO_PORTAL, DEMO_KEY, DEMO_PASSWORD)}
        self.tokens: dict[str, Token] = {}
        self.token_requests = 0
        self.token_lifetime = TOKEN_LIFETIME
        self.invoices: dict[tuple[str, str], dict[str, Any]] = {}
        self.received: list[dict[str, Any]] = []
        self._fail_next: list[tuple[int, Any]] = []

    # -- controls for tests ------------------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far is expired from now on (as after 100 days, or a revoked key)."""
        with self.lock:
            for token in self.tokens.values():
                token.expires = 0.0

    def fail_next(self, status: int, body: Any = None) -> None:
        """The next invoice call (after the token check) answers `status` with `body` (JSON, or text if str)."""
        with self.lock:
            self._fail_next.append((status, body))

    # -- routing -----------------------------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        segments = [unquote(s) for s in request.path.strip("/").split("/")]
        missing = SandboxResponse.json(
            {"Message": f"No HTTP resource was found that matches the request URI '{request.path}'."}, status=404
        )
        if len(segments) < 3 or segments[1].lower() != "api" or request.method != "POST":
            return missing
        portal = self.portals.get(segments[0].lower())
        if portal is None:
            return missing
        route = "/".join(s.lower() for s in segments[2:])
        if route == "token":
            return self._token(request, portal)
        if route not in ("invoices", "invoices/invoicewithattachment"):
            return missing
        denied = self._check_bearer(request, portal)
        if denied is not None:
            return denied
        with self.lock:
            forced = self._fail_next.pop(0) if self._fail_next else None
        if forced is not None:
            status, body = forced
            if isinstance(body, str):
                return SandboxResponse.text(body, status=status, content_type="text/html")
            return SandboxResponse.json(body if body is not None else {"Message": "An error has occurred."}, status)
        if route == "invoices":
            return self._invoice_json(request, portal)
        return self._invoice_with_attachment(request, portal)

    def _token(self, request: SandboxRequest, portal: Portal) -> SandboxResponse:
        with self.lock:
            self.token_requests += 1
        if request.content_type != "application/x-www-form-urlencoded":
            return SandboxResponse.json({"error": "invalid_request"}, status=400)
        form = request.form()
        if form.get("grant_type") != "password":
            return SandboxResponse.json({"error": "unsupported_grant_type"}, status=400)
        if form.get("client_id", "ePay_Sync") != "ePay_Sync":
            return SandboxResponse.json({"error": "invalid_client"}, status=400)
        if form.get("username") != portal.key or form.get("password") != portal.password:
            return SandboxResponse.json(
                {"error": "invalid_grant", "error_description": "The user name or password is incorrect."}, status=400
            )
        token = secrets.token_urlsafe(96)
        now = time.time()
        with self.lock:
            self.tokens[token] = Token(portal.name.lower(), now + self.token_lifetime)
        issued = datetime.fromtimestamp(now, UTC)
        return SandboxResponse.json(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_lifetime,
                "userName": portal.key,
                ".issued": format_datetime(issued, usegmt=True),
                ".expires": format_datetime(issued + timedelta(seconds=self.token_lifetime), usegmt=True),
            }
        )

    def _check_bearer(self, request: SandboxRequest, portal: Portal) -> SandboxResponse | None:
        scheme, _, value = request.header("Authorization").partition(" ")
        with self.lock:
            token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.expires <= time.time() or token.portal != portal.name.lower():
            return SandboxResponse.json(DENIED, status=401)
        return None

    # -- invoices --------------------------------------------------------------------------------------

    def _store(
        self, portal: Portal, endpoint: str, data: dict[str, Any], attachment: dict[str, Any] | None
    ) -> SandboxResponse:
        problem = check_invoice(data)
        if problem is not None:
            return SandboxResponse.json(problem[1], status=problem[0])
        key = (portal.name.lower(), str(data["InvoiceId"]))
        with self.lock:
            previous = self.invoices.get(key, {}).get("attachment")
            # Create or overwrite: every value is replaced; an upload without a file keeps the earlier file.
            self.invoices[key] = {"invoice": data, "attachment": attachment or previous}
            self.received.append(
                {"endpoint": endpoint, "portal": portal.name, "invoice": data, "attachment": attachment}
            )
        return SandboxResponse.json(True)

    def _invoice_json(self, request: SandboxRequest, portal: Portal) -> SandboxResponse:
        if request.content_type not in ("application/json", "text/json"):
            return SandboxResponse.json(
                {
                    "Message": f"The request entity's media type '{request.content_type}' is "
                    "not supported for this resource."
                },
                status=400,
            )
        try:
            data = request.json()
        except ValueError:
            return SandboxResponse.json(
                {"Message": "The request is invalid.", "ModelState": {"invoice": ["The body is not valid JSON."]}},
                status=400,
            )
        return self._store(portal, "invoices", data, None)

    def _invoice_with_attachment(self, request: SandboxRequest, portal: Portal) -> SandboxResponse:
        import json

        if request.content_type != "multipart/form-data":
            return SandboxResponse.json({"Message": "Content-Type multipart/form-data is required."}, status=400)
        try:
            parts = request.multipart()
        except Exception:
            return SandboxResponse.json({"Message": "The multipart body could not be read."}, status=400)
        try:
            invoice_parts = [p for p in parts if p.name == "Invoice"]
            files = [p for p in parts if p.name == "Attachment" and p.filename is not None]
            if not invoice_parts:
                return SandboxResponse.json({"Message": "The Invoice part is missing."}, status=400)
            if not files:
                return SandboxResponse.json({"Message": "The Attachment part is missing."}, status=400)
            try:
                data = json.loads(invoice_parts[0].value)
            except ValueError:
                return SandboxResponse.json(
                    {
                        "Message": "The request is invalid.",
                        "ModelState": {"invoice": ["The Invoice part is not valid JSON."]},
                    },
                    status=400,
                )
            part = files[0]
            if part.size == 0:
                return SandboxResponse.json({"Message": "The attachment is empty."}, status=400)
            part.file.seek(0)
            head = part.file.read(5)
            if head != b"%PDF-":
                return SandboxResponse.json({"Message": "The attachment must be a PDF document."}, status=400)
            digest = hashlib.sha256(head)
            for chunk in iter(lambda: part.file.read(1024 * 1024), b""):
                digest.update(chunk)
            attachment = {
                "filename": part.filename,
                "size": part.size,
                "content_type": part.content_type,
                "invoice_content_type": invoice_parts[0].content_type,
                "sha256": digest.hexdigest(),
            }
            return self._store(portal, "InvoiceWithAttachment", data, attachment)
        finally:
            for p in parts:
                p.close()
