"""`invoice-desktop batch`: the dry run prints every row with its values, their sources and problems and sends
nothing; a real run keeps the batch, sends the ready rows and says how each went; exit codes as documented."""

from __future__ import annotations

import json

import pytest

from invoice_desktop.providers import get_provider
from tests import documents
from tests.documents_factory import einvoice_data, facturx_pdf, text_pdf


@pytest.fixture
def payfabric(services):
    return services.uploads.practice.sandbox_for(get_provider("payfabric"))


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "month-end"
    path.mkdir()
    facturx_pdf(path / "INV-1.pdf", einvoice_data("INV-1"))
    text_pdf(path / "plain.pdf", ["Invoice no.: INV-2", "Total: 12,50"])
    (path / "photo.png").write_bytes(documents.sample(".png"))
    return path


def test_the_dry_run_prints_values_sources_and_problems_and_sends_nothing(run_cli, folder, payfabric, services):
    code, out, _err = run_cli(["batch", "payfabric", str(folder), "--dry-run"])
    assert code == 1  # some rows would not go: the plain PDF lacks the customer, the PNG is refused
    assert "INV-1.pdf  [ready]" in out and "InvoiceId = INV-1  (e-invoice" in out
    assert "InvoiceId = INV-2  (PDF text" in out and "guessed, check it" in out
    assert "! CustomerId: Required." in out
    assert "photo.png  [refused]  PayFabric Receivables does not take .png files" in out
    assert "(dry run: nothing sent)" in out
    assert payfabric.received == [] and services.history.recent() == []
    assert services.history.read("SELECT COUNT(*) FROM batches") == [(0,)]


def test_the_dry_run_as_json(run_cli, folder):
    code, out, _err = run_cli(["batch", "payfabric", str(folder / "INV-1.pdf"), "--dry-run", "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["dry_run"] is True and data["batch"] is None and data["counts"] == {"ready": 1}
    row = data["rows"][0]
    assert row["values"]["InvoiceId"] == {"value": "INV-1", "source": "e-invoice", "detail": "INV-1.pdf (factur-x.xml)"}
    assert row["target"] == "INV-1" and len(row["sha256"]) == 64


def test_a_run_sends_the_ready_rows_and_says_how_each_went(run_cli, folder, payfabric):
    code, out, err = run_cli(["batch", "payfabric", str(folder), "--json"])
    assert code == 1  # two rows could not go
    data = json.loads(out)
    assert isinstance(data["batch"], int) and data["counts"] == {"succeeded": 1, "invalid": 1, "refused": 1}
    assert [r["invoice"]["InvoiceId"] for r in payfabric.received] == ["INV-1"]
    code, _out, err = run_cli(["batch", "payfabric", str(folder / "INV-1.pdf")])
    assert code == 0 and "already sent" in err + _out  # the same file again: skipped, it succeeded before
    assert len(payfabric.received) == 1


def test_all_rows_succeeding_exits_0(run_cli, tmp_path, payfabric):
    folder = tmp_path / "two"
    folder.mkdir()
    facturx_pdf(folder / "a.pdf", einvoice_data("INV-A"))
    facturx_pdf(folder / "b.pdf", einvoice_data("INV-B"))
    code, _out, err = run_cli(["batch", "payfabric", str(folder)])
    assert code == 0, err
    assert "a.pdf: succeeded" in err and "b.pdf: succeeded" in err


@pytest.mark.parametrize(
    "extra, said",
    [
        (["--name-pattern", "invoice.pdf"], "names no value"),
        (["--sheet", "missing.csv"], "cannot be read"),
        (["--name-pattern", "{InvoiceId}_*.pdf"], "matches none of the files"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(run_cli, folder, payfabric, extra, said, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["batch", "payfabric", str(folder), *extra])
    assert code == 2 and said in out + err and "Nothing was sent" in err
    assert payfabric.received == []


def test_batch_help_stays_light(run_cli):
    with pytest.raises(SystemExit):
        run_cli(["batch", "--help"])
