"""DDAPI from the command line: `send ddapi --data settings.json [--format xml]` and `get ddapi`."""

from __future__ import annotations

import json

import pytest

from invoice_desktop.practice.ddapi import DEMO_PASSWORD, DEMO_USER
from invoice_desktop.providers import get_provider

SETTINGS = {
    "CustomerNumber": 3,
    "RetainsInvoiceType": False,
    "CurrencyId": 2,
    "TermsOfPaymentId": 30,
    "PaysInvoiceFee": True,
    "InvoiceTypeId": 3,
    "InterestTypeId": 1,
    "InvoiceCycleId": 2,
    "InvoiceRecipientCustomerNumber": 3,
    "CreditAccountId": 7,
    "AllowInvoicePaymentFromOrder": False,
    "SendInvoiceFromOrderAsEmail": True,
    "InvoiceOrderPaymentEmailAddress": "ekonomi@vinterdack.se",
    "ReverseTax": True,
}


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(get_provider("ddapi"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_send_from_a_settings_file_then_get_prints_them(run_cli, tmp_path, sandbox, fmt):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(SETTINGS), encoding="utf-8")
    code, out, err = run_cli(["send", "ddapi", "--data", str(path), "--format", fmt])
    assert code == 0, err
    assert json.loads(out)["title"] == "DäckData saved the invoicing settings of customer 3."
    assert sandbox.received[-1]["content_type"].startswith(f"application/{fmt}")
    code, out, err = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 3}', "--format", fmt])
    assert code == 0, err
    assert json.loads(out) == SETTINGS


def test_send_only_what_changes_keeps_the_rest(run_cli):
    code, out, _ = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 1}'])
    before = json.loads(out)
    code, out, err = run_cli(
        ["send", "ddapi", "--data", '{"CustomerNumber": 1, "InvoiceOrderPaymentEmailAddress": "ny@dackcentralen.se"}']
    )
    assert code == 0, err
    assert "Changed: InvoiceOrderPaymentEmailAddress" in json.loads(out)["detail"]
    code, out, _ = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 1}'])
    assert json.loads(out) == {**before, "InvoiceOrderPaymentEmailAddress": "ny@dackcentralen.se"}


def test_get_of_a_customer_without_settings_prints_null(run_cli):
    code, out, _ = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 3}'])
    assert code == 0 and out.strip() == "null"


def test_get_of_an_unknown_customer_fails_with_the_providers_words(run_cli):
    code, out, err = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 999}'])
    assert code == 1 and out == ""
    assert "InternalServerError (1): Customer 999 was not found." in err


def test_a_refused_send_exits_1_with_the_error_code(run_cli):
    code, _, err = run_cli(["send", "ddapi", "--data", json.dumps({**SETTINGS, "CustomerNumber": 999})])
    assert code == 1
    assert "did not save the settings of customer 999" in err and "[provider: InternalServerError" in err


def test_production_needs_base_url_and_uses_it(run_cli, services, sandbox):
    code, _, err = run_cli(["send", "ddapi", "-e", "production", "--data", json.dumps(SETTINGS)])
    assert code == 2 and "Enter the address (base URL)" in err and "Nothing was sent" in err
    address = services.uploads.practice.base_url(get_provider("ddapi"))
    sandbox.require_scheme = "basic"
    code, _, err = run_cli(
        ["credentials", "set", "ddapi", "-e", "production"], stdin={"auth_scheme": "basic", "username": DEMO_USER}
    )
    assert code == 2 and "Password is missing" in err
    code, _, err = run_cli(
        ["credentials", "set", "ddapi", "-e", "production"],
        stdin={"auth_scheme": "basic", "username": DEMO_USER, "password": DEMO_PASSWORD},
    )
    assert code == 0, err
    code, out, err = run_cli(
        ["send", "ddapi", "-e", "production", "--base-url", address, "--data", json.dumps(SETTINGS), "--format", "xml"]
    )
    assert code == 0, err
    code, out, err = run_cli(
        ["get", "ddapi", "-e", "production", "--base-url", address, "--data", '{"CustomerNumber": 3}']
    )
    assert code == 0 and json.loads(out) == SETTINGS
    code, out, err = run_cli(["credentials", "show", "ddapi", "-e", "production"])
    assert "password: set" in out and "auth_scheme: basic" in out
    assert DEMO_PASSWORD not in out + err


def test_send_refuses_a_file(run_cli, tmp_path):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    code, _, err = run_cli(["send", "ddapi", "--data", json.dumps(SETTINGS), "--file", str(pdf)])
    assert code == 2 and "takes no file" in err


def test_only_a_customer_number_says_what_to_do_in_the_cli_not_which_button_to_press(run_cli, sandbox):
    seen = len(sandbox.requests_seen)
    code, out, err = run_cli(["send", "ddapi", "--data", '{"CustomerNumber": 1}'])
    assert (code, out) == (2, "")
    assert err == (
        "invoice-desktop: Nothing to save for customer 1: add the settings to change to --data. `invoice-desktop get "
        "ddapi` with the same --data and --environment shows their current values. Nothing was sent.\n"
    )
    assert "Load current values" not in err
    assert len(sandbox.requests_seen) == seen
    code, out, err = run_cli(["get", "ddapi", "--data", '{"CustomerNumber": 1}'])  # and the command it names works
    assert code == 0, err
    assert json.loads(out)["CustomerNumber"] == 1
