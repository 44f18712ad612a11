"""The declared fake sixth provider (ACME Ledger), registered through the registry's public API only (see
conftest.py), works in the window and the CLI as they are: listed, its page built from its form, an upload sent to
its own practice sandbox, the answer shown and recorded. Nothing in invoice_desktop/ knows it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider, registry
from invoice_desktop.ui.main_window import MainWindow
from invoice_desktop.ui.tasks import TaskRunner

from ..ui.test_main_window import drop_file
from .documents import real_pdf
from .fake_provider import INFO, AcmeProvider

FORM = {"invoiceNumber": "ACME-7", "amount": "129.90", "dueDate": "2024-06-30"}


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "ACME-7.pdf"
    path.write_bytes(real_pdf("ACME-7"))
    return path


def test_the_cli_lists_it_and_sends_to_its_practice_sandbox(run_cli, services, pdf):
    code, out, _ = run_cli(["providers"])
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()][-1] == "acme"  # order 60: after the five
    assert INFO.name in out

    code, out, err = run_cli(["send", "acme", "--data", json.dumps(FORM), "--file", str(pdf)])
    assert code == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    sandbox = services.uploads.practice.sandbox_for(get_provider("acme"))
    assert sandbox.invoices["ACME-7"] == {**FORM, "document": "ACME-7.pdf", "size": pdf.stat().st_size}

    code, out, err = run_cli(["send", "acme", "--data", json.dumps(FORM), "--file", str(pdf)])
    assert code != 0
    assert "exists already" in out + err


@pytest.fixture
def window(qtbot, services, tmp_path: Path) -> Iterator[MainWindow]:
    runner = TaskRunner()
    # Built as the app builds it (ui/app.py): from the registry, the fake provider in it.
    w = MainWindow(services, registry(), runner, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    assert runner.shutdown(timeout=10), "a worker thread did not finish"


def test_the_window_shows_its_page_and_uploads_through_it(qtbot, window, services, pdf):
    ids = [info.id for info in window.providers]
    assert ids[-1] == "acme" and len(ids) == 6
    row = ids.index("acme")
    window.provider_list.setCurrentRow(row)
    qtbot.waitUntil(lambda: window.page.info.id == "acme" and isinstance(window.provider, AcmeProvider))
    page = window.page
    assert set(page.form.editors) == {"invoiceNumber", "amount", "dueDate"}
    assert page.form.label_of("invoiceNumber").startswith("Invoice number")
    page.form.set_values(FORM)
    drop_file(qtbot, window, pdf)  # a real drop event on its drop zone, as the window's own tests make
    with qtbot.waitSignal(window.outcome.shown, timeout=10000) as shown:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    result = shown.args[0]
    assert result.outcome is Outcome.SUCCEEDED, result
    assert "ACME saved the invoice" in window.outcome.text()
    assert "/acme/v1/invoices" in window.log_pane.all_text()
    assert services.history.recent(limit=1)[0].provider == "acme"
