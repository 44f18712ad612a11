"""What the command line says about a form it refuses: the rule each value breaks, one clean sentence per field,
"not complete" only for values left out, and the provider's words without placeholders."""

from __future__ import annotations

import json

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


def test_a_wrong_value_and_a_missing_one_are_each_their_own_sentence(run_cli, make_file):
    data = {**PAYFABRIC, "Amount": "12,50 €"}
    del data["CustomerId"]
    _code, _out, err = send_payfabric(run_cli, make_file, data)
    assert "Some fields need correcting: " in err
    assert "CustomerId: Required. Amount: " in err and ".;" not in err and "not complete" not in err


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
