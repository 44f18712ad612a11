"""PayFabric's wire format (providers/_payfabric_wire.py): dates in any usual spelling go out in the documented
forms, amounts as strings with two to five decimals, and both spellings of a name the sample and the object
reference spell differently carry the value."""

from __future__ import annotations

import pytest

from invoice_desktop.core.upload import validate_form
from invoice_desktop.providers._payfabric_wire import wire_invoice

from .test_payfabric_form import PROVIDER, line, minimal


@pytest.mark.parametrize(
    ("typed", "wire"),
    [
        ("2024-03-01", "2024-03-01"),
        ("2024-03-01 14:05:09", "2024-03-01 14:05:09"),
        ("2024-03-01T14:05:09", "2024-03-01 14:05:09"),
        ("2024-03-01T14:05:09.123+02:00", "2024-03-01 14:05:09"),
        ("10/30/2017 3:19:11 PM", "2017-10-30 15:19:11"),
        ("09/30/2017 2:00:00 pm", "2017-09-30 14:00:00"),
        ("1/2/2024 12:00:00 AM", "2024-01-02"),
        ("12/31/2024", "2024-12-31"),
    ],
)
def test_dates_in_any_usual_spelling_go_out_in_the_documented_form(typed, wire):
    form = validate_form(PROVIDER, minimal(DueDate=typed, PostingDate=typed, InvoiceItems=[line(ReqShipDate=typed)]))
    sent = wire_invoice(form)
    assert sent["DueDate"] == sent["PostingDate"] == sent["InvoiceItems"][0]["ReqShipDate"] == wire


def test_the_two_spellings_of_tracking_number_and_address_e_mail_are_both_accepted_and_sent():
    for name in ("Tracking_Number", "TrackingNumber"):
        form = validate_form(PROVIDER, minimal(**{name: "1Z999"}))
        assert form.TrackingNumber == "1Z999"
        sent = wire_invoice(form)
        assert sent["TrackingNumber"] == sent["Tracking_Number"] == "1Z999"
    for name in ("EMailAddress", "Email"):
        form = validate_form(PROVIDER, minimal(BillingAddress={"AddressID": "P", name: "a@x.com"}))
        assert wire_invoice(form)["BillingAddress"] == {"AddressID": "P", "EMailAddress": "a@x.com", "Email": "a@x.com"}


def test_amounts_go_out_as_strings_with_two_to_five_decimals():
    form = validate_form(
        PROVIDER, minimal(Amount=30, BalanceDue="12.5", Freight="1E+3", Tax="0.12345", Discount="2.10000")
    )
    sent = wire_invoice(form)
    assert (sent["Amount"], sent["BalanceDue"], sent["Freight"], sent["Tax"], sent["Discount"]) == (
        "30.00",
        "12.50",
        "1000.00",
        "0.12345",
        "2.10",
    )
