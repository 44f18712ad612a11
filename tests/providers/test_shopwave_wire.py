"""Shopwave on the wire, as the vendor's own SDKs speak it: the invoice POST is `postBody=<URL-encoded JSON>`,
form-encoded (ShopwaveConnect-iOS `SWAPIEndpoint.swift`, ShopwaveConnect-Java `HttpRequest.java`); raw JSON only
when chosen under Advanced, and only the sandbox's raw-JSON account takes it; the log shows the JSON decoded while
Copy as curl carries the exact bytes; the sign-in uses PKCE (S256), which the sandbox verifies."""
# ruff: noqa: F811  (the fixtures imported below are redefined as test parameters, as pytest wants)

from __future__ import annotations

import json
import shlex
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import pytest
import requests

from invoice_desktop.core.errors import InvoiceDesktopError
from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.shopwave import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    RAW_JSON_CLIENT_ID,
    RAW_JSON_CLIENT_SECRET,
    s256,
)
from invoice_desktop.providers import _shopwave_oauth as oauth

from .test_shopwave_signin import browser, provider, sandbox, signed_in  # noqa: F401
from .test_shopwave_upload import invoice, send

FORM = "application/x-www-form-urlencoded"


def use_account(services, client_id, client_secret, body=None):
    values = {"client_id": client_id, "client_secret": client_secret}
    if body is not None:
        values["request_body"] = body
    services.credentials.set_many("shopwave", "practice", values)


# -- the body -------------------------------------------------------------------------------------------------------


def test_the_invoice_post_is_the_sdks_form_field_postbody_url_encoded(services, provider, sandbox, signed_in):
    # Characters that a form encoding must escape: spaces, "&", "+", "%", "=", quotes, and non-ASCII text.
    reference = 'Rechnung Müller & Söhne +5% = "№7"'
    result = send(services, provider, [invoice(reference)])
    assert result.ok, result

    [(content_type, raw)] = sandbox.raw_posts
    assert content_type == FORM
    sent_json = json.dumps(
        {
            "invoices": {
                "new-1": {
                    "supplierId": 10,
                    "storeId": 1,
                    "reference": reference,
                    "completeDate": "2024-05-31",
                    "invoiceItems": {
                        "line-1": {"name": "Item 0", "price": "4.20", "vatPercentage": 20.0, "quantity": 1}
                    },
                }
            }
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert raw == b"postBody=" + quote_plus(sent_json).encode("ascii")
    # Shopwave stored the reference exactly as typed.
    assert sandbox.invoices[result.items[0].data["id"]]["reference"] == reference
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.request_headers["x-accept-version"] == "2"
    assert exchange.request_headers["Content-Type"] == FORM


def test_the_log_shows_the_json_decoded_and_curl_carries_the_exact_form_body(services, provider, sandbox, signed_in):
    result = send(services, provider, [invoice("INV & Co")])
    assert result.ok, result
    [exchange] = services.history.exchanges(result.attempt_id)
    [(_, raw)] = sandbox.raw_posts

    # The log: the JSON, indented and readable, not percent-escapes.
    shown = exchange.as_text()
    assert '"reference": "INV & Co"' in shown
    assert "%22" not in shown
    body_in_log = exchange.request_body.split("\n", 1)[1]
    assert json.loads(body_in_log) == json.loads(parse_qs(raw.decode())["postBody"][0])

    # Copy as curl: the form-encoded bytes that were sent, with their Content-Type.
    args = shlex.split(exchange.curl)
    assert args[args.index("--data-binary") + 1].encode("ascii") == raw
    assert f"Content-Type: {FORM}" in args
    assert "Authorization: Bearer •••redacted•••" in args


def test_raw_json_is_sent_only_when_chosen_and_only_the_raw_json_account_takes_it(services, provider, sandbox, browser):
    # The demo account reads the SDK form only: raw JSON is Shopwave's unsupported-body answer, 916.
    use_account(services, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, body="json")
    services.uploads.sign_in(provider, "practice", {})
    refused = send(services, provider, [invoice("INV-RAW-1")])
    assert refused.outcome is Outcome.REJECTED
    assert refused.provider_code == "916"
    assert "Advanced → Request body" in refused.detail
    assert sandbox.invoices.keys() == {4001}
    [(content_type, raw)] = sandbox.raw_posts
    assert content_type == "application/json"
    assert json.loads(raw)["invoices"]["new-1"]["reference"] == "INV-RAW-1"

    # The sandbox's raw-JSON account takes it.
    use_account(services, RAW_JSON_CLIENT_ID, RAW_JSON_CLIENT_SECRET)
    services.uploads.sign_in(provider, "practice", {})
    saved = send(services, provider, [invoice("INV-RAW-2")])
    assert saved.ok, saved
    assert sandbox.raw_posts[-1][0] == "application/json"
    assert sandbox.invoices[saved.items[0].data["id"]]["reference"] == "INV-RAW-2"

    # Back to the default, the same account takes the SDK form as well.
    services.credentials.set("shopwave", "practice", "request_body", "postBody")
    again = send(services, provider, [invoice("INV-RAW-3")])
    assert again.ok, again
    assert sandbox.raw_posts[-1][0] == FORM


def post_raw(sandbox_url, token, body: bytes, content_type: str | None):
    headers = {"Authorization": f"Bearer {token}", "x-accept-version": "2"}
    if content_type:
        headers["Content-Type"] = content_type
    return requests.post(f"{sandbox_url}/invoice", data=body, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("body", "content_type", "error_id"),
    [
        # The iOS SDK's own bytes (its JSON not percent-encoded) are not a correct form encoding.
        (b'postBody={"invoices":{"n":{"id":4001}}}', FORM, "913"),
        (b"postBody=" + quote_plus('{"invoices":{"n":{"id":4001}}}').encode(), "application/json", "916"),
        (b'{"invoices":{"n":{"id":4001}}}', "application/json", "916"),
        (b'{"invoices":{"n":{"id":4001}}}', "text/plain", "916"),
        (b"other=" + quote_plus('{"invoices":{"n":{"id":4001}}}').encode(), FORM, "913"),
        (b"postBody=not+json", FORM, "913"),
    ],
)
def test_the_sandbox_holds_the_sdk_form(services, provider, sandbox, signed_in, body, content_type, error_id):
    token = services.credentials.get("shopwave", "practice", "access_token")
    answer = post_raw(services.uploads.base_url(provider, "practice"), token, body, content_type)
    assert error_id in answer.json()["api"]["message"]["errors"]
    assert sandbox.invoices[4001]["reference"] == "INV-OLD-1"  # nothing stored


def test_the_sandbox_takes_the_correct_form(services, provider, sandbox, signed_in):
    token = services.credentials.get("shopwave", "practice", "access_token")
    body = urlencode({"postBody": json.dumps({"invoices": {"4001": {"id": 4001, "note": "a+b & c"}}})})
    answer = post_raw(services.uploads.base_url(provider, "practice"), token, body.encode(), FORM)
    assert answer.status_code == 201
    assert sandbox.invoices[4001]["note"] == "a+b & c"


# -- PKCE -----------------------------------------------------------------------------------------------------------


def test_the_sign_in_sends_an_s256_challenge_and_its_verifier(services, provider, sandbox, browser, signed_in):
    query = {k: v[0] for k, v in parse_qs(urlsplit(browser.urls[0]).query).items()}
    assert query["code_challenge_method"] == "S256"
    challenge = query["code_challenge"]
    exchange = next(e for e in signed_in if e.label.startswith("Sign in: exchange"))
    # The verifier is a secret of this sign-in: hidden in the log like the code.
    assert "code_verifier=•••redacted•••" in exchange.request_body
    assert exchange.status == 200
    assert len(challenge) == 43 and "=" not in challenge


def test_pkce_pair_is_rfc_7636(monkeypatch):
    verifier, challenge = oauth.pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    assert challenge == s256(verifier)
    # RFC 7636 appendix B's example.
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert oauth.pkce_pair()[0] != verifier


def authorize(services, provider, **params):
    base = services.uploads.base_url(provider, "practice")
    query = {
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:9/callback",
        "response_type": "code",
        "scope": "invoice",
        "state": "s",
        **params,
    }
    answer = requests.get(f"{base}/oauth/authorize?{urlencode(query)}", allow_redirects=False, timeout=10)
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def exchange_code(services, provider, code, **extra):
    base = services.uploads.base_url(provider, "practice")
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "redirect_uri": "http://127.0.0.1:9/callback",
        **extra,
    }
    return requests.post(f"{base}/oauth/token", data=fields, timeout=10)


def test_the_sandbox_verifies_pkce(services, provider, sandbox):
    # No challenge, or a plain one: refused at the authorize step.
    assert authorize(services, provider)["error"] == "invalid_request"
    assert authorize(services, provider, code_challenge="x" * 43, code_challenge_method="plain")["error"] == (
        "invalid_request"
    )
    verifier, challenge = oauth.pkce_pair()
    # A wrong verifier, or none, gets no token.
    code = authorize(services, provider, code_challenge=challenge, code_challenge_method="S256")["code"]
    wrong = exchange_code(services, provider, code, code_verifier=oauth.pkce_pair()[0])
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    code = authorize(services, provider, code_challenge=challenge, code_challenge_method="S256")["code"]
    missing = exchange_code(services, provider, code)
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    # The right one does.
    code = authorize(services, provider, code_challenge=challenge, code_challenge_method="S256")["code"]
    right = exchange_code(services, provider, code, code_verifier=verifier)
    assert right.status_code == 200 and right.json()["access_token"] in sandbox.access_tokens


def test_a_sign_in_without_pkce_is_refused_by_the_sandbox(services, provider, browser, monkeypatch):
    # Were the app to drop PKCE, practice would say so.
    monkeypatch.setattr(oauth, "pkce_pair", lambda: ("", ""))
    with pytest.raises(InvoiceDesktopError, match="invalid_request"):
        services.uploads.sign_in(provider, "practice", {})
