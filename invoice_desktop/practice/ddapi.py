"""Practice sandbox of DäckData's DDAPI (Compilator): a customer's invoicing settings, read and replaced.

Routes (below the mount point, as on a real installation's host):
  GET  /api/customers/invoice?customerNumber=N   the settings (JSON object, or XML `CustomerInvoice` in the
                                                 data-contract namespace); `null` / an i:nil root when the customer
                                                 has none yet
  POST /api/customers/invoice                    a `CustomerInvoicePostRequest`, JSON or XML; replaces the settings
                                                 and answers `CustomerInvoicePostResponse` {Errors, Success}

Customers it knows:
  1  Däckcentralen i Borås AB   settings: currency 3, terms 4, invoice type 1, interest type 1, cycle 1,
                                recipient 1, credit account 1, every flag true except ReverseTax,
                                e-mail faktura@dackcentralen.se
  2  Hjulhuset Umeå             settings: currency 1, terms 2, invoice type 2, interest type 2, cycle 3,
                                recipient 1, credit account 5, ReverseTax true, other flags false, no e-mail
  3  Vinterdäck Malmö HB        no settings yet (a POST creates them)
  4  Bilverkstan Kiruna         settings like customer 2, recipient 4, e-mail verkstan@kiruna.se
Any other customer number is unknown.

Sign-in: every method of the provider works with the demo values; a wrong value answers 401 with ASP.NET's
{"Message": "Authorization has been denied for this request."}:
  none     nothing sent (accepted unless `require_scheme` says otherwise)
  basic    user `demo`, password `practice-pass-5f1c`
  header   `X-DDAPI-Token: ddapi-practice-token-7e2a` (the demo header) or
           `Authorization: Bearer ddapi-practice-token-7e2a`
DEMO_CREDENTIALS fill in method `none` plus every demo value, so choosing another method needs nothing typed.

As the documentation and the ASP.NET Web API it runs on behave:
  - the answer format follows Accept (json or xml), else the request's format; errors in the documented shape
    {"Errors": [{"ErrorCode": 1, "ErrorMessage": ...}], "Success": false} (XML: ErrorCode InternalServerError,
    the only documented value) with HTTP `error_status` (400 unless a test changes it);
  - a JSON member that is missing becomes 0 / false / null (the POST *replaces* the settings, so an omitted field
    is blanked); null for a number or flag is refused;
  - XML is read as the data-contract serializer does: root `CustomerInvoicePostRequest` in the namespace, members
    in alphabetical order; an element out of order is skipped (left at its default) and listed in
    `ignored_elements`;
  - any other content type → 415 with ASP.NET's {"Message": ...}.
Error triggers: an unknown customer (also as InvoiceRecipientCustomerNumber), an e-mail address over 50
characters, customer 500 (InternalServerError, HTTP 500, as if DDAPI failed). The docs say only "max length 50"
of the e-mail (their own sample is "sample string 8"), so any text up to 50 characters is stored as given.
Controls for tests: `require_scheme` ("basic"/"header": other methods are refused), `error_status`,
`answer_html_error_once()` (an IIS HTML error page), `answer_once(SandboxResponse)`; what arrived is in
`received` (method, content type, raw body, parsed values).
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from ..core.i18n import N_
from .server import Sandbox, SandboxRequest, SandboxResponse

NAMESPACE = "http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
DEMO_USER = "demo"
DEMO_PASSWORD = "practice-pass-5f1c"
DEMO_TOKEN = "ddapi-practice-token-7e2a"
DEMO_TOKEN_HEADER = "X-DDAPI-Token"
FAILING_CUSTOMER = 500
EMAIL_MAX = 50
ROUTE = "/api/customers/invoice"

INTS = (
    "CustomerNumber",
    "CurrencyId",
    "TermsOfPaymentId",
    "InvoiceTypeId",
    "InterestTypeId",
    "InvoiceCycleId",
    "InvoiceRecipientCustomerNumber",
    "CreditAccountId",
)
BOOLS = (
    "RetainsInvoiceType",
    "PaysInvoiceFee",
    "AllowInvoicePaymentFromOrder",
    "SendInvoiceFromOrderAsEmail",
    "ReverseTax",
)
EMAIL = "InvoiceOrderPaymentEmailAddress"
# The DTO's declaration order (the help page's and JSON sample's order) and the data contract's member order.
DECLARED = (
    "CustomerNumber",
    "RetainsInvoiceType",
    "CurrencyId",
    "TermsOfPaymentId",
    "PaysInvoiceFee",
    "InvoiceTypeId",
    "InterestTypeId",
    "InvoiceCycleId",
    "InvoiceRecipientCustomerNumber",
    "CreditAccountId",
    "AllowInvoicePaymentFromOrder",
    "SendInvoiceFromOrderAsEmail",
    EMAIL,
    "ReverseTax",
)
CONTRACT_ORDER = tuple(sorted(DECLARED))  # DataContractSerializer: ordinal alphabetical

DENIED = {"Message": "Authorization has been denied for this request."}

IIS_ERROR_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>Runtime Error</title></head>
<body><h1>Server Error in '/' Application.</h1><h2><i>Runtime Error</i></h2>
<p>An application error occurred on the server.</p></body>
</html>"""


def _settings(
    customer: int,
    currency: int,
    terms: int,
    invoice_type: int,
    interest: int,
    cycle: int,
    recipient: int,
    credit: int,
    flags: bool,
    reverse_tax: bool,
    email: str | None,
) -> dict[str, Any]:
    return {
        "CustomerNumber": customer,
        "RetainsInvoiceType": flags,
        "CurrencyId": currency,
        "TermsOfPaymentId": terms,
        "PaysInvoiceFee": flags,
        "InvoiceTypeId": invoice_type,
        "InterestTypeId": interest,
        "InvoiceCycleId": cycle,
        "InvoiceRecipientCustomerNumber": recipient,
        "CreditAccountId": credit,
        "AllowInvoicePaymentFromOrder": flags,
        "SendInvoiceFromOrderAsEmail": flags,
        EMAIL: email,
        "ReverseTax": reverse_tax,
    }


class _BadRequest(Exception):
    """A request DDAPI answers in its documented error shape."""


class DDAPISandbox(Sandbox):
    HINT = N_(
        "Customers 1, 2 and 4 have settings (press Load after typing the number); customer 3 has none yet; 500 "
        "makes the server fail (InternalServerError); any other number, also as invoice recipient, is unknown. "
        "An e-mail address is stored as given (the app asks you to confirm one that does not look like one)."
    )

    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {
        "auth_scheme": "none",
        "username": DEMO_USER,
        "password": DEMO_PASSWORD,
        "header_name": DEMO_TOKEN_HEADER,
        "token": DEMO_TOKEN,
    }

    def __init__(self) -> None:
        super().__init__()
        self.names = {
            1: "Däckcentralen i Borås AB",
            2: "Hjulhuset Umeå",
            3: "Vinterdäck Malmö HB",
            4: "Bilverkstan Kiruna",
            FAILING_CUSTOMER: "Felande Fälgar AB",
        }
        self.settings: dict[int, dict[str, Any] | None] = {
            1: _settings(1, 3, 4, 1, 1, 1, 1, 1, True, False, "faktura@dackcentralen.se"),
            2: _settings(2, 1, 2, 2, 2, 3, 1, 5, False, True, None),
            3: None,
            4: _settings(4, 1, 2, 2, 2, 3, 4, 5, False, True, "verkstan@kiruna.se"),
            FAILING_CUSTOMER: None,
        }
        self.require_scheme: str | None = None
        self.error_status = 400
        self._next: list[SandboxResponse] = []
        self.received: list[dict[str, Any]] = []
        self.ignored_elements: list[str] = []

    # -- controls ----------------------------------------------------------------------------------------------

    def answer_once(self, response: SandboxResponse) -> None:
        with self.lock:
            self._next.append(response)

    def answer_html_error_once(self, status: int = 500) -> None:
        self.answer_once(SandboxResponse.text(IIS_ERROR_PAGE, status=status, content_type="text/html"))

    # -- answers ----------------------------------------------------------------------------------------------

    @staticmethod
    def _answer_format(request: SandboxRequest) -> tuple[str, str]:
        accept = request.header("Accept").lower()
        for media in ("application/json", "text/json", "application/xml", "text/xml"):
            if media in accept:
                return ("xml" if "xml" in media else "json"), media
        if "xml" in request.content_type:
            return "xml", "application/xml"
        return "json", "application/json"

    def _answer(self, request: SandboxRequest, success: bool, errors: list[str], status: int) -> SandboxResponse:
        fmt, media = self._answer_format(request)
        if fmt == "json":
            return SandboxResponse.json(
                {"Errors": [{"ErrorCode": 1, "ErrorMessage": m} for m in errors], "Success": success},
                status=status,
                content_type=media,
            )
        items = "".join(
            "<PostCustomerInvoiceError><ErrorCode>InternalServerError</ErrorCode>"
            f"<ErrorMessage>{escape(m)}</ErrorMessage></PostCustomerInvoiceError>"
            for m in errors
        )
        xml = (
            f'<CustomerInvoicePostResponse xmlns:i="{XSI}" xmlns="{NAMESPACE}">'
            f"{f'<Errors>{items}</Errors>' if items else '<Errors />'}"
            f"<Success>{'true' if success else 'false'}</Success></CustomerInvoicePostResponse>"
        )
        return SandboxResponse.text(xml, status=status, content_type=media)

    def _settings_answer(self, request: SandboxRequest, settings: dict[str, Any] | None) -> SandboxResponse:
        fmt, media = self._answer_format(request)
        if fmt == "json":
            return SandboxResponse(
                200, json.dumps(settings).encode("utf-8"), {"Content-Type": f"{media}; charset=utf-8"}
            )
        if settings is None:
            return SandboxResponse.text(f'<CustomerInvoice i:nil="true" xmlns:i="{XSI}" />', content_type=media)
        members = []
        for name in CONTRACT_ORDER:
            value = settings[name]
            if value is None:
                members.append(f'<{name} i:nil="true" />')
            else:
                text = ("true" if value else "false") if isinstance(value, bool) else escape(str(value))
                members.append(f"<{name}>{text}</{name}>")
        xml = f'<CustomerInvoice xmlns:i="{XSI}" xmlns="{NAMESPACE}">{"".join(members)}</CustomerInvoice>'
        return SandboxResponse.text(xml, content_type=media)

    # -- sign-in -----------------------------------------------------------------------------------------------

    def _signed_in(self, request: SandboxRequest) -> bool:
        authorization = request.header("Authorization")
        token_header = request.header(DEMO_TOKEN_HEADER)
        if authorization.lower().startswith("basic "):
            scheme = "basic"
            try:
                pair = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except ValueError:
                return False
            ok = pair == f"{DEMO_USER}:{DEMO_PASSWORD}"
        elif authorization:
            scheme = "header"
            ok = authorization == f"Bearer {DEMO_TOKEN}"
        elif token_header:
            scheme = "header"
            ok = token_header == DEMO_TOKEN
        else:
            scheme, ok = "none", True
        return ok and (self.require_scheme is None or self.require_scheme == scheme)

    # -- requests ----------------------------------------------------------------------------------------------

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            if self._next:
                request.body()
                return self._next.pop(0)
        if request.path.rstrip("/").lower() != ROUTE or request.method not in ("GET", "POST"):
            return SandboxResponse.json(
                {"Message": f"No HTTP resource was found that matches the request URI '{request.path}'."}, status=404
            )
        if not self._signed_in(request):
            response = SandboxResponse.json(DENIED, status=401)
            response.headers["WWW-Authenticate"] = 'Basic realm="DDAPI"'
            return response
        with self.lock:
            if request.method == "GET":
                return self._get(request)
            return self._post(request)

    def _get(self, request: SandboxRequest) -> SandboxResponse:
        query = {k.lower(): v for k, v in request.query.items()}
        raw = (query.get("customernumber") or [""])[0]
        try:
            number = int(raw)
        except ValueError:
            return self._answer(
                request, False, [f"The value '{raw}' is not a valid customer number."], self.error_status
            )
        if number not in self.names:
            return self._answer(request, False, [f"Customer {number} was not found."], self.error_status)
        if number == FAILING_CUSTOMER:
            return self._answer(request, False, ["An unexpected error occurred."], 500)
        settings = self.settings.get(number)
        return self._settings_answer(request, dict(settings) if settings is not None else None)

    def _post(self, request: SandboxRequest) -> SandboxResponse:
        ctype = request.content_type
        body = request.body()
        entry: dict[str, Any] = {
            "content_type": request.header("Content-Type"),
            "body": body,
            "accept": request.header("Accept"),
        }
        self.received.append(entry)
        if ctype not in ("application/json", "text/json", "application/xml", "text/xml"):
            return SandboxResponse.json(
                {"Message": f"The request entity's media type '{ctype}' is not supported for this resource."},
                status=415,
            )
        try:
            values = self._read_json(body) if "json" in ctype else self._read_xml(body)
            entry["values"] = values
            self._validate(values)
        except _BadRequest as exc:
            return self._answer(request, False, [str(exc)], self.error_status)
        number = values["CustomerNumber"]
        if number == FAILING_CUSTOMER:
            return self._answer(request, False, ["An unexpected error occurred."], 500)
        self.settings[number] = values
        return self._answer(request, True, [], 200)

    @staticmethod
    def _read_json(body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise _BadRequest("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise _BadRequest("The request body must be a CustomerInvoicePostRequest object.")
        lowered = {k.lower(): v for k, v in data.items()}
        values: dict[str, Any] = {}
        for name in DECLARED:
            present = name.lower() in lowered
            raw = lowered.get(name.lower())
            if name in INTS:
                if raw is None and present:
                    raise _BadRequest(f"The value null is not valid for {name}.")
                if raw is None:
                    values[name] = 0
                    continue
                try:
                    if isinstance(raw, bool | float | list | dict):
                        raise ValueError(raw)
                    values[name] = int(raw)  # Json.NET also converts a numeric string
                except (TypeError, ValueError):
                    raise _BadRequest(f"The value '{raw}' is not valid for {name}.") from None
            elif name in BOOLS:
                if raw is None and present:
                    raise _BadRequest(f"The value null is not valid for {name}.")
                if raw is not None and not isinstance(raw, bool):
                    raise _BadRequest(f"The value '{raw}' is not valid for {name}.")
                values[name] = bool(raw)
            else:
                if raw is not None and not isinstance(raw, str):
                    raise _BadRequest(f"The value '{raw}' is not valid for {name}.")
                values[name] = raw
        return values

    def _read_xml(self, body: bytes) -> dict[str, Any]:
        if b"<!DOCTYPE" in body.upper():
            raise _BadRequest("The request body could not be read as CustomerInvoicePostRequest.")
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise _BadRequest("The request body is not valid XML.") from None
        if root.tag != f"{{{NAMESPACE}}}CustomerInvoicePostRequest":
            raise _BadRequest(f"Expecting element 'CustomerInvoicePostRequest' from namespace '{NAMESPACE}'.")
        values: dict[str, Any] = {n: (0 if n in INTS else False if n in BOOLS else None) for n in DECLARED}
        position = -1
        for child in root:
            name = child.tag.removeprefix(f"{{{NAMESPACE}}}")
            if name not in CONTRACT_ORDER or CONTRACT_ORDER.index(name) <= position:
                self.ignored_elements.append(name)  # the serializer skips what it no longer expects
                continue
            position = CONTRACT_ORDER.index(name)
            nil = child.get(f"{{{XSI}}}nil") == "true"
            text = (child.text or "").strip()
            if name in INTS:
                if nil or not text.lstrip("-").isdigit():
                    raise _BadRequest(f"The value '{text}' is not valid for {name}.")
                values[name] = int(text)
            elif name in BOOLS:
                if nil or text not in ("true", "false", "1", "0"):
                    raise _BadRequest(f"The value '{text}' is not valid for {name}.")
                values[name] = text in ("true", "1")
            else:
                values[name] = None if nil else (child.text or "")
        return values

    def _validate(self, values: dict[str, Any]) -> None:
        number = values["CustomerNumber"]
        if number not in self.names:
            raise _BadRequest(f"Customer {number} was not found.")
        recipient = values["InvoiceRecipientCustomerNumber"]
        if recipient and recipient not in self.names:
            raise _BadRequest(f"Invoice recipient customer {recipient} was not found.")
        email = values[EMAIL]
        if email is not None and len(email.encode("utf-16-le")) // 2 > EMAIL_MAX:
            raise _BadRequest(f"{EMAIL} can be at most {EMAIL_MAX} characters.")
