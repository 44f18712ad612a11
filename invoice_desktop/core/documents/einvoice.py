"""E-invoices: Factur-X / ZUGFeRD 2 / XRechnung (CII XML, embedded in a PDF/A-3 or standalone) and UBL 2.1 XML,
read with the maintained `factur-x` library into the neutral facts (EN 16931 business terms → our names)."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..i18n import N_, Msg
from .facts import Facts, Source

log = logging.getLogger(__name__)

NOT_AN_EINVOICE = N_(
    "{name} is not an e-invoice the app can read (Factur-X, ZUGFeRD 2, XRechnung in CII or UBL 2.1). "
    "Fill this row from a sheet, the file name or by hand."
)


def embedded_xml(pdf: Path) -> tuple[str, bytes] | None:
    """The e-invoice XML embedded in a PDF (Factur-X/ZUGFeRD/XRechnung), as (attachment name, bytes), or None."""
    import facturx

    try:
        name, xml = facturx.get_xml_from_pdf(pdf.read_bytes(), check_xsd=False)
    except Exception as exc:  # a damaged or encrypted PDF: no e-invoice to read, the other sources still apply
        log.info(N_("No embedded e-invoice in %(file)s: %(error)s"), {"file": pdf.name, "error": exc})
        return None
    return (name, xml) if xml else None


def read_xml(xml: bytes, origin: str) -> Facts:
    """The facts a CII or UBL invoice states. An XML that is not one gives a problem, not an exception."""
    import facturx

    facts = Facts()
    try:
        data = facturx.parse_ubl_cii_xml(xml, check_xsd=False)
    except Exception as exc:
        log.info(N_("%(file)s is not a readable e-invoice: %(error)s"), {"file": origin, "error": exc})
        facts.problems.append(Msg(NOT_AN_EINVOICE, name=origin))
        return facts
    _fill(facts, data, origin)
    if not facts.values:
        facts.problems.append(Msg(NOT_AN_EINVOICE, name=origin))
    return facts


def _fill(facts: Facts, data: dict[str, Any], origin: str) -> None:
    def put(name: str, value: Any) -> None:
        facts.put(name, value, Source.EINVOICE, origin)

    put("invoice_number", _text(data.get("BT-1")))
    put("issue_date", data.get("BT-2"))
    put("due_date", data.get("BT-9"))
    put("order_reference", _text(data.get("BT-13")))  # the buyer's purchase order reference
    put("currency", _text(data.get("BT-5")))
    put("total_lines", _amount(data.get("BT-106")))
    put("total_tax", _amount(data.get("BT-110")))
    put("total_grand", _amount(data.get("BT-112")))
    put("total_due", _amount(data.get("BT-115")))
    buyer = data.get("BG-7") or {}
    put("buyer_id", _first(buyer.get("identifiers")) or _text(buyer.get("legal_identifier")))
    put("buyer_name", _text(buyer.get("name")))
    put("buyer_email", _buyer_email(buyer))
    put("buyer_street", _text(buyer.get("addr_l1")))
    put("buyer_city", _text(buyer.get("city")))
    put("buyer_postcode", _text(buyer.get("postcode")))
    put("buyer_country", _text(buyer.get("country_code")))
    put("lines", [_line(line) for line in data.get("BG-25") or []])


def _line(line: dict[str, Any]) -> dict[str, Any]:
    gtin = _text(line.get("BT-157")) if str(line.get("BT-157-1") or "0160") == "0160" else None
    return {
        "name": _text(line.get("BT-153")),
        "quantity": _amount(line.get("BT-129")),
        "unit_price": _amount(line.get("BT-146")),
        "vat_rate": _amount(line.get("BT-152")),
        "gtin": gtin,
        "amount": _amount(line.get("BT-131")),
    }


def _buyer_email(buyer: dict[str, Any]) -> str | None:
    if str(buyer.get("einvoicing_addr_schemeid") or "").upper() == "EM":
        return _text(buyer.get("einvoicing_addr"))
    for contact in buyer.get("contacts") or []:
        if isinstance(contact, dict) and contact.get("email"):
            return _text(contact["email"])
    return None


def _first(value: Any) -> str | None:
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    elif isinstance(value, list | tuple):
        value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("id") or next(iter(value.values()), None)
    return _text(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
