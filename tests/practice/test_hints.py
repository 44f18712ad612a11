"""The practice banner's hint names how to reach every documented error a clerk can cause, and each way it names
does reach that error, through the app as a clerk would use it (errors the app itself prevents before sending,
such as a missing file or a file over the limit, are not the sandbox's to show)."""

from __future__ import annotations

from typing import Any

import pytest

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

# (provider, words the hint must contain, form data, keyword arguments of prepare, what the answer shows)
GOOD_URL = "https://files.example.com/invoices/4711.pdf"
CASES: list[tuple[str, tuple[str, ...], dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("imaterialise", ("any other id is unknown",), {"order_id": "ORD-9999"}, {"file_url": GOOD_URL}, {"code": "100"}),
    ("imaterialise", ("ORD-3001",), {"order_id": "ORD-3001"}, {"file_url": GOOD_URL}, {"code": "101"}),
    ("imaterialise", ("ORD-2001",), {"order_id": "ORD-2001"}, {"file_url": GOOD_URL}, {"code": "103"}),
    (
        "imaterialise",
        ("with a space in it", "(104)"),
        {"order_id": "ORD-1001"},
        {"file_url": "https://files.example.com/my invoice.pdf"},
        {"code": "104"},
    ),
    (
        "imaterialise",
        (".invalid", "(105)"),
        {"order_id": "ORD-1001"},
        {"file_url": "https://files.invalid/4711.pdf"},
        {"code": "105"},
    ),
    (
        "imaterialise",
        ("not ending in .pdf", "(106)"),
        {"order_id": "ORD-1001"},
        {"file_url": "https://files.example.com/invoices/4711.txt"},
        {"code": "106"},
    ),
    (
        "payfabric",
        ("another portal name", "404"),
        {"Amount": "30.00", "BalanceDue": "30.00", "CustomerId": "C1", "InvoiceId": "INV-H1"},
        {"credentials": {"portal_name": "OtherPortal"}},
        {"status": 404},
    ),
    (
        "payfabric",
        ("another key password",),
        {"Amount": "30.00", "BalanceDue": "30.00", "CustomerId": "C1", "InvoiceId": "INV-H2"},
        {"credentials": {"integration_key_password": "wrong-password"}},
        {"outcome": Outcome.REJECTED},
    ),
    (
        "skypostal",
        ("any other is unknown",),
        {"trck_nmr_fol": "99999999"},
        {"file": True},
        {"outcome": Outcome.REJECTED},
    ),
    ("skypostal", ("13869090",), {"trck_nmr_fol": "13869090"}, {"file": True}, {"outcome": Outcome.REJECTED}),
    ("ddapi", ("any other number",), {"CustomerNumber": 99, "CurrencyId": 1}, {}, {"outcome": Outcome.REJECTED}),
    ("ddapi", ("500",), {"CustomerNumber": 500, "CurrencyId": 1}, {}, {"words": "InternalServerError"}),
]


@pytest.mark.parametrize(("provider_id", "hint_words", "form", "how", "shows"), CASES)
def test_each_way_the_hint_names_reaches_its_error(services, make_file, provider_id, hint_words, form, how, shows):
    provider = get_provider(provider_id)
    hint = services.uploads.practice.hint(provider)
    for words in hint_words:
        assert words in hint, f"the {provider_id} hint does not say {words!r}: {hint}"
    kwargs = dict(how)
    if kwargs.pop("file", False):
        kwargs["file_path"] = make_file("invoice.pdf")
    if "credentials" in kwargs:
        kwargs["credentials"] = {**services.uploads.stored_credentials(provider, "practice"), **kwargs["credentials"]}
    if provider_id == "ddapi":
        loaded = services.uploads.load(provider, "practice", {"CustomerNumber": 1}) or {}
        form = {**loaded, **form}
    result = services.uploads.run(services.uploads.prepare(provider, "practice", form, **kwargs))
    assert not result.ok, result
    if "code" in shows:
        assert result.provider_code == shows["code"], result
    if "status" in shows:
        assert result.http_status == shows["status"], result
    if "outcome" in shows:
        assert result.outcome is shows["outcome"], result
    if "words" in shows:
        assert shows["words"] in f"{result.title} {result.detail} {result.provider_code}", result


@pytest.fixture
def shopwave(services):
    provider = get_provider("shopwave")
    services.uploads.open_browser = lambda url: __import__("requests").get(url, timeout=10)
    services.uploads.sign_in(provider, "practice", {})
    return provider


def shopwave_invoice(**changes: Any) -> list[dict[str, Any]]:
    invoice = {
        "supplierId": 10,
        "storeId": 1,
        "reference": "HINT-1",
        "completeDate": "2024-05-31",
        "invoiceItems": [{"name": "Beans", "quantity": 1, "price": "4.20"}],
    }
    return [{**invoice, **changes}]


@pytest.mark.parametrize(
    ("hint_words", "changes", "credentials", "code"),
    [
        (("supplier, store or product 999", "912"), {"supplierId": 999}, {}, "912"),
        (("invoice 4999", "912"), {"id": 4999}, {}, "912"),
        (("API version 3", "913"), {}, {"x_accept_version": "3"}, "913"),
        (("Request body: raw JSON", "916"), {}, {"request_body": "json"}, "916"),
    ],
)
def test_each_shopwave_error_the_hint_names_is_reached(services, shopwave, hint_words, changes, credentials, code):
    hint = services.uploads.practice.hint(shopwave)
    for words in hint_words:
        assert words in hint
    creds = {**services.uploads.stored_credentials(shopwave, "practice"), **credentials}
    prepared = services.uploads.prepare(shopwave, "practice", shopwave_invoice(**changes), credentials=creds)
    result = services.uploads.run(prepared)
    assert result.outcome is Outcome.REJECTED, result
    assert result.provider_code == code, result
