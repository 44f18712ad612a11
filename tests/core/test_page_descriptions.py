"""The generated page descriptions (invoice_desktop/providers/_pages.py) say what the live provider models say, and
reading one costs neither pydantic nor the provider's module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from invoice_desktop.core.page_description import PageDescription
from invoice_desktop.core.page_description_live import describe_page
from invoice_desktop.providers import BUILT_IN, get_provider, page_description
from tools import form_descriptions

REPO = Path(__file__).resolve().parents[2]
FIX = "run `.venv/bin/python -m tools.form_descriptions` after changing a provider's form (README, How it is built)"


def test_the_generated_descriptions_match_the_live_models() -> None:
    stale = form_descriptions.stale(form_descriptions.stored_pages(), form_descriptions.live_pages())
    assert stale == [], f"Out of date for {', '.join(stale)}: {FIX}"
    assert form_descriptions.main(["--check"]) == 0


def test_a_changed_model_makes_its_description_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the test above relies on: a field's new title (a choice, a limit…) in a model is noticed."""
    form = get_provider("payfabric").form_model
    info = form.model_fields["CustomerId"]
    monkeypatch.setattr(info, "title", "Client number")
    stored, live = form_descriptions.stored_pages(), form_descriptions.live_pages()
    assert form_descriptions.stale(stored, live) == ["invoice_desktop.providers.payfabric"]
    assert form_descriptions.main(["--check"]) == 1


def test_a_field_of_a_record_in_a_record_is_compared_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shopwave's invoices each hold lines: a line's field, two tables deep, is part of the description."""
    invoices = get_provider("shopwave").form_model
    invoice = typing.get_args(invoices.model_fields["invoices"].annotation)[0]
    line = typing.get_args(invoice.model_fields["invoiceItems"].annotation)[0]
    monkeypatch.setattr(line.model_fields["quantity"], "title", "Pieces")
    stored, live = form_descriptions.stored_pages(), form_descriptions.live_pages()
    assert form_descriptions.stale(stored, live) == ["invoice_desktop.providers.shopwave"]


@pytest.mark.parametrize("info", BUILT_IN, ids=lambda i: i.id)
def test_the_page_read_from_the_generated_data_is_the_live_one(info) -> None:
    live = describe_page(get_provider(info.id))
    assert page_description(info.id) == live
    assert PageDescription.from_data(live.to_data()) == live


def test_every_field_kind_and_text_is_carried() -> None:
    """What the pages need: nested groups, tables of records with their own fields, choices, limits, texts."""
    payfabric = page_description("payfabric").form
    lines = payfabric.field("InvoiceItems")
    assert lines is not None and lines.kind == "list" and lines.form is not None and lines.form.fields
    address = payfabric.field("BillingAddress")
    assert address is not None and address.kind == "model" and address.form is not None
    status = payfabric.field("Status")
    assert status is not None and status.kind == "choice" and status.choices == ("Incomplete", "Pending", "Complete")
    assert [value for value, _label in status.choice_labels] == list(status.choices)  # the clerk's words for each
    order = page_description("imaterialise").form.field("order_id")
    assert order is not None and order.required and order.max_length == 100 and order.title == "Order ID"
    assert order.placeholder and order.description
    ddapi = page_description("ddapi")
    assert ddapi.supports_load and ddapi.attachment is None
    assert [e.id for e in ddapi.environments] == [e.id for e in get_provider("ddapi").environments]


def test_reading_a_page_imports_neither_pydantic_nor_the_provider() -> None:
    code = (
        "import json, sys\n"
        "from invoice_desktop.providers import page_description\n"
        "pages = [page_description(p).provider for p in ('imaterialise', 'payfabric', 'shopwave')]\n"
        "print(json.dumps([pages, sorted(m for m in sys.modules if m.startswith(('pydantic', "
        "'invoice_desktop.providers.')))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=dict(os.environ), timeout=60
    )
    pages, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert pages == ["imaterialise", "payfabric", "shopwave"]
    assert imported == ["invoice_desktop.providers._pages"]
