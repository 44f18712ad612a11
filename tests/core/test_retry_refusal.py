"""Which refusals were about the credentials: their Retry says to enter the credentials again, not that it will
most likely be refused again."""

from __future__ import annotations

import pytest

from invoice_desktop.providers import get_provider


@pytest.mark.parametrize(
    ("provider", "status", "code", "message", "credentials"),
    [
        ("payfabric", 401, "401", "Unauthorized", True),
        ("ddapi", 403, None, "Forbidden", True),
        ("imaterialise", 400, "101", "Wrong API code", True),  # the order belongs to another account's code
        ("imaterialise", 400, "103", "Order already shipped", False),
        ("skypostal", 200, None, "Invalid App Key", True),  # SkyPostal says it in words, in an HTTP 200
        ("skypostal", 200, None, "Tracking number not found", False),
        ("payfabric", 412, "412", "Invoice already exists", False),
    ],
)
def test_a_refusal_of_the_credentials_is_told_from_a_refusal_of_the_data(provider, status, code, message, credentials):
    assert get_provider(provider).refused_credentials(status, code, message) is credentials
