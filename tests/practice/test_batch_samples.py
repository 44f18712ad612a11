"""The practice sample folder: generated invoices a new user can try a batch with, offered by the practice hint and
packaged with the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoice_desktop.core import outbox
from invoice_desktop.core.batch import BatchService
from invoice_desktop.core.documents.einvoice import embedded_xml
from invoice_desktop.practice.samples import sample_folder
from invoice_desktop.providers import get_provider

ROOT = Path(__file__).resolve().parents[2]


def test_the_samples_are_real_documents_one_with_an_embedded_factur_x():
    folder = sample_folder()
    assert folder is not None
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["INV-2026-0103.pdf", "ORD-1001_tyres.pdf", "ORD-1002_rims.pdf", "ORD-1002_rims.xml"]
    assert embedded_xml(folder / "ORD-1001_tyres.pdf") is not None
    assert embedded_xml(folder / "INV-2026-0103.pdf") is None


@pytest.mark.parametrize("provider_id", ["imaterialise", "skypostal", "payfabric"])
def test_the_practice_hint_offers_the_sample_folder_where_batches_are_taken(services, provider_id):
    hint = services.uploads.practice.hint(get_provider(provider_id))
    assert str(sample_folder()) in hint and f"invoice-desktop batch {provider_id}" in hint


@pytest.mark.parametrize("provider_id", ["shopwave", "ddapi"])
def test_no_sample_folder_where_no_documents_are_taken(services, provider_id):
    assert "sample folder" not in services.uploads.practice.hint(get_provider(provider_id))


def test_a_payfabric_batch_of_the_samples_shows_each_source(services):
    batch = BatchService(services.uploads).plan("payfabric", "practice", [sample_folder()])
    rows = {row.file_name: row for row in batch.rows}
    assert list(rows) == ["INV-2026-0103.pdf", "ORD-1001_tyres.pdf", "ORD-1002_rims.pdf"]
    assert rows["ORD-1001_tyres.pdf"].status == outbox.READY
    assert rows["ORD-1001_tyres.pdf"].values["InvoiceId"].source == "e-invoice"
    assert rows["ORD-1002_rims.pdf"].values["InvoiceId"].detail == "ORD-1002_rims.xml"
    plain = rows["INV-2026-0103.pdf"]
    assert plain.values["InvoiceId"].value == "INV-2026-0103" and "InvoiceId" in plain.guessed
    assert plain.field_problems == {"CustomerId": "Required."}  # the clerk types the customer


def test_the_installers_carry_the_sample_folder():
    spec = (ROOT / "packaging" / "invoice_desktop.spec").read_text(encoding="utf-8")
    assert '(str(RESOURCES / "samples" / "batch"), "resources/samples/batch")' in spec
