"""What the command line says about a form it refuses: the rule each value breaks, one clean sentence per field,
"not complete" only for values left out, and the provider's words without placeholders."""

from __future__ import annotations

import json

import pytest

from invoice_desktop.cli import _print_result
from invoice_desktop.core.i18n import Msg
from invoice_desktop.core.results import Outcome, UploadResult

PAYFABRIC = {"CustomerId": "C-1", "InvoiceId": "INV-1", "Amount": "12.50", "BalanceDue": "12.50"}


def send_payfabric(run_cli, make_file, data: dict) -> tuple[int, str, str]:
    pdf = str(make_file("invoice.pdf"))
    return run_cli(["send", "payfabric", "-e", "practice", "--data", json.dumps(data), "--file", pdf])


def test_missing_values_are_listed_as_sentences_not_run_together(run_cli, services, make_file):
    code, out, err = send_payfabric(run_cli, make_file, {})
    assert (code, out) == (2, "")
    assert err == (
        "invoice-desktop: The form is not complete: InvoiceId: Required. CustomerId: Required. Amount: Required. "
        "BalanceDue: Required. Nothing was sent.\n"
    )
    assert services.history.recent() == []


@pytest.mark.parametrize("amount", ["12,50 €", "€12.50", "12.50 EUR", "twelve"])
def test_an_amount_that_is_no_number_says_what_to_type(run_cli, services, make_file, amount):
    code, out, err = send_payfabric(run_cli, make_file, {**PAYFABRIC, "Amount": amount})
    assert (code, out) == (2, "")
    assert err == (
        "invoice-desktop: Some fields need correcting: Amount: Type a number, such as 12.50 or 12,50, without a "
        "currency sign or letters. Nothing was sent.\n"
    )
    assert "not complete" not in err and "valid decimal" not in err
    assert services.history.recent() == []


def test_a_wrong_value_and_a_missing_one_are_each_their_own_sentence(run_cli, make_file):
    data = {**PAYFABRIC, "Amount": "12,50 €"}
    del data["CustomerId"]
    _code, _out, err = send_payfabric(run_cli, make_file, data)
    assert "Some fields need correcting: " in err
    assert "CustomerId: Required. Amount: Type a number" in err and ".;" not in err


def test_the_amount_as_the_hint_says_is_taken(run_cli, services, make_file):
    code, out, err = send_payfabric(run_cli, make_file, {**PAYFABRIC, "Amount": "12,50", "BalanceDue": "12.50"})
    assert code == 0, err
    assert json.loads(out)["outcome"] == "succeeded"


def test_a_provider_answer_without_a_code_shows_no_placeholder(capsys):
    result = UploadResult(
        Outcome.REJECTED,
        Msg("SkyPostal refused the invoice data: {reason}", reason="Invalid customer key."),
        provider_message="Invalid customer key.",
        attempt_id=7,
    )
    _print_result(result)
    err = capsys.readouterr().err
    assert "[provider: Invalid customer key.]" in err and "- " not in err
    assert "(attempt 7)" in err


def test_a_provider_answer_with_a_code_keeps_it(capsys):
    result = UploadResult(Outcome.REJECTED, "Refused.", provider_code="103", provider_message="Shipped", attempt_id=8)
    _print_result(result)
    assert "[provider: 103 Shipped]" in capsys.readouterr().err
