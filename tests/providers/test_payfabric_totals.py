"""PayFabric's totals check (providers/_payfabric_totals.py): totals that do not add up are warnings, never
refusals."""

from __future__ import annotations

from typing import Any

from invoice_desktop.core.upload import validate_form
from invoice_desktop.providers._payfabric_totals import totals_warnings

from .test_payfabric import SEED, invoice
from .test_payfabric_form import PROVIDER, line, minimal


def warnings_for(**changes: Any) -> list[str]:
    return totals_warnings(validate_form(PROVIDER, invoice(**changes)))


def test_totals_that_do_not_add_up_are_warnings_only():
    assert "Line 1 (TEST): the extended price 25.00 is not quantity × unit price = 30.00." in warnings_for(
        InvoiceItems=[{**SEED["InvoiceItems"][0], "ExtendedPrice": "25.00"}]
    )
    assert warnings_for(SubTotal="40.00", Amount="40.00", BalanceDue="40.00") == [
        "The lines add up to 30.00, but the subtotal is 40.00."
    ]
    assert warnings_for(Amount="35.00") == [
        "The amount is 35.00, but the subtotal plus tax, freight and misc. cost minus discount make 30.00."
    ]
    assert warnings_for(Amount="35.00", Freight="5.00") == []
    assert warnings_for(BalanceDue="31.00") == ["The balance due (31.00) is more than the invoice amount (30.00)."]
    assert warnings_for(BalanceDue="10.00") == []  # partly paid: fine
    markdown = {**SEED["InvoiceItems"][0], "Markdown": "5.00", "ExtendedPrice": "25.00"}
    assert warnings_for(InvoiceItems=[markdown], SubTotal="25.00", Amount="25.00", BalanceDue="25.00") == []


def test_without_subtotal_the_lines_and_their_tax_make_the_amount():
    data = minimal(
        Amount="21.40", BalanceDue="21.40", InvoiceItems=[line(Quantity="2", UnitPrice="10", TaxAmount="1.40")]
    )
    assert totals_warnings(validate_form(PROVIDER, data)) == []
    data["Amount"] = data["BalanceDue"] = "20.00"
    assert totals_warnings(validate_form(PROVIDER, data)) == [
        "The amount is 20.00, but the lines plus tax, freight and misc. cost minus discount make 21.40."
    ]
