"""DäckData DDAPI (Compilator): how one customer of a DäckData installation is invoiced.

POST {base}/api/customers/invoice with a `CustomerInvoicePostRequest` as JSON or XML (data-contract namespace,
elements in alphabetical order); the answer is a `CustomerInvoicePostResponse` {Errors: [{ErrorCode,
ErrorMessage}], Success}. The POST *replaces* the customer's settings, so the current ones are read first with
GET {base}/api/customers/invoice?customerNumber=N. Nothing is attached: the form is the whole request.

Each dealer has its own DDAPI host (the base URL is a setting) and its own, undocumented, authentication: none,
HTTP Basic, or a token in a header of the installation's choosing.

A number or flag that is None is *unknown* (not loaded, not entered); so is an empty e-mail address in a form
with other unknowns (in a complete form, as after Load, an empty address means "no address"). Sending never turns
an unknown into a blank: right before the POST the app reads the customer's current settings and keeps their
value for every unknown field; a customer without settings yet needs every field filled in.
"""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.errors import InvoiceDesktopError
from ..core.history import History
from ..core.http import OutgoingRequest, Response, TextBody
from ..core.provider import (
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    RequestContext,
    UploadContext,
    join_url,
)
from ..core.results import Outcome, UploadResult, unexpected_answer

NAMESPACE = "http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EXAMPLE_HOST = "https://ddapipilot.compilator.net"
INT32_MAX = 2**31 - 1
EMAIL_MAX = 50

INT_FIELDS = ("CurrencyId", "TermsOfPaymentId", "InvoiceTypeId", "InterestTypeId", "InvoiceCycleId",
              "InvoiceRecipientCustomerNumber", "CreditAccountId")
BOOL_FIELDS = ("RetainsInvoiceType", "PaysInvoiceFee", "AllowInvoicePaymentFromOrder",
               "SendInvoiceFromOrderAsEmail", "ReverseTax")
EMAIL_FIELD = "InvoiceOrderPaymentEmailAddress"
# The order of the documentation's JSON sample (and of the form).
FIELD_ORDER = ("CustomerNumber", "RetainsInvoiceType", "CurrencyId", "TermsOfPaymentId", "PaysInvoiceFee",
               "InvoiceTypeId", "InterestTypeId", "InvoiceCycleId", "InvoiceRecipientCustomerNumber",
               "CreditAccountId", "AllowInvoicePaymentFromOrder", "SendInvoiceFromOrderAsEmail", EMAIL_FIELD,
               "ReverseTax")
# The data-contract serializer reads members in this (ordinal, alphabetical) order and silently skips an element
# that comes out of order, leaving that member at its default: the XML sample's order, exactly.
XML_ORDER = ("AllowInvoicePaymentFromOrder", "CreditAccountId", "CurrencyId", "CustomerNumber", "InterestTypeId",
             "InvoiceCycleId", EMAIL_FIELD, "InvoiceRecipientCustomerNumber", "InvoiceTypeId", "PaysInvoiceFee",
             "RetainsInvoiceType", "ReverseTax", "SendInvoiceFromOrderAsEmail", "TermsOfPaymentId")
SETTING_FIELDS = tuple(n for n in FIELD_ORDER if n != "CustomerNumber")

CONTENT_TYPE = {"json": "application/json; charset=utf-8", "xml": "application/xml; charset=utf-8"}
ACCEPT = {"json": "application/json", "xml": "application/xml"}

# The ErrorCode enum: JSON carries its number, XML its name. Only this value is documented.
ERROR_CODE_NAMES = {1: "InternalServerError"}
ERROR_CODE_NUMBERS = {name.lower(): number for number, name in ERROR_CODE_NAMES.items()}

AUTH_NONE, AUTH_BASIC, AUTH_HEADER = "none", "basic", "header"
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP header name (RFC 9110 token)
# A practical e-mail address check without a new dependency: one @, no spaces or quoting characters in the local
# part, a domain of dot-separated labels (letters of any script, digits, hyphens inside) ending in a 2+ letter TLD.
_EMAIL = re.compile(
    r"[^@\s\"(),:;<>\[\]\\]+(?<!\.)@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
)


def _utf16_length(text: str) -> int:
    """String length as .NET counts it (UTF-16 code units): what the server's 50-character limit measures."""
    return len(text.encode("utf-16-le")) // 2


class DDAPIForm(BaseModel):
    """A customer's invoicing settings. None means "not known yet" (not loaded or not entered)."""

    model_config = ConfigDict(title="Customer invoicing settings", str_strip_whitespace=True)

    CustomerNumber: int = Field(
        title="Customer number", ge=1, le=INT32_MAX,
        description="The customer in DäckData whose invoicing is set. Enter it first: the current settings load.",
        json_schema_extra={"placeholder": "e.g. 1"},
    )
    RetainsInvoiceType: bool | None = Field(None, title="Keeps its invoice type")
    CurrencyId: int | None = Field(
        None, title="Currency (id)", ge=0, le=INT32_MAX,
        description="The currency's number in your DäckData installation.",
    )
    TermsOfPaymentId: int | None = Field(
        None, title="Terms of payment (id)", ge=0, le=INT32_MAX,
        description="The payment terms' number in your DäckData installation.",
    )
    PaysInvoiceFee: bool | None = Field(None, title="Pays the invoice fee")
    InvoiceTypeId: int | None = Field(
        None, title="Invoice type (id)", ge=0, le=INT32_MAX,
        description="The invoice type's number in your DäckData installation.",
    )
    InterestTypeId: int | None = Field(
        None, title="Interest type (id)", ge=0, le=INT32_MAX,
        description="The interest type's number in your DäckData installation.",
    )
    InvoiceCycleId: int | None = Field(
        None, title="Invoice cycle (id)", ge=0, le=INT32_MAX,
        description="The invoicing cycle's number in your DäckData installation.",
    )
    InvoiceRecipientCustomerNumber: int | None = Field(
        None, title="Invoice recipient (customer number)", ge=0, le=INT32_MAX,
        description="The customer who receives the invoices (often the customer itself).",
    )
    CreditAccountId: int | None = Field(
        None, title="Credit account (id)", ge=0, le=INT32_MAX,
        description="The credit account's number in your DäckData installation.",
    )
    AllowInvoicePaymentFromOrder: bool | None = Field(None, title="Allow invoice payment from an order")
    SendInvoiceFromOrderAsEmail: bool | None = Field(None, title="Send the invoice from an order by e-mail")
    InvoiceOrderPaymentEmailAddress: str | None = Field(
        None, title="E-mail for order-payment invoices", max_length=EMAIL_MAX,
        description=f"At most {EMAIL_MAX} characters. Leave empty for no address.",
        json_schema_extra={"placeholder": "e.g. faktura@exempel.se"},
    )
    ReverseTax: bool | None = Field(None, title="Reverse VAT (omvänd moms)")

    @field_validator(EMAIL_FIELD)
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if not value:
            return value  # None: not known yet · "": no address
        if _utf16_length(value) > EMAIL_MAX:
            raise ValueError(f"At most {EMAIL_MAX} characters (this one has {_utf16_length(value)}).")
        if not _EMAIL.fullmatch(value):
            raise ValueError("Not an e-mail address (like name@example.se).")
        return value

    def unknown_fields(self) -> list[str]:
        """The fields whose value the form does not know. A number or flag is unknown when None. An empty e-mail
        address is unknown only in a partial form (other fields unknown too: a partial update, a form not loaded);
        in an otherwise complete form, as after Load, it means "no address" (an emptied input gives None too)."""
        partial = any(getattr(self, n) is None for n in SETTING_FIELDS if n != EMAIL_FIELD)
        return [n for n in SETTING_FIELDS if getattr(self, n) is None and (n != EMAIL_FIELD or partial)]


# -- the wire formats ------------------------------------------------------------------------------------------


def _wire_value(name: str, value: Any) -> Any:
    """What the API gets for a form value: no address ("" or None) is sent as null, as .NET keeps an absent
    string. (Unknown fields never get here: `perform` has filled them in.)"""
    if name == EMAIL_FIELD and not value:
        return None
    return value


def json_request(values: Mapping[str, Any]) -> str:
    """The request body as the documentation's JSON sample lays it out."""
    return json.dumps({name: _wire_value(name, values[name]) for name in FIELD_ORDER}, indent=2, ensure_ascii=False)


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def xml_request(values: Mapping[str, Any]) -> str:
    """The request body as the documentation's XML sample lays it out (alphabetical elements, no declaration)."""
    lines = [f'<CustomerInvoicePostRequest xmlns:i="{XSI}" xmlns="{NAMESPACE}">']
    for name in XML_ORDER:
        value = _wire_value(name, values[name])
        if value is None:
            lines.append(f'  <{name} i:nil="true" />')
        else:
            lines.append(f"  <{name}>{_xml_text(value)}</{name}>")
    lines.append("</CustomerInvoicePostRequest>")
    return "\n".join(lines)


@dataclass(frozen=True)
class DDError:
    code: int | str | None
    message: str

    @property
    def code_name(self) -> str:
        """The code as the clerk sees it: 'InternalServerError (1)', or whatever undocumented value came."""
        if isinstance(self.code, int):
            name = ERROR_CODE_NAMES.get(self.code)
            return f"{name} ({self.code})" if name else f"error code {self.code}"
        if isinstance(self.code, str) and self.code.isdigit():
            return DDError(int(self.code), self.message).code_name
        if isinstance(self.code, str) and self.code:
            number = ERROR_CODE_NUMBERS.get(self.code.lower())
            return f"{self.code} ({number})" if number is not None else self.code
        return "no error code"

    @property
    def code_text(self) -> str:
        """The raw code for provider_code: the enum's name where known."""
        if isinstance(self.code, int) or (isinstance(self.code, str) and self.code.isdigit()):
            return ERROR_CODE_NAMES.get(int(self.code), str(self.code))
        return self.code or "-"

    def line(self) -> str:
        return f"{self.code_name}: {self.message or '(no message)'}"


@dataclass(frozen=True)
class Verdict:
    """A `CustomerInvoicePostResponse` (or the same shape around a read)."""

    success: bool
    errors: tuple[DDError, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _answer_kind(response: Response) -> str | None:
    """"json" or "xml" when the answer is one of the formats DDAPI speaks, else None (an HTML page, text...)."""
    ctype = response.content_type
    if ctype in ("application/json", "text/json") or ctype.endswith("+json"):
        return "json"
    if ctype in ("application/xml", "text/xml") or ctype.endswith("+xml"):
        return "xml"
    return None


def _parse(response: Response) -> tuple[str, Any] | None:
    """("json", data) or ("xml", root element); None when the answer cannot be read as either."""
    kind = _answer_kind(response)
    body = response.content.strip()
    if kind is None or not body:
        return None
    if kind == "json":
        try:
            return "json", json.loads(body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            return None
    if b"<!DOCTYPE" in body[:1024].upper() or b"<!ENTITY" in body.upper():
        return None  # DDAPI's data contracts never carry a DTD; an entity is refused rather than expanded
    try:
        return "xml", ET.fromstring(body)
    except ET.ParseError:
        return None


def _ci(data: Mapping[str, Any], key: str) -> Any:
    for k, v in data.items():
        if isinstance(k, str) and k.lower() == key.lower():
            return v
    return None


def _has_ci(data: Mapping[str, Any], key: str) -> bool:
    return any(isinstance(k, str) and k.lower() == key.lower() for k in data)


def read_verdict(parsed: tuple[str, Any] | None) -> Verdict | None:
    """The documented {Errors, Success} answer, in JSON or XML; None when the answer has another shape."""
    if parsed is None:
        return None
    kind, data = parsed
    if kind == "json":
        if not isinstance(data, dict) or not isinstance(_ci(data, "Success"), bool):
            return None
        errors = []
        for entry in _ci(data, "Errors") or []:
            if isinstance(entry, dict):
                code = _ci(entry, "ErrorCode")
                message = _ci(entry, "ErrorMessage")
                errors.append(DDError(code if isinstance(code, int | str) else None,
                                      str(message) if message is not None else ""))
        return Verdict(_ci(data, "Success"), tuple(errors))
    root: ET.Element = data
    success = next((c for c in root if _local(c.tag) == "Success"), None)
    if success is None or (success.text or "").strip().lower() not in ("true", "false"):
        return None
    errors = []
    for holder in (c for c in root if _local(c.tag) == "Errors"):
        for entry in holder:
            fields = {_local(c.tag): (c.text or "").strip() for c in entry}
            errors.append(DDError(fields.get("ErrorCode") or None, fields.get("ErrorMessage", "")))
    return Verdict((success.text or "").strip().lower() == "true", tuple(errors))


def read_server_message(parsed: tuple[str, Any] | None) -> str | None:
    """ASP.NET Web API's own error shape ({"Message": ..., "ModelState": ...}), which DDAPI's framework sends for
    requests that never reach its code (a body it cannot read, a refused sign-in)."""
    if parsed is None:
        return None
    kind, data = parsed
    if kind == "json" and isinstance(data, dict) and isinstance(_ci(data, "Message"), str):
        message = _ci(data, "Message")
        details = []
        model_state = _ci(data, "ModelState")
        if isinstance(model_state, dict):
            for problems in model_state.values():
                details += [str(p) for p in (problems if isinstance(problems, list) else [problems])]
        detail = _ci(data, "MessageDetail") or _ci(data, "ExceptionMessage")
        if isinstance(detail, str):
            details.append(detail)
        return " ".join([message, *details])
    if kind == "xml" and _local(data.tag) == "Error":
        parts = [(c.text or "").strip() for c in data.iter() if _local(c.tag) in ("Message", "MessageDetail")]
        return " ".join(p for p in parts if p) or None
    return None


_NO_SETTINGS = object()


def _settings_source(parsed: tuple[str, Any]) -> dict[str, Any] | object | None:
    """{field: raw value} of a read answer, _NO_SETTINGS for an explicit null, None for another shape."""
    kind, data = parsed
    known = {n.lower() for n in FIELD_ORDER}
    if kind == "json":
        if data is None:
            return _NO_SETTINGS
        if not isinstance(data, dict):
            return None
        candidates = [data] + [v for v in data.values() if isinstance(v, dict)]
        for candidate in candidates:
            if any(isinstance(k, str) and k.lower() in known for k in candidate):
                return {k: v for k, v in candidate.items() if isinstance(k, str) and k.lower() in known}
        wrapped = [k for k, v in data.items() if v is None and isinstance(k, str) and "invoice" in k.lower()]
        return _NO_SETTINGS if wrapped else None
    root: ET.Element = data
    if root.get(f"{{{XSI}}}nil") == "true":
        return _NO_SETTINGS
    for element in [root, *list(root)]:
        children = list(element)
        if any(_local(c.tag).lower() in known for c in children):
            out: dict[str, Any] = {}
            for child in children:
                if _local(child.tag).lower() in known:
                    nil = child.get(f"{{{XSI}}}nil") == "true"
                    out[_local(child.tag)] = None if nil else (child.text or "")
            return out
        if element is not root and element.get(f"{{{XSI}}}nil") == "true":
            return _NO_SETTINGS
    return None


class _Unreadable(ValueError):
    pass


def _to_int(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _Unreadable(raw)
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise _Unreadable(raw)


def _to_bool(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise _Unreadable(raw)


def settings_to_form(source: Mapping[str, Any], customer_number: int) -> dict[str, Any]:
    """Every form field's value from a read answer. A field the answer lacks stays None (unknown); a present but
    null e-mail address is "" (known: no address)."""
    values: dict[str, Any] = {"CustomerNumber": customer_number}
    for name in SETTING_FIELDS:
        present = _has_ci(source, name)
        raw = _ci(source, name)
        if name in INT_FIELDS:
            values[name] = _to_int(raw)
        elif name in BOOL_FIELDS:
            values[name] = _to_bool(raw)
        else:
            values[name] = (str(raw).strip() if raw is not None else "") if present else None
    return values


# -- the provider ----------------------------------------------------------------------------------------------


class DDAPI(Provider):
    id = "ddapi"
    name = "DäckData DDAPI"
    summary = "Set how a DäckData customer is invoiced (currency, terms, invoice type, e-mail, reverse VAT)."
    order = 50
    environments = (
        Environment(PRACTICE, None),
        Environment(SANDBOX, None,
                    f"Your installation's DDAPI test host, if your DäckData supplier gave you one, e.g. "
                    f"{EXAMPLE_HOST} (the pilot host in the DDAPI documentation)."),
        Environment(PRODUCTION, None,
                    f"Every DäckData installation has its own DDAPI address; ask your supplier for yours. "
                    f"It looks like {EXAMPLE_HOST}."),
    )
    credential_fields = (
        CredentialField(
            "auth_scheme", "Sign-in method", secret=False, choices=(AUTH_NONE, AUTH_BASIC, AUTH_HEADER),
            default=AUTH_NONE,
            help="How your DDAPI installation checks who calls it (ask your DäckData supplier): none; basic = "
                 "user name and password; header = a token sent in a header.",
        ),
        CredentialField("username", "User name", secret=False, required=False,
                        help="For the “basic” sign-in method.", shown_when=("auth_scheme", (AUTH_BASIC,))),
        CredentialField("password", "Password", secret=True, required=False,
                        help="For the “basic” sign-in method.", shown_when=("auth_scheme", (AUTH_BASIC,))),
        CredentialField("header_name", "Token header", secret=False, required=False, default="Authorization",
                        shown_when=("auth_scheme", (AUTH_HEADER,)),
                        pattern=_HEADER_NAME.pattern,
                        pattern_message="A header name has letters, digits and - only, e.g. X-Api-Key.",
                        help="For the “header” sign-in method: the header that carries the token, e.g. "
                             "Authorization or X-Api-Key."),
        CredentialField("token", "Token", secret=True, required=False, shown_when=("auth_scheme", (AUTH_HEADER,)),
                        help="For the “header” sign-in method: the header's whole value, exactly as given to "
                             "you (e.g. “Bearer eyJ…” for an Authorization header)."),
    )
    form_model = DDAPIForm
    attachment = None
    attachment_mode = "none"
    formats = ("json", "xml")
    format_label = "Format"
    action_label = "Save settings"
    practice_sandbox = "invoice_desktop.practice.ddapi:DDAPISandbox"
    load_key_fields = ("CustomerNumber",)
    notes = (
        "Saving replaces all of the customer's invoicing settings. A field left unknown keeps its current value: "
        "the app reads the settings again just before saving and fills in what the form does not know; a "
        "customer without settings yet needs every field. An empty e-mail address means “no address” (sent as "
        "null) when every other field is filled in (as after Load), and “keep the current one” in a partial "
        "update. Authentication is not publicly documented: choose the method your installation uses. The format "
        "applies to the request and the answer."
    )

    # -- checks -------------------------------------------------------------------------------------------------

    def check_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        problems = super().check_credentials(values)
        if problems.get("auth_scheme"):
            return problems

        def value(name: str) -> str:
            cred = next(f for f in self.credential_fields if f.name == name)
            return values.get(name, "") or cred.default

        scheme = value("auth_scheme")
        if scheme == AUTH_BASIC:
            problems.pop("header_name", None)
            if not value("username"):
                problems["username"] = "User name is missing (needed for the “basic” sign-in method)."
            elif ":" in value("username"):
                problems["username"] = "A user name for HTTP Basic cannot contain “:”."
            if not value("password"):
                problems["password"] = "Password is missing (needed for the “basic” sign-in method)."
        elif scheme == AUTH_HEADER:
            if not value("header_name"):
                problems["header_name"] = "Token header is missing (needed for the “header” sign-in method)."
            if not value("token"):
                problems["token"] = "Token is missing (needed for the “header” sign-in method)."
        else:
            problems.pop("header_name", None)  # not used: a malformed leftover must not block sending
        for name in ("username", "password", "token"):
            if any(ch in value(name) for ch in "\r\n"):
                problems[name] = f"{name.title()} cannot contain a line break."
        return problems

    def warnings(self, form: BaseModel, history: History, environment: str) -> list[str]:
        assert isinstance(form, DDAPIForm)
        out = [f"This replaces all invoicing settings of customer {form.CustomerNumber} in DäckData."]
        unknown = form.unknown_fields()
        if unknown:
            out.append(f"Not loaded: {', '.join(unknown)}. They keep their current values "
                       "(read again just before saving).")
        elif not form.InvoiceOrderPaymentEmailAddress:
            out.append("The e-mail address for order-payment invoices is empty: the customer will have none.")
        return out

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, DDAPIForm)
        return f"customer {form.CustomerNumber}"

    # -- requests -----------------------------------------------------------------------------------------------

    @staticmethod
    def _auth_headers(ctx: RequestContext) -> dict[str, str]:
        creds = ctx.credentials
        scheme = creds.get("auth_scheme") or AUTH_NONE
        redactor = ctx.transport.redactor
        if scheme == AUTH_BASIC:
            pair = f"{creds.get('username', '')}:{creds.get('password', '')}".encode()
            encoded = base64.b64encode(pair).decode("ascii")
            redactor.add(encoded)  # hidden even where the server might echo it back
            return {"Authorization": f"Basic {encoded}"}
        if scheme == AUTH_HEADER:
            token = creds.get("token", "")
            _, _, rest = token.partition(" ")
            if rest:
                redactor.add(rest.strip())  # "Bearer abc…": the part after the scheme word is the secret
            return {creds.get("header_name") or "Authorization": token}
        return {}

    @staticmethod
    def _format(ctx: RequestContext) -> str:
        fmt = ctx.options.get("format") or "json"
        return fmt if fmt in ACCEPT else "json"

    def _read_request(self, ctx: RequestContext, customer_number: int, label: str) -> OutgoingRequest:
        return OutgoingRequest(
            "GET", join_url(ctx.base_url, "api", "customers", "invoice"),
            headers={"Accept": ACCEPT[self._format(ctx)], **self._auth_headers(ctx)},
            params={"customerNumber": str(customer_number)},
            label=label, idempotent=True,
        )

    def build_request(self, ctx: UploadContext, values: Mapping[str, Any] | None = None) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        values = dict(values) if values is not None else form.model_dump()
        fmt = self._format(ctx)
        text = xml_request(values) if fmt == "xml" else json_request(values)
        return OutgoingRequest(
            "POST", join_url(ctx.base_url, "api", "customers", "invoice"),
            headers={"Accept": ACCEPT[fmt], **self._auth_headers(ctx)},
            body=TextBody(text, CONTENT_TYPE[fmt]),
            label=f"Save invoicing settings of customer {form.CustomerNumber}",
            idempotent=True,  # the settings are replaced by the same values if it is sent twice
        )

    # -- reading the current settings ----------------------------------------------------------------------------

    def _read(self, ctx: RequestContext, customer_number: int, label: str) -> dict[str, Any] | None:
        """The customer's current settings as form values, None when there are none yet; raises `_ReadRefused`
        with the result to show otherwise."""
        response = ctx.send(self._read_request(ctx, customer_number, label))
        if response.status in (401, 403):
            raise _ReadRefused(self._credentials_refused(response))
        if response.status == 204:
            return None
        parsed = _parse(response)
        verdict = read_verdict(parsed)
        if verdict is not None and (not verdict.success or verdict.errors):
            raise _ReadRefused(self._refused(
                f"DäckData could not read the settings of customer {customer_number}.", verdict, response,
                "Check the customer number; the answer is in the log."))
        source = _settings_source(parsed) if parsed is not None and response.ok else None
        if source is _NO_SETTINGS:
            return None
        if source is None:
            message = read_server_message(parsed)
            if message and 400 <= response.status < 500:
                raise _ReadRefused(UploadResult(
                    Outcome.REJECTED, f"DäckData refused to read the settings: {message}",
                    "The answer is in the log.", provider_message=message, http_status=response.status))
            raise _ReadRefused(_unexpected_read(response, customer_number))
        assert isinstance(source, dict)
        try:
            return settings_to_form(source, customer_number)
        except _Unreadable:
            raise _ReadRefused(_unexpected_read(response, customer_number)) from None

    def load(self, ctx: RequestContext, key: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            number = int(key["CustomerNumber"])
        except (TypeError, ValueError):
            raise InvoiceDesktopError("The customer number must be a whole number.") from None
        try:
            return self._read(ctx, number, f"Read invoicing settings of customer {number}")
        except _ReadRefused as refused:
            result = _redacted(refused.result, ctx)
            raise InvoiceDesktopError(" ".join(p for p in (result.title, result.detail) if p)) from None

    # -- sending ------------------------------------------------------------------------------------------------

    def perform(self, ctx: UploadContext) -> UploadResult:
        # The server's own words end up in the result (and the history keeps it): a secret it echoes is hidden.
        return _redacted(self._perform(ctx), ctx)

    def _perform(self, ctx: UploadContext) -> UploadResult:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        values = form.model_dump()
        unknown = form.unknown_fields()
        kept: dict[str, Any] = {}
        current: dict[str, Any] | None = None
        if unknown:
            try:
                current = self._read(ctx, form.CustomerNumber,
                                     f"Read current settings of customer {form.CustomerNumber} (for fields not "
                                     "loaded)")
            except _ReadRefused as refused:
                result = refused.result
                result.detail = (f"{result.detail} Nothing was saved: the current settings are read first, to "
                                 "keep the fields that were not loaded.").strip()
                return result
            # An address may stay empty; every other field needs a value.
            missing = [n for n in unknown if (current is None and n != EMAIL_FIELD)
                       or (current is not None and current.get(n) is None)]
            if missing:
                why = (f"Customer {form.CustomerNumber} has no invoicing settings yet, so every field is needed."
                       if current is None else "DäckData's current settings do not say what they are.")
                return UploadResult(
                    Outcome.FAILED, "Nothing was saved: some fields are still unknown.",
                    f"{why} Fill in: {', '.join(missing)}.",
                    data={"unknown": missing},
                )
            for name in unknown:
                values[name] = kept[name] = current[name] if current is not None else None
        response = ctx.send(self.build_request(ctx, values))
        result = self.read_response(ctx, response, kept=kept, sent=values)
        if result.ok and current is not None:
            changed = {n: (current[n], values[n]) for n in SETTING_FIELDS if current[n] != values[n]}
            result.data["changed"] = {n: {"from": a, "to": b} for n, (a, b) in changed.items()}
            result.detail = (
                "Changed: " + "; ".join(f"{n} ({_shown(a)} → {_shown(b)})" for n, (a, b) in changed.items()) + "."
                if changed else "Nothing changed: these were already the customer's settings."
            ) + f" {len(kept)} field(s) not loaded kept their current values."
        return result

    def read_response(self, ctx: UploadContext, response: Response, *, kept: Mapping[str, Any] | None = None,
                      sent: Mapping[str, Any] | None = None) -> UploadResult:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        number = form.CustomerNumber
        if response.status in (401, 403):
            result = self._credentials_refused(response)
            result.detail += " Nothing was saved."
            return result
        parsed = _parse(response)
        verdict = read_verdict(parsed)
        if verdict is None:
            message = read_server_message(parsed)
            if message and 400 <= response.status < 500:
                return UploadResult(
                    Outcome.REJECTED, f"DäckData refused the settings of customer {number}: {message}",
                    "Nothing was saved. Correct the form and send again; the answer is in the log.",
                    provider_message=message, http_status=response.status,
                )
            return unexpected_answer(response.status)
        if verdict.success:
            detail = "The customer's invoices follow these settings from now on."
            if verdict.errors:
                detail += " DäckData also reported: " + "; ".join(e.line() for e in verdict.errors) + "."
            return UploadResult(
                Outcome.SUCCEEDED, f"DäckData saved the invoicing settings of customer {number}.", detail,
                provider_code=", ".join(e.code_text for e in verdict.errors) or None,
                provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
                http_status=response.status,
                data={"sent": dict(sent or {}), "kept": dict(kept or {}),
                      "errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors]},
            )
        return self._refused(f"DäckData did not save the settings of customer {number}.", verdict, response,
                             "Correct what the messages say and send again.")

    @staticmethod
    def _refused(title: str, verdict: Verdict, response: Response, next_step: str) -> UploadResult:
        if verdict.errors:
            lines = "\n".join(f"• {e.line()}" for e in verdict.errors)
            detail = f"{lines}\n{next_step}"
            if any(e.code_name.startswith("InternalServerError") for e in verdict.errors):
                detail += (" InternalServerError means DDAPI itself failed: if its message does not say what to "
                           "change, try again later or contact your DäckData supplier.")
        else:
            detail = "DäckData gave no reason. " + next_step + " The answer is in the log."
        return UploadResult(
            Outcome.REJECTED, title, detail,
            provider_code=", ".join(e.code_text for e in verdict.errors) or None,
            provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
            http_status=response.status,
            data={"errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors]},
        )

    @staticmethod
    def _credentials_refused(response: Response) -> UploadResult:
        message = read_server_message(_parse(response))
        return UploadResult(
            Outcome.REJECTED, f"The DDAPI installation refused the sign-in (HTTP {response.status}).",
            "Check the sign-in method and its values for this environment (Credentials…); ask your DäckData "
            "supplier which method your installation uses.",
            provider_message=message, http_status=response.status,
        )


def _redacted(result: UploadResult, ctx: RequestContext) -> UploadResult:
    redact = ctx.transport.redactor.redact
    result.title, result.detail = redact(result.title), redact(result.detail)
    result.provider_code = redact(result.provider_code) if result.provider_code else result.provider_code
    result.provider_message = redact(result.provider_message) if result.provider_message else result.provider_message
    result.data = json.loads(redact(json.dumps(result.data)))
    return result


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "(none)" if value in (None, "") else str(value)


def _unexpected_read(response: Response, customer_number: int) -> UploadResult:
    """Like `unexpected_answer`, for a read (which cannot have stored anything)."""
    return UploadResult(
        Outcome.FAILED, "The server answered something unexpected.",
        f"HTTP {response.status} to the read of customer {customer_number}'s settings. The full answer is in the "
        "log; check the address (base URL) of your DDAPI installation.",
        http_status=response.status,
    )


class _ReadRefused(Exception):
    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


PROVIDER = DDAPI()
