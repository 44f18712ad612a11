"""Filling a batch row from the document itself: e-invoices (embedded Factur-X, a CII or UBL .xml beside the PDF),
a sheet, the file name, an issuer template and the PDF's text — in that order of trust, each value saying where it
came from, guesses marked as guesses. Documents are made by fpdf2 and factur-x, never by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl
import pytest

from invoice_desktop.core.documents.facts import Facts, Source
from invoice_desktop.core.documents.fill import fill_row
from invoice_desktop.core.documents.names import PatternProblem, compile_pattern
from invoice_desktop.core.documents.pdf_text import load_templates
from invoice_desktop.core.documents.sheet import SheetProblem, read_sheet
from tests.documents_factory import einvoice_data, facturx_pdf, text_pdf, ubl_xml

# A provider's declaration, as PayFabric's would read: form field → fact (or a function of the facts).
FIELDS = {
    "InvoiceId": "invoice_number",
    "CustomerId": "buyer_id",
    "Amount": "total_grand",
    "BalanceDue": "total_due",
    "PostingDate": "issue_date",
    "PONumber": "order_reference",
    "Email": "buyer_email",
    "BillingAddress.City": "buyer_city",
    "InvoiceItems": lambda facts: [
        {"ItemId": line["gtin"], "ItemDesc": line["name"], "ItemQty": line["quantity"]}
        for line in facts.get("lines") or []
    ],
}
LABELS = {"InvoiceId": "Invoice ID", "CustomerId": "Customer ID", "Amount": "Amount", "PONumber": "PO number"}


def test_an_embedded_factur_x_fills_the_row_surely_even_when_the_visible_text_says_otherwise(tmp_path):
    pdf = facturx_pdf(
        tmp_path / "scan.pdf",
        einvoice_data("INV-1", order="ORD-1001", buyer_id="CUST-7"),
        visible_lines=["Invoice no.: WRONG-9", "Total: 1,00"],
    )
    row = fill_row(pdf, document_fields=FIELDS)
    data = row.form_data()
    assert data["InvoiceId"] == "INV-1" and data["CustomerId"] == "CUST-7" and data["PONumber"] == "ORD-1001"
    assert data["Amount"] == Decimal("500.00") and data["PostingDate"] == datetime.date(2026, 11, 30)
    assert data["BillingAddress"] == {"City": "Stockholm"}
    assert data["InvoiceItems"] == [
        {"ItemId": "4006381333931", "ItemDesc": "Winter tyre 205/55 R16", "ItemQty": Decimal("4")}
    ]
    assert {v.source for v in row.values.values()} == {Source.EINVOICE}
    assert row.guessed == [] and row.einvoice_name == "factur-x.xml"


def test_a_ubl_xml_beside_the_pdf_fills_the_row_and_the_pdf_is_what_is_sent(tmp_path):
    pdf = text_pdf(tmp_path / "INV-2.pdf", ["Invoice no.: INV-2"])
    xml = tmp_path / "INV-2.xml"
    xml.write_bytes(ubl_xml(einvoice_data("INV-2", buyer_id="CUST-9")))
    row = fill_row(pdf, document_fields=FIELDS, xml_beside=xml)
    assert row.form_data()["CustomerId"] == "CUST-9"
    assert row.values["InvoiceId"].source is Source.EINVOICE and row.values["InvoiceId"].detail == "INV-2.xml"


def test_an_xml_that_is_not_an_e_invoice_is_said_and_the_other_sources_still_fill(tmp_path):
    pdf = text_pdf(tmp_path / "a.pdf", ["Invoice no.: INV-3"])
    xml = tmp_path / "a.xml"
    xml.write_text("<order><id>1</id></order>", encoding="utf-8")
    row = fill_row(pdf, document_fields=FIELDS, xml_beside=xml)
    assert any("a.xml is not an e-invoice" in p for p in row.problems)
    assert row.form_data()["InvoiceId"] == "INV-3" and row.guessed == ["InvoiceId"]


def test_labelled_values_in_the_text_are_guesses_until_confirmed(tmp_path):
    pdf = text_pdf(
        tmp_path / "plain.pdf",
        [
            "ACME Tyres GmbH",
            "Invoice no.: INV-77",
            "Order: ORD-1001",
            "Due date: 31.12.2026",
            "Invoice date: 30.11.2026",
            "Total: 1.234,50 EUR",
        ],
    )
    row = fill_row(pdf, document_fields=FIELDS)
    data = row.form_data()
    assert data["InvoiceId"] == "INV-77" and data["PONumber"] == "ORD-1001"
    assert data["PostingDate"] == datetime.date(2026, 11, 30)  # not the due date printed above it
    assert data["Amount"] == Decimal("1234.50")
    assert set(row.guessed) == {"InvoiceId", "PONumber", "PostingDate", "Amount"}
    assert row.values["Amount"].detail == "“Total: 1.234,50”"


def test_an_issuer_template_in_invoice2data_format_makes_the_values_sure(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "acme.yml").write_text(
        "issuer: ACME Tyres GmbH\n"
        "keywords:\n  - ACME Tyres\n"
        "fields:\n"
        "  invoice_number: Beleg\\s+(\\S+)\n"
        "  amount: Endbetrag\\s+([\\d.,]+)\n"
        "  date: Datum\\s+(\\d{2}\\.\\d{2}\\.\\d{4})\n"
        "options:\n  currency: EUR\n  date_formats:\n    - '%d.%m.%Y'\n",
        encoding="utf-8",
    )
    (templates / "broken.yml").write_text("issuer: [unclosed\n", encoding="utf-8")
    loaded, problems = load_templates(templates.glob("*.yml"))
    assert [t.issuer for t in loaded] == ["ACME Tyres GmbH"] and "broken.yml" in problems[0]
    pdf = text_pdf(tmp_path / "acme.pdf", ["ACME Tyres GmbH", "Beleg A-17", "Datum 01.12.2026", "Endbetrag 99,90"])
    row = fill_row(pdf, document_fields=FIELDS, templates=loaded)
    assert row.form_data()["InvoiceId"] == "A-17" and row.form_data()["Amount"] == Decimal("99.90")
    assert row.values["InvoiceId"].source is Source.TEMPLATE and row.guessed == []
    other = text_pdf(tmp_path / "other.pdf", ["Other Corp", "Beleg B-1"])
    assert "InvoiceId" not in fill_row(other, document_fields=FIELDS, templates=loaded).values


def test_the_file_name_pattern_fills_fields_and_says_when_it_does_not_match(tmp_path):
    pattern = compile_pattern("{PONumber}_*.pdf")
    pdf = text_pdf(tmp_path / "ORD-2002_invoice.PDF", ["nothing labelled"])
    row = fill_row(pdf, document_fields=FIELDS, name_pattern=pattern)
    assert row.form_data()["PONumber"] == "ORD-2002" and row.values["PONumber"].source is Source.FILE_NAME
    miss = fill_row(text_pdf(tmp_path / "scan1.pdf", ["x"]), document_fields=FIELDS, name_pattern=pattern)
    assert miss.problems == ["The file-name pattern does not match “scan1.pdf”."]
    regex = compile_pattern(r"re:(?P<order_reference>ORD-\d+)")
    assert fill_row(pdf, document_fields=FIELDS, name_pattern=regex).form_data()["PONumber"] == "ORD-2002"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("", "empty"), ("invoice_*.pdf", "names no value"), ("re:(", "not valid"), ("{a}_{a}", "twice")],
)
def test_a_wrong_pattern_is_refused_plainly(pattern, message):
    with pytest.raises(PatternProblem, match=message):
        compile_pattern(pattern)


def test_a_csv_as_offices_write_it_fills_by_field_name_or_label(tmp_path):
    sheet_path = tmp_path / "month.csv"
    text = "Datei;Invoice ID;amount;Notes\r\nC:\\Scans\\a.pdf;INV-5;1.234,50;paid\r\nb.pdf;INV-6;12,00;\r\n"
    sheet_path.write_bytes(b"\xef\xbb\xbf" + text.replace("Datei", "File").encode("utf-8"))
    sheet = read_sheet(sheet_path, LABELS)
    assert sheet.unknown_columns == ["Notes"]
    row = fill_row(text_pdf(tmp_path / "a.pdf", ["Invoice no.: GUESS-1"]), document_fields=FIELDS, sheet=sheet)
    assert row.form_data()["InvoiceId"] == "INV-5"  # the sheet beats a guess from the text
    assert row.values["InvoiceId"].detail == "month.csv, row 2" and row.values["Amount"].value == "1.234,50"
    assert sheet.files_not_found({"a.pdf"}) == ["b.pdf"]


def test_a_windows_1252_csv_with_commas_is_read(tmp_path):
    sheet_path = tmp_path / "s.csv"
    sheet_path.write_bytes("file,Customer ID\nmüller.pdf,Müller AB\n".encode("cp1252"))
    sheet = read_sheet(sheet_path, LABELS)
    assert sheet.row_for("MÜLLER.pdf") == ({"CustomerId": "Müller AB"}, 2)


def test_an_xlsx_sheet_is_read_with_openpyxl(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["File", "Invoice ID", "Amount", "PO number"])
    book.active.append(["a.pdf", "INV-8", 250.5, 1001])
    book.save(tmp_path / "s.xlsx")
    sheet = read_sheet(tmp_path / "s.xlsx", LABELS)
    assert sheet.row_for("a.pdf") == ({"InvoiceId": "INV-8", "Amount": "250.5", "PONumber": "1001"}, 2)


def test_a_sheet_without_a_file_column_or_unreadable_is_refused_plainly(tmp_path):
    (tmp_path / "s.csv").write_text("Invoice ID;Amount\nINV-1;2\n", encoding="utf-8")
    with pytest.raises(SheetProblem, match="no 'file' column"):
        read_sheet(tmp_path / "s.csv", LABELS)
    (tmp_path / "s.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(SheetProblem, match="could not be read as an Excel workbook"):
        read_sheet(tmp_path / "s.xlsx", LABELS)


def test_the_order_of_trust_is_e_invoice_then_sheet_then_file_name_then_text(tmp_path):
    pdf = facturx_pdf(tmp_path / "ORD-9_x.pdf", einvoice_data("INV-EI", order="ORD-EI"))
    (tmp_path / "s.csv").write_text("file;Invoice ID;Customer ID\nORD-9_x.pdf;INV-SHEET;C-SHEET\n", encoding="utf-8")
    row = fill_row(
        pdf,
        document_fields=FIELDS,
        sheet=read_sheet(tmp_path / "s.csv", LABELS),
        name_pattern=compile_pattern("{PONumber}_*.pdf"),
    )
    assert row.form_data()["InvoiceId"] == "INV-EI" and row.form_data()["PONumber"] == "ORD-EI"
    assert row.form_data()["CustomerId"] == "CUST-7"  # the e-invoice names the buyer, so the sheet's is not used


def test_a_damaged_or_password_protected_pdf_fills_nothing_and_does_not_crash(tmp_path):
    from fpdf import FPDF

    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(text="Invoice no.: INV-SECRET")
    locked.output(str(tmp_path / "locked.pdf"))
    damaged = text_pdf(tmp_path / "damaged.pdf", ["Invoice no.: INV-1"])
    damaged.write_bytes(damaged.read_bytes()[:200])
    for pdf in (tmp_path / "locked.pdf", damaged):
        assert fill_row(pdf, document_fields=FIELDS).values == {}


def test_facts_merge_keeps_the_more_trusted_value_per_name():
    guess, sure = Facts(), Facts()
    guess.put("invoice_number", "G", Source.PDF_TEXT)
    guess.put("total_grand", Decimal(1), Source.PDF_TEXT)
    sure.put("invoice_number", "S", Source.TEMPLATE)
    merged = guess.merged_under(sure)
    assert merged.get("invoice_number") == "S" and merged.get("total_grand") == Decimal(1)
