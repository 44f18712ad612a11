"""What an attempt reports is cleaned of secrets without being damaged, and sign-in errors are cleaned too."""

from __future__ import annotations

import pytest

from invoice_desktop.core.errors import InvoiceDesktopError
from invoice_desktop.core.redaction import MASK, Redactor
from invoice_desktop.core.results import ItemResult, Outcome, UploadResult
from invoice_desktop.core.upload import _redact_result
from invoice_desktop.providers import get_provider


def test_a_numeric_or_word_secret_hides_text_but_never_breaks_the_result():
    result = UploadResult(
        Outcome.SUCCEEDED,
        "Saved for customer 4711.",
        http_status=200,
        provider_code="200",
        data={"data": "4711", "count": 4711},
        items=[ItemResult("invoice 4711", Outcome.SUCCEEDED, "ok")],
    )
    clean = _redact_result(result, Redactor(["4711", "200", "data"]))
    assert clean.outcome is Outcome.SUCCEEDED and clean.http_status == 200
    assert clean.title == f"Saved for customer {MASK}."
    assert clean.data == {"data": MASK, "count": 4711}  # keys and numbers stay as they are
    assert clean.items[0].label == f"invoice {MASK}"


def test_a_sign_in_error_that_echoes_a_secret_is_cleaned(services, monkeypatch):
    provider = get_provider("skypostal")

    def echoing_sign_in(ctx, values):
        raise InvoiceDesktopError(
            f"SkyPostal refused the sign-in: Invalid app_key {ctx.credentials['app_key']} "
            f"for {values['customer_password']}"
        )

    monkeypatch.setattr(type(provider), "sign_in", lambda self, ctx, values: echoing_sign_in(ctx, values))
    with pytest.raises(InvoiceDesktopError) as info:
        services.uploads.sign_in(
            provider, "practice", {"customer_email": "demo@skypostal.example", "customer_password": "hunter2-secret"}
        )
    message = info.value.message
    app_key = services.uploads.stored_credentials(provider, "practice")["app_key"]
    assert app_key not in message and "hunter2-secret" not in message and MASK in message
    assert app_key not in str(info.value)
