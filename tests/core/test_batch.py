"""Batches through the service, against the practice sandboxes: every source fills a row (and says so), every
refusal is listed with its rule, two rows with one target and earlier uploads are caught before anything is sent,
the outbox is written first and reopens as it was, Retry sends only the failed rows, and the report is a CSV."""

from __future__ import annotations

import csv
import time

import pytest

from invoice_desktop.core import outbox
from invoice_desktop.core.batch import BatchInputError, BatchService
from invoice_desktop.core.cancel import CancelToken
from tests import documents
from tests.documents_factory import einvoice_data, facturx_pdf, text_pdf, ubl_xml


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    """The outbox behaves the same on this computer's history and on the shared server."""
    return request.param


@pytest.fixture
def batches(services):
    return BatchService(services.uploads)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "month-end"
    path.mkdir()
    return path


def sandbox(services, provider_id):
    from invoice_desktop.providers import get_provider

    return services.uploads.practice.sandbox_for(get_provider(provider_id))


def by_file(batch):
    return {row.file_name: row for row in batch.rows}


def invoice(folder, number, **kw):
    return facturx_pdf(folder / f"{number}.pdf", einvoice_data(number, **kw))


# -- sources ---------------------------------------------------------------------------------------------------


def test_an_embedded_factur_x_fills_a_payfabric_row_with_its_lines_and_address(batches, folder):
    invoice(folder, "INV-1", buyer_id="CUST-7")
    row = batches.plan("payfabric", "practice", [folder]).rows[0]
    assert row.status == outbox.READY, row.message
    data = row.form_data()
    assert (data["InvoiceId"], data["CustomerId"], data["Amount"], data["Currency"]) == (
        "INV-1",
        "CUST-7",
        "500.00",
        "EUR",
    )
    assert data["BillingAddress"]["City"] == "Stockholm" and data["BillingAddress"]["AddressID"] == "PRIMARY"
    assert data["InvoiceItems"][0]["ItemCode"] == "4006381333931"
    assert data["InvoiceItems"][0]["Taxes"] == [{"Name": "VAT", "Rate": "0.25"}]
    assert {cell.source for cell in row.values.values()} == {"e-invoice"} and row.guessed == []
    assert row.target == "INV-1"


def test_a_cii_xml_beside_the_pdf_fills_the_row_and_the_pdf_is_what_is_sent(batches, folder, services):
    text_pdf(folder / "ORD.pdf", ["no labels here"])
    (folder / "ORD.xml").write_bytes(ubl_xml(einvoice_data("INV-9", order="ORD-1002")))
    batch = batches.create("imaterialise", "practice", [folder])
    assert [r.file_name for r in batch.rows] == ["ORD.pdf"]  # one row: the XML is not a document of its own
    row = batch.rows[0]
    assert row.values["order_id"].value == "ORD-1002" and row.values["order_id"].detail == "ORD.xml"
    batches.send(batch)
    assert row.status == outbox.SUCCEEDED, row.message
    received = sandbox(services, "imaterialise").received
    assert received[-1]["order_id"] == "ORD-1002" and received[-1]["filename"] == "ORD.pdf"


def test_a_sheet_fills_rows_by_labels_and_beats_the_pdf_text(batches, folder, tmp_path):
    text_pdf(folder / "p1.pdf", ["Tracking: 99999999"])
    sheet = tmp_path / "parcels.csv"
    sheet.write_bytes("File;Tracking number\np1.pdf;13869085\n".encode("cp1252"))
    batch = batches.plan("skypostal", "practice", [folder], sheet=sheet)
    cell = batch.rows[0].values["trck_nmr_fol"]
    assert (cell.value, cell.source, cell.detail) == ("13869085", "sheet", "parcels.csv, row 2")
    assert batch.problems == []


def test_the_file_name_pattern_fills_the_order_id(batches, folder):
    text_pdf(folder / "ORD-1001_march.pdf", ["Invoice"])
    row = batches.plan("imaterialise", "practice", [folder], name_pattern="{order_id}_*.pdf").rows[0]
    assert row.values["order_id"].value == "ORD-1001" and row.values["order_id"].source == "file name"
    assert row.status == outbox.READY


def test_an_issuer_template_makes_a_value_sure_and_plain_text_is_only_a_guess(batches, folder, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "acme.yml").write_text(
        "issuer: ACME\nkeywords:\n  - ACME Tyres\nfields:\n  po_number: Auftrag\\s+(ORD-\\d+)\n", encoding="utf-8"
    )
    text_pdf(folder / "acme.pdf", ["ACME Tyres GmbH", "Auftrag ORD-1002"])
    text_pdf(folder / "plain.pdf", ["Order: ORD-1001"])
    rows = by_file(batches.plan("imaterialise", "practice", [folder], templates_dir=templates))
    assert rows["acme.pdf"].values["order_id"].source == "issuer template" and rows["acme.pdf"].guessed == []
    assert rows["plain.pdf"].values["order_id"].value == "ORD-1001" and rows["plain.pdf"].guessed == ["order_id"]


# -- refusals: listed, never dropped, nothing sent --------------------------------------------------------------


def test_every_file_the_provider_cannot_take_is_listed_with_the_rule(batches, folder, services):
    (folder / "corrupt.pdf").write_bytes(documents.pdf()[:200])
    (folder / "locked.pdf").write_bytes(documents.pdf(owner_password="o", user_password="secret"))
    (folder / "photo.png").write_bytes(documents.sample(".png"))
    (folder / "alone.xml").write_bytes(ubl_xml(einvoice_data("INV-5")))
    text_pdf(folder / "ORD-1001.pdf", ["x"])
    (folder / "ORD-1001.xml").write_text("<order><id>1</id></order>", encoding="utf-8")
    batch = batches.create("imaterialise", "practice", [folder])
    rows = by_file(batch)
    assert len(rows) == 5
    assert rows["corrupt.pdf"].status == outbox.REFUSED and "corrupt.pdf" in rows["corrupt.pdf"].message
    assert rows["locked.pdf"].status == outbox.REFUSED and "password" in rows["locked.pdf"].message.lower()
    assert rows["photo.png"].status == outbox.REFUSED and ".pdf .doc .docx .xls .xlsx" in rows["photo.png"].message
    assert rows["alone.xml"].status == outbox.NOTHING_TO_SEND and "nothing to send" in rows["alone.xml"].message
    assert any("ORD-1001.xml is not an e-invoice" in p for p in rows["ORD-1001.pdf"].problems)
    assert rows["ORD-1001.pdf"].status == outbox.INVALID and rows["ORD-1001.pdf"].field_problems == {
        "order_id": "Required."
    }
    report = batches.send(batch)
    assert report.sent == 0 and sandbox(services, "imaterialise").received == []


def test_a_sheet_with_unknown_columns_or_a_missing_file_says_so(batches, folder, tmp_path):
    text_pdf(folder / "a.pdf", ["x"])
    sheet = tmp_path / "s.csv"
    sheet.write_text("file,Order ID,Colour\na.pdf,ORD-1001,red\nghost.pdf,ORD-1002,blue\n", encoding="utf-8")
    batch = batches.plan("imaterialise", "practice", [folder], sheet=sheet)
    assert any("Colour" in p and "fill nothing" in p for p in batch.problems)
    assert any("“ghost.pdf” is not among the files" in p and "row 3" in p for p in batch.problems)
    assert batch.rows[0].values["order_id"].value == "ORD-1001"


def test_unknown_columns_name_a_provider_ending_in_s_without_a_doubled_s(batches, folder, tmp_path):
    text_pdf(folder / "a.pdf", ["x"])
    sheet = tmp_path / "s.csv"
    sheet.write_text("file,Colour\na.pdf,red\n", encoding="utf-8")
    problems = [str(p) for p in batches.plan("payfabric", "practice", [folder], sheet=sheet).problems]
    assert any("are not fields of the PayFabric Receivables form" in p for p in problems), problems
    assert not any("Receivables's" in p for p in problems)


def test_bad_input_is_refused_whole(batches, folder, tmp_path):
    text_pdf(folder / "a.pdf", ["x"])
    with pytest.raises(BatchInputError, match="no 'file' column"):
        bad = tmp_path / "bad.csv"
        bad.write_text("Order ID\nORD-1\n", encoding="utf-8")
        batches.plan("imaterialise", "practice", [folder], sheet=bad)
    with pytest.raises(BatchInputError, match="names no value"):
        batches.plan("imaterialise", "practice", [folder], name_pattern="invoice_*.pdf")
    with pytest.raises(BatchInputError, match="Not found"):
        batches.plan("imaterialise", "practice", [tmp_path / "nowhere"])
    with pytest.raises(BatchInputError, match="takes invoices without files"):
        batches.plan("shopwave", "practice", [folder])
    with pytest.raises(BatchInputError, match="takes no batch"):
        batches.plan("ddapi", "practice", [folder])


def test_a_pattern_that_matches_nothing_is_said_per_row_and_for_the_batch(batches, folder):
    text_pdf(folder / "scan1.pdf", ["x"])
    batch = batches.plan("imaterialise", "practice", [folder], name_pattern="{order_id}_*.pdf")
    assert batch.rows[0].problems == ["The file-name pattern does not match “scan1.pdf”."]
    assert batch.problems == ["The file-name pattern “{order_id}_*.pdf” matches none of the files."]


# -- duplicates ------------------------------------------------------------------------------------------------


def test_two_rows_with_one_target_are_caught_before_anything_is_sent(batches, folder, services):
    invoice(folder, "A", order="ORD-1001")
    invoice(folder, "B", order="ORD-1001")
    invoice(folder, "C", order="ORD-1002")
    batch = batches.create("imaterialise", "practice", [folder])
    rows = by_file(batch)
    assert rows["A.pdf"].status == rows["B.pdf"].status == outbox.INVALID
    assert "Row(s) 2 have the same target (ORD-1001)" in rows["A.pdf"].message
    batches.send(batch)
    received = sandbox(services, "imaterialise").received
    assert [r["order_id"] for r in received] == ["ORD-1002"]
    batches.set_value(batch, rows["B.pdf"], "order_id", "ORD-1001-X")  # the clerk fixes one: both are free
    assert rows["A.pdf"].status == rows["B.pdf"].status == outbox.READY
    assert rows["B.pdf"].values["order_id"].source == "typed"


def test_a_file_or_target_sent_before_is_skipped_unless_ticked(batches, folder, services):
    invoice(folder, "INV-1")
    first = batches.create("payfabric", "practice", [folder])
    batches.send(first)
    assert first.rows[0].status == outbox.SUCCEEDED
    again = batches.create("payfabric", "practice", [folder])
    row = again.rows[0]
    assert row.status == outbox.DUPLICATE and row.duplicate["why"] == "file"
    assert f"attempt {first.rows[0].attempt_id}" in row.message and "to INV-1" in row.message
    invoice(folder, "other")  # a different file, the same invoice id
    (folder / "other.pdf").write_bytes(
        facturx_pdf(folder / "x.pdf", einvoice_data("INV-1", buyer_id="C2")).read_bytes()
    )
    (folder / "x.pdf").unlink()
    again = by_file(batches.create("payfabric", "practice", [folder / "other.pdf"]))
    assert again["other.pdf"].status == outbox.DUPLICATE and again["other.pdf"].duplicate["why"] == "target"
    received = sandbox(services, "payfabric").received
    count = len(received)
    batch = batches.create("payfabric", "practice", [folder / "INV-1.pdf"])
    batches.send(batch)
    assert len(received) == count and batch.rows[0].status == outbox.DUPLICATE  # skipped
    batches.send_anyway(batch, batch.rows[0], True)
    batches.send(batch)
    assert len(received) == count + 1 and batch.rows[0].status == outbox.SUCCEEDED


# -- sending, retry, resume, report ------------------------------------------------------------------------------


def test_the_outbox_is_written_before_sending_and_reopens_as_it_was(batches, folder, services):
    invoice(folder, "INV-1")
    invoice(folder, "INV-2")
    batch = batches.create("payfabric", "practice", [folder])
    stored = services.history.read("SELECT file_name, status, snapshot_sha256, values_json FROM batch_rows ORDER BY id")
    assert [(r[0], r[1]) for r in stored] == [("INV-1.pdf", "ready"), ("INV-2.pdf", "ready")]
    assert all(len(r[2]) == 64 and '"source": "e-invoice"' in r[3] for r in stored)
    assert services.history.read("SELECT COUNT(*) FROM attempts")[0][0] == 0
    events = []
    cancel = CancelToken()

    def on_row(row):
        events.append((row.file_name, row.status))
        if row.status == outbox.SUCCEEDED:
            cancel.cancel()  # Cancel after the first row: the second stays pending

    report = batches.send(batch, on_row=on_row, cancel=cancel)
    assert report.cancelled and events == [("INV-1.pdf", "sending"), ("INV-1.pdf", "succeeded")]
    reopened = batches.open(batch.id)
    assert [r.status for r in reopened.rows] == [outbox.SUCCEEDED, outbox.READY]
    assert reopened.rows[0].attempt_id == services.history.recent(1)[0].id
    assert [s.pending for s in batches.summaries()] == [1]
    batches.send(reopened)
    assert [r.status for r in batches.open(batch.id).rows] == [outbox.SUCCEEDED, outbox.SUCCEEDED]
    assert len(sandbox(services, "payfabric").received) == 2


def test_retry_sends_only_the_failed_rows_as_retries_of_their_attempts(batches, folder, services):
    invoice(folder, "INV-1")
    invoice(folder, "INV-2")
    batch = batches.create("payfabric", "practice", [folder])
    payfabric = sandbox(services, "payfabric")
    payfabric.fail_next(400, {"Message": "The request is invalid."})
    batches.send(batch)
    first, second = batch.rows
    assert first.status == outbox.REJECTED and second.status == outbox.SUCCEEDED
    failed_attempt = first.attempt_id
    batches.retry_failed(batch)
    assert first.status == outbox.SUCCEEDED and services.history.get(first.attempt_id).retry_of == failed_attempt
    assert [r["invoice"]["InvoiceId"] for r in payfabric.received] == ["INV-2", "INV-1"]


def test_a_row_left_sending_by_a_crash_is_pending_if_no_attempt_was_recorded(batches, folder, services):
    invoice(folder, "INV-1")
    batch = batches.create("payfabric", "practice", [folder])
    row = batch.rows[0]
    assert batches.outbox.claim(row, (outbox.READY,), lease_s=-1)  # claimed, then the app died
    assert batches.open(batch.id).rows[0].status == outbox.READY


def test_a_live_claim_stays_live_for_a_window_whose_clock_is_ahead(batches, folder, services, monkeypatch):
    """Claims are set and judged by the database's clock (the server's when shared): a second window on a computer
    whose clock runs an hour ahead must not take a row being sent for a crashed one, or it would send it again."""
    invoice(folder, "INV-1")
    batch = batches.create("payfabric", "practice", [folder])
    row = batch.rows[0]
    assert batches.outbox.claim(row, (outbox.READY,), lease_s=60)  # being sent, for another minute
    monkeypatch.setattr(time, "time", lambda real=time.time: real() + 3600)
    assert not batches.outbox.claim_lapsed(row)
    assert batches.open(batch.id).rows[0].status == outbox.SENDING


def test_the_batch_report_is_a_csv_with_each_value_and_its_source(batches, folder, tmp_path):
    invoice(folder, "INV-1")
    (folder / "photo.png").write_bytes(documents.sample(".png"))
    batch = batches.create("payfabric", "practice", [folder])
    batches.send(batch)
    path = batches.export_csv(batch, tmp_path / "report.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert [(line["File"], line["Status"]) for line in lines] == [("INV-1.pdf", "succeeded"), ("photo.png", "refused")]
    assert lines[0]["InvoiceId"] == "INV-1" and lines[0]["InvoiceId source"] == "e-invoice"
    assert lines[0]["Attempt"] and len(lines[0]["SHA-256"]) == 64


def test_the_snapshots_of_pending_rows_outlive_the_start_up_sweep(batches, folder, services):
    from invoice_desktop.core import snapshots

    invoice(folder, "INV-1")
    invoice(folder, "INV-2")
    batch = batches.create("payfabric", "practice", [folder])
    cancel = CancelToken()
    batches.send(batch, cancel=cancel, on_row=lambda row: row.status == outbox.SUCCEEDED and cancel.cancel())
    assert [row.status for row in batch.rows] == [outbox.SUCCEEDED, outbox.READY]
    snapshots.sweep(services.history.snapshots_in_use, orphan_age_s=-1)  # as if everything were old enough to go
    reopened = batches.open(batch.id)
    batches.send(reopened)  # days later: the pending row's kept copy is still there to send
    assert reopened.rows[1].status == outbox.SUCCEEDED, reopened.rows[1].message


def test_the_file_name_pattern_is_remembered_per_provider(batches, folder):
    text_pdf(folder / "ORD-1001_march.pdf", ["Invoice"])
    batches.create("imaterialise", "practice", [folder], name_pattern="{order_id}_*.pdf")
    again = batches.plan("imaterialise", "practice", [folder])  # not given this time: the remembered one
    assert again.rows[0].values["order_id"].source == "file name"
    assert again.settings["name_pattern"] == "{order_id}_*.pdf"
    other = batches.plan("skypostal", "practice", [folder])  # per provider
    assert other.settings["name_pattern"] is None
    batches.create("imaterialise", "practice", [folder], name_pattern="")  # "" forgets it
    assert "order_id" not in batches.plan("imaterialise", "practice", [folder]).rows[0].values
