"""Real invoice documents for tests, made by real libraries: PDFs with text by fpdf2, EN 16931 CII and UBL XML by
the factur-x library (which also embeds the CII into the PDF as a Factur-X PDF/A-3 attachment)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any


def text_pdf(path: Path, lines: list[str], *, pages: int = 1) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for page in range(pages):
        pdf.add_page()
        for line in lines if page == 0 else [f"Annex page {page + 1}"]:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def einvoice_data(
    number: str = "INV-2026-0042",
    *,
    order: str | None = "ORD-1001",
    buyer_id: str | None = "CUST-7",
    buyer_email: str | None = "ap@buyer.example",
    lines: list[tuple[str, str, str, str]] | None = None,  # (name, quantity, unit price, VAT %)
    issued: datetime.date = datetime.date(2026, 11, 30),
    due: datetime.date = datetime.date(2026, 12, 30),
) -> dict[str, Any]:
    lines = lines or [("Winter tyre 205/55 R16", "4", "100.00", "25")]
    items, net, tax = [], Decimal(0), Decimal(0)
    for i, (name, qty, price, rate) in enumerate(lines, start=1):
        amount = (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"))
        net += amount
        tax += (amount * Decimal(rate) / 100).quantize(Decimal("0.01"))
        items.append(
            {
                "BT-126": str(i),
                "BT-129": qty,
                "BT-130": "C62",
                "BT-131": str(amount),
                "BT-146": price,
                "BT-151": "S",
                "BT-152": rate,
                "BT-153": name,
                "BT-157": "4006381333931",
                "BT-157-1": "0160",
            }
        )
    rate = lines[0][3]
    buyer: dict[str, Any] = {"name": "Buyer AB", "country_code": "SE", "city": "Stockholm", "postcode": "11122"}
    buyer["addr_l1"] = "Storgatan 2"
    if buyer_id:
        buyer["identifiers"] = {"": buyer_id}
    if buyer_email:
        buyer.update(einvoicing_addr=buyer_email, einvoicing_addr_schemeid="EM")
    data: dict[str, Any] = {
        "BT-1": number,
        "BT-2": issued,
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-9": due,
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": issued,
        "BT-81": "30",
        "BG-4": {
            "name": "Däck & Fälg GmbH",
            "country_code": "DE",
            "vat_identifier": "DE123456789",
            "city": "Berlin",
            "postcode": "10115",
            "addr_l1": "Hauptstraße 1",
        },
        "BG-7": buyer,
        "BG-25": items,
        "BG-23": [{"BT-116": str(net), "BT-117": str(tax), "BT-118": "S", "BT-119": rate}],
        "BT-106": str(net),
        "BT-109": str(net),
        "BT-110": str(tax),
        "BT-112": str(net + tax),
        "BT-115": str(net + tax),
    }
    if order:
        data["BT-13"] = order
    return data


def cii_xml(data: dict[str, Any]) -> bytes:
    import facturx

    return facturx.generate_cii_xml(dict(data), level="en16931", check_schematron=False)


def ubl_xml(data: dict[str, Any]) -> bytes:
    import facturx

    return facturx.generate_ubl_xml(dict(data), check_schematron=False)


def facturx_pdf(path: Path, data: dict[str, Any], *, visible_lines: list[str] | None = None) -> Path:
    """A PDF whose visible text says one thing and whose embedded Factur-X XML says `data`."""
    import facturx

    text_pdf(path, visible_lines or [f"Invoice {data['BT-1']}"])
    path.write_bytes(facturx.generate_from_binary(path.read_bytes(), cii_xml(data), flavor="factur-x"))
    return path
