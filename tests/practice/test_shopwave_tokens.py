"""The practice Shopwave knows the tokens a sandbox issued in an earlier run on this computer (the CLI and the
window each start their own), as Shopwave remembers what it issued; its test hooks reach those tokens too, and a
token it did not sign is unknown (907) whatever it claims."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from invoice_desktop.practice.server import PracticeServer
from invoice_desktop.practice.shopwave import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, ShopwaveSandbox, s256

VERIFIER = "v" * 50
REDIRECT = "http://127.0.0.1:9/callback"
INVOICE = {"supplierId": 10, "storeId": 1, "reference": "RUN-1", "completeDate": "2024-05-02"}


@contextmanager
def a_run() -> Iterator[tuple[str, ShopwaveSandbox]]:
    """A sandbox as one CLI command or one window start has it: new, on its own port."""
    server, sandbox = PracticeServer(), ShopwaveSandbox()
    server.mount("shopwave", sandbox)
    server.start()
    try:
        yield f"{server.url}/shopwave", sandbox
    finally:
        server.stop()


def sign_in(base: str) -> dict[str, str]:
    query = {"client_id": DEMO_CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code", "scope": "invoice"}
    query |= {"code_challenge": s256(VERIFIER), "code_challenge_method": "S256"}
    answer = requests.get(f"{base}/oauth/authorize?{urlencode(query)}", allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": VERIFIER}
    return token(base, form)


def token(base: str, form: dict[str, str]) -> dict[str, str]:
    form |= {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    return requests.post(f"{base}/oauth/token", data=form, timeout=10).json()


def refresh(base: str, refresh_token: str) -> dict[str, str]:
    return token(base, {"grant_type": "refresh_token", "refresh_token": refresh_token})


def send(base: str, access_token: str) -> tuple[int, str]:
    """The status and the error id (or "") of an invoice POST with that token."""
    import json

    answer = requests.post(
        f"{base}/invoice",
        data={"postBody": json.dumps({"invoices": {"a": INVOICE}})},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )
    errors = answer.json().get("api", {}).get("message", {}).get("errors", {})
    return answer.status_code, next(iter(errors), "") if answer.status_code != 201 else ""


def test_a_new_run_takes_the_tokens_an_earlier_run_issued():
    with a_run() as (base, _sandbox):
        issued = sign_in(base)
    with a_run() as (base, sandbox):
        assert send(base, issued["access_token"]) == (201, "")
        renewed = refresh(base, issued["refresh_token"])
        assert "access_token" in renewed, renewed
        assert send(base, renewed["access_token"]) == (201, "")
        assert len(sandbox.posts) == 2


def test_the_hooks_reach_the_tokens_of_an_earlier_run():
    with a_run() as (base, _sandbox):
        issued = sign_in(base)
    with a_run() as (base, sandbox):
        sandbox.expire_tokens()
        assert send(base, issued["access_token"]) == (401, "908")
        sandbox.revoke_refresh_tokens()
        assert refresh(base, issued["refresh_token"])["error"] == "invalid_grant"
        # A new sign-in after the revocation works as before.
        assert send(base, sign_in(base)["access_token"]) == (201, "")
    with a_run() as (base, sandbox):
        sandbox.issue_expired_tokens = True
        expired = sign_in(base)
    with a_run() as (base, _sandbox):
        assert send(base, expired["access_token"]) == (401, "908")  # still expired in the next run


def test_a_token_the_sandbox_did_not_sign_is_unknown():
    with a_run() as (base, _sandbox):
        issued = sign_in(base)
    access, refresh_token = issued["access_token"], issued["refresh_token"]
    with a_run() as (base, sandbox):
        # Its claims changed (a longer expiry), its signature not: unknown; and one the sandbox never saw.
        forged = access[:-34] + "9" + access[-33:]
        assert send(base, forged) == (401, "907")
        assert send(base, "x" * 64) == (401, "907")
        assert refresh(base, refresh_token[:-1] + ("0" if refresh_token[-1] != "0" else "1"))["error"] == (
            "invalid_grant"
        )
        # Tokens shorter than their signed claims need (token_length hook) live in this run's memory only.
        sandbox.token_length = 20
        short = sign_in(base)["access_token"]
        assert len(short) == 20 and send(base, short) == (201, "")
    with a_run() as (base, _sandbox):
        assert send(base, short) == (401, "907")
