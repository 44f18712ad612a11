"""DDAPI's wire format: the request as JSON or XML (the documentation's samples, field for field), and reading the
answers to the GET (current settings) and the POST (`CustomerInvoicePostResponse`) in either format, as well as
ASP.NET Web API's own error shape.

Kept apart from `ddapi` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from ..core.http import Response
from ..core.i18n import _
from ._ddapi_form import BOOL_FIELDS, EMAIL_FIELD, FIELD_ORDER, INT_FIELDS, SETTING_FIELDS

NAMESPACE = "http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# The data-contract serializer reads members in this (ordinal, alphabetical) order and silently skips an element
# that comes out of order, leaving that member at its default: the XML sample's order, exactly.
XML_ORDER = (
    "AllowInvoicePaymentFromOrder",
    "CreditAccountId",
    "CurrencyId",
    "CustomerNumber",
    "InterestTypeId",
    "InvoiceCycleId",
    EMAIL_FIELD,
    "InvoiceRecipientCustomerNumber",
    "InvoiceTypeId",
    "PaysInvoiceFee",
    "RetainsInvoiceType",
    "ReverseTax",
    "SendInvoiceFromOrderAsEmail",
    "TermsOfPaymentId",
)

CONTENT_TYPE = {"json": "application/json; charset=utf-8", "xml": "application/xml; charset=utf-8"}
ACCEPT = {"json": "application/json", "xml": "application/xml"}


def chosen_format(options: Mapping[str, Any]) -> str:
    """The format the clerk chose for the request and the answer ("json" or "xml"); JSON unless XML was chosen."""
    fmt = options.get("format") or "json"
    return fmt if fmt in ACCEPT else "json"


# The ErrorCode enum: JSON carries its number, XML its name. Only this value is documented.
ERROR_CODE_NAMES = {1: "InternalServerError"}
ERROR_CODE_NUMBERS = {name.lower(): number for number, name in ERROR_CODE_NAMES.items()}


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
            # Translators: an error code DäckData sent that its documentation does not name.
            return f"{name} ({self.code})" if name else _("error code {code}").format(code=self.code)
        if isinstance(self.code, str) and self.code.isdigit():
            return DDError(int(self.code), self.message).code_name
        if isinstance(self.code, str) and self.code:
            number = ERROR_CODE_NUMBERS.get(self.code.lower())
            return f"{self.code} ({number})" if number is not None else self.code
        return _("no error code")

    @property
    def code_text(self) -> str:
        """The raw code for provider_code: the enum's name where known."""
        if isinstance(self.code, int) or (isinstance(self.code, str) and self.code.isdigit()):
            return ERROR_CODE_NAMES.get(int(self.code), str(self.code))
        return self.code or "-"

    def line(self) -> str:
        message = self.message or _("(no message)")
        return f"{self.code_name}: {message}"


@dataclass(frozen=True)
class Verdict:
    """A `CustomerInvoicePostResponse` (or the same shape around a read)."""

    success: bool
    errors: tuple[DDError, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _answer_kind(response: Response) -> str | None:
    """ "json" or "xml" when the answer is one of the formats DDAPI speaks, else None (an HTML page, text...)."""
    ctype = response.content_type
    if ctype in ("application/json", "text/json") or ctype.endswith("+json"):
        return "json"
    if ctype in ("application/xml", "text/xml") or ctype.endswith("+xml"):
        return "xml"
    return None


def parse_answer(response: Response) -> tuple[str, Any] | None:
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
                errors.append(
                    DDError(code if isinstance(code, int | str) else None, str(message) if message is not None else "")
                )
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


NO_SETTINGS = object()


def settings_source(parsed: tuple[str, Any]) -> dict[str, Any] | object | None:
    """{field: raw value} of a read answer, NO_SETTINGS for an explicit null, None for another shape."""
    kind, data = parsed
    known = {n.lower() for n in FIELD_ORDER}
    if kind == "json":
        if data is None:
            return NO_SETTINGS
        if not isinstance(data, dict):
            return None
        candidates = [data] + [v for v in data.values() if isinstance(v, dict)]
        for candidate in candidates:
            if any(isinstance(k, str) and k.lower() in known for k in candidate):
                return {k: v for k, v in candidate.items() if isinstance(k, str) and k.lower() in known}
        wrapped = [k for k, v in data.items() if v is None and isinstance(k, str) and "invoice" in k.lower()]
        return NO_SETTINGS if wrapped else None
    root: ET.Element = data
    if root.get(f"{{{XSI}}}nil") == "true":
        return NO_SETTINGS
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
            return NO_SETTINGS
    return None


class Unreadable(ValueError):
    pass


def _to_int(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise Unreadable(raw)
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise Unreadable(raw)


def _to_bool(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise Unreadable(raw)


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
