"""Writes the practice sample folder (resources/samples/batch): a few invoices a new user can try a batch with.

Made by real libraries, never by hand-written bytes: fpdf2 draws the PDFs, factur-x writes the EN 16931 XML and
embeds it (Factur-X, PDF/A-3 attachment). Run by hand when the samples change, and commit the outputs; the app and
its builds use the committed files, so fpdf2 (a test dependency) is needed only here:

    .venv/bin/python resources/make_samples.py

The folder works with the practice sandboxes: i.materialise's open orders ORD-1001/ORD-1002, SkyPostal's parcels
13869085/13869086, and any PayFabric invoice. Each document shows one way a row is filled:
  ORD-1001_tyres.pdf         an embedded Factur-X invoice (sure values, lines included)
  ORD-1002_rims.pdf + .xml   a plain PDF with a UBL e-invoice beside it (the XML fills the row, the PDF is sent)
  INV-2026-0103.pdf          a plain PDF: its labelled values are guesses to confirm; the customer is typed
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "samples" / "batch"
SELLER = {
    "name": "Däck & Fälg GmbH",
    "country_code": "DE",
    "vat_identifier": "DE123456789",
    "city": "Berlin",
    "postcode": "10115",
    "addr_l1": "Hauptstraße 1",
}


def text_pdf(path: Path, lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.set_font("helvetica", style="B", size=16)
    pdf.cell(text="Däck & Fälg GmbH", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def einvoice(number: str, order: str, customer: str, lines: list[tuple[str, str, str]]) -> dict[str, Any]:
    """EN 16931 business terms (factur-x's names) for an invoice with 25 % VAT."""
    issued, due = datetime.date(2026, 11, 30), datetime.date(2026, 12, 30)
    items, net = [], Decimal(0)
    for i, (name, qty, price) in enumerate(lines, start=1):
        amount = (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"))
        net += amount
        items.append(
            {
                "BT-126": str(i),
                "BT-129": qty,
                "BT-130": "C62",
                "BT-131": str(amount),
                "BT-146": price,
                "BT-151": "S",
                "BT-152": "25",
                "BT-153": name,
            }
        )
    tax = (net * Decimal("0.25")).quantize(Decimal("0.01"))
    return {
        "BT-1": number,
        "BT-2": issued,
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-9": due,
        "BT-13": order,
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-72": issued,
        "BT-81": "30",
        "BG-4": SELLER,
        "BG-7": {
            "name": "Nordic Wheels AB",
            "identifiers": {"": customer},
            "country_code": "SE",
            "city": "Stockholm",
            "postcode": "11122",
            "addr_l1": "Storgatan 2",
            "einvoicing_addr": "ap@nordicwheels.example",
            "einvoicing_addr_schemeid": "EM",
        },
        "BG-25": items,
        "BG-23": [{"BT-116": str(net), "BT-117": str(tax), "BT-118": "S", "BT-119": "25"}],
        "BT-106": str(net),
        "BT-109": str(net),
        "BT-110": str(tax),
        "BT-112": str(net + tax),
        "BT-115": str(net + tax),
    }


def main() -> None:
    import facturx

    OUT.mkdir(parents=True, exist_ok=True)
    first = einvoice("INV-2026-0101", "ORD-1001", "CUST-7", [("Winter tyre 205/55 R16", "4", "100.00")])
    visible = ["Invoice INV-2026-0101", "Order ORD-1001", "Tracking: 13869085", "Total: 500,00 EUR"]
    cii = facturx.generate_cii_xml(dict(first), level="en16931", check_schematron=False)
    embedded = facturx.generate_from_binary(text_pdf(OUT, visible), cii, flavor="factur-x")
    (OUT / "ORD-1001_tyres.pdf").write_bytes(embedded)

    second = einvoice("INV-2026-0102", "ORD-1002", "CUST-8", [("Alloy rim 16 in", "4", "60.00")])
    visible = ["Invoice INV-2026-0102", "Order ORD-1002", "Tracking: 13869086", "Total: 300,00 EUR"]
    (OUT / "ORD-1002_rims.pdf").write_bytes(text_pdf(OUT, visible))
    (OUT / "ORD-1002_rims.xml").write_bytes(facturx.generate_ubl_xml(dict(second), check_schematron=False))

    visible = [
        "Invoice no.: INV-2026-0103",
        "Invoice date: 01.12.2026",
        "Order: ORD-1001",
        "Tracking: 13869085",
        "Valve caps, 40 pieces",
        "Total: 50,00",
        "Amount due: 50,00",
    ]
    (OUT / "INV-2026-0103.pdf").write_bytes(text_pdf(OUT, visible))
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(HERE.parent)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
