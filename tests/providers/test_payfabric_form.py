"""The PayFabric InvoicePost form: every documented rule refused before anything is sent, with the field named;
what the vendor's sample writes normalised. The wire format: test_payfabric_wire.py; the totals warnings:
test_payfabric_totals.py."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from invoice_desktop.core.errors import FormInvalid
from invoice_desktop.core.upload import validate_form
from invoice_desktop.providers import get_provider
from invoice_desktop.providers._payfabric_totals import totals_warnings
from invoice_desktop.providers._payfabric_wire import wire_invoice
from invoice_desktop.providers.payfabric_form import InvoicePost

from .test_payfabric import SEED

PROVIDER = get_provider("payfabric")


def minimal(**changes: Any) -> dict[str, Any]:
    return {"InvoiceId": "INV-1", "CustomerId": "C1", "Amount": "10", "BalanceDue": "10", **changes}


def refused(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as exc:
        validate_form(PROVIDER, data)
    return exc.value.fields


def line(**changes: Any) -> dict[str, Any]:
    return {"ItemCode": "A", **changes}


@pytest.mark.parametrize("name", ["Amount", "BalanceDue", "CustomerId", "InvoiceId"])
@pytest.mark.parametrize("how", ["absent", "null", "blank"])
def test_each_mandatory_field_is_required(name, how):
    data = minimal()
    if how == "absent":
        del data[name]
    else:
        data[name] = None if how == "null" else "  "
    assert name in refused(data)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("InvoiceId", 50),
        ("CustomerId", 50),
        ("BatchNumber", 50),
        ("Identity", 50),
        ("InvoiceType", 50),
        ("PaymentTerms", 50),
        ("PONumber", 50),
        ("ShippingMethod", 50),
        ("DocumentType", 50),
        ("TaxGroup", 50),
        ("TrackingNumber", 50),
        ("Comments", 500),
        ("Currency", 10),
        ("Site", 4000),
        ("SalesPerson", 4000),
        ("ExtensionData", 4000),
        ("BillingAddress.Address1", 100),
        ("BillingAddress.Name", 100),
        ("ShippingAddress.City", 50),
        ("ShippingAddress.Fax", 50),
        ("BillingAddress.AddressID", 50),
        ("InvoiceItems.0.ItemCode", 50),
        ("InvoiceItems.0.Description", 100),
        ("InvoiceItems.0.UnitOfMeasure", 25),
        ("InvoiceItems.0.SalesPerson", 25),
        ("InvoiceItems.0.Comment", 500),
        ("InvoiceItems.0.CommodityCode", 255),
        ("InvoiceItems.0.ShippingMethod", 100),
        ("InvoiceItems.0.Site", 50),
        ("TermDiscounts.0.Name", 50),
    ],
)
def test_documented_maximum_lengths(path, limit):
    def build(value: str) -> dict[str, Any]:
        data = minimal(
            BillingAddress={"AddressID": "P"},
            ShippingAddress={"AddressID": "P"},
            InvoiceItems=[line()],
            TermDiscounts=[{"Name": "N"}],
        )
        target: Any = data
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
        return data

    validate_form(PROVIDER, build("x" * limit))
    problems = refused(build("x" * (limit + 1)))
    assert problems == {path: f"String should have at most {limit} characters"}


def test_e_mail_lengths_and_forms():
    long_address = "a" * 243 + "@example.com"  # 255
    validate_form(PROVIDER, minimal(Email=long_address))
    assert "Email" in refused(minimal(Email="b" + long_address))
    assert refused(minimal(Email="a@x.com; b@y.com")) == {
        "Email": "Enter one valid e-mail address, such as name@example.com."
    }
    # The error names the field as it was typed (the sample's or the reference's spelling).
    assert "BillingAddress.Email" in refused(minimal(BillingAddress={"AddressID": "P", "Email": "nope"}))
    assert "BillingAddress.EMailAddress" in refused(minimal(BillingAddress={"AddressID": "P", "EMailAddress": "x"}))
    assert "CopyEmail" in refused(minimal(CopyEmail="a@x.com; not an address"))
    copies = "; ".join(f"person{i:03}@example.com" for i in range(45))
    assert len(copies) > 1000
    assert "CopyEmail" in refused(minimal(CopyEmail=copies))
    form = validate_form(PROVIDER, minimal(CopyEmail=["a@x.com", "b@y.com"]))  # the reference's array form
    assert form.CopyEmail == "a@x.com; b@y.com"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("30.00", True),
        ("0.12345", True),
        ("-5.5", True),
        ("99999999999999.99999", True),
        (12, True),
        ("0.123456", False),
        ("123456789012345", False),
        ("thirty", False),
        ("", False),
    ],
)
def test_amounts_have_at_most_5_decimals_and_14_digits_before(value, ok):
    data = minimal(Amount=value)
    if ok:
        validate_form(PROVIDER, data)
    else:
        assert "Amount" in refused(data)


@pytest.mark.parametrize(
    "field",
    [
        "SubTotal",
        "Tax",
        "Freight",
        "MiscCost",
        "Discount",
        "PaymentDiscountApplied",
        "InvoiceItems.0.UnitPrice",
        "InvoiceItems.0.Quantity",
        "InvoiceItems.0.ExtendedPrice",
        "InvoiceItems.0.TaxAmount",
    ],
)
def test_every_decimal_refuses_a_sixth_decimal(field):
    data = minimal(InvoiceItems=[line()])
    if field.startswith("InvoiceItems"):
        data["InvoiceItems"][0][field.rsplit(".", 1)[1]] = "1.000001"
    else:
        data[field] = "1.000001"
    assert field in refused(data)


@pytest.mark.parametrize("typed", ["2024-02-30", "30/10/2017", "tomorrow", "2024-13-01 10:00:00"])
def test_impossible_dates_are_refused(typed):
    problems = refused(minimal(DueDate=typed))
    assert "YYYY-MM-DD" in problems["DueDate"]


def test_choices_booleans_integers_and_unknown_names():
    assert validate_form(PROVIDER, minimal(SendNewInvoiceEmail="yes")).SendNewInvoiceEmail == "Yes"
    assert "SendNewInvoiceEmail" in refused(minimal(SendNewInvoiceEmail="Maybe"))
    assert "Status" in refused(minimal(Status="Paid"))
    assert validate_form(PROVIDER, minimal(Status="pending")).Status == "Pending"
    assert "InvoiceItems.0.Taxable" in refused(minimal(InvoiceItems=[line(Taxable="perhaps")]))
    assert "InvoiceItems.0.Sequence" in refused(minimal(InvoiceItems=[line(Sequence="first")]))
    # The API's names are case-sensitive: a misspelt name is refused, not silently dropped.
    assert "amount" in refused({**minimal(), "amount": "10"})
    assert "InvoiceItems.0.Qty" in refused(minimal(InvoiceItems=[line(Qty="1")]))


def test_lines_addresses_and_term_discounts_have_their_required_fields():
    assert refused(minimal(InvoiceItems=[{"Description": "no code"}])) == {"InvoiceItems.0.ItemCode": "Required."}
    assert refused(minimal(ShippingAddress={"City": "LA"})) == {"ShippingAddress.AddressID": "Required."}
    assert refused(minimal(TermDiscounts=[{"DiscountAvailableAmount": "1"}])) == {"TermDiscounts.0.Name": "Required."}


def test_extended_price_is_quantity_times_unit_price_unless_typed():
    form = validate_form(
        PROVIDER,
        minimal(
            InvoiceItems=[
                line(Quantity="3", UnitPrice="9.99"),
                line(Quantity="2", UnitPrice="10", ExtendedPrice="18.00"),
                line(Quantity="1.5", UnitPrice="0.33333"),
                line(Description="no price"),
            ]
        ),
    )
    sent = wire_invoice(form)["InvoiceItems"]
    assert [item.get("ExtendedPrice") for item in sent] == ["29.97", "18.00", "0.50", None]
    assert [item["Sequence"] for item in sent] == [1, 2, 3, 4]  # numbered in the order shown


def test_line_numbers_typed_are_kept():
    form = validate_form(PROVIDER, minimal(InvoiceItems=[line(Sequence=10), line(Sequence=5)]))
    assert [i.Sequence for i in form.InvoiceItems] == [10, 5]


def test_the_seed_sample_is_read_as_the_api_means_it():
    form = validate_form(PROVIDER, SEED)
    assert isinstance(form, InvoicePost)
    sent = wire_invoice(form)
    assert sent["Amount"] == "30.00" and sent["BalanceDue"] == "30.00"
    assert sent["InvoiceItems"][0]["Taxable"] is False and sent["InvoiceItems"][0]["NonInventory"] is True
    assert sent["InvoiceItems"][0]["Sequence"] == 1 and sent["InvoiceItems"][0]["Quantity"] == "1"
    assert "Identity" not in sent  # "" in the sample: nothing to send
    assert totals_warnings(form) == []
    # The history keeps the form as JSON; read back it is the same form (what a retry sends).
    assert validate_form(PROVIDER, json.loads(json.dumps(form.model_dump(mode="json", by_alias=True)))) == form


def test_decimal_values_are_kept_exactly():
    form = validate_form(PROVIDER, minimal(Amount="0.1", BalanceDue="0.2"))
    assert form.Amount == Decimal("0.1") and form.BalanceDue == Decimal("0.2")
