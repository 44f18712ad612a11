"""What the command line says about a refusal: the provider's words as they came, without placeholders."""

from __future__ import annotations

from invoice_desktop.cli import _print_result
from invoice_desktop.core.i18n import Msg
from invoice_desktop.core.results import Outcome, UploadResult


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
