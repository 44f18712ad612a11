"""Shopwave sign-in: the OAuth2 browser flow against the practice sandbox (the test plays the browser), its
failures (declined, wrong state, wrong secret, time-out, Cancel), where the auth host is, and long tokens in the
keyring."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from invoice_desktop.core.credentials import MAX_SECRET_CHARS, CredentialStore, split_secret
from invoice_desktop.core.errors import Cancelled, InvoiceDesktopError
from invoice_desktop.core.provider import RequestContext
from invoice_desktop.core.redaction import MASK
from invoice_desktop.core.transport import CancelToken, Transport
from invoice_desktop.practice.shopwave import DEMO_CLIENT_SECRET
from invoice_desktop.providers import _shopwave_oauth as oauth
from invoice_desktop.providers import get_provider


@pytest.fixture
def provider():
    return get_provider("shopwave")


@pytest.fixture
def sandbox(services, provider):
    return services.uploads.practice.sandbox_for(provider)


@pytest.fixture
def browser(services):
    """Plays the system browser: opens the authorize URL and follows its redirect to the app's loopback listener.
    Records each URL it was given and each page it ended on."""

    class Browser:
        def __init__(self) -> None:
            self.urls: list[str] = []
            self.pages: list[requests.Response] = []

        def __call__(self, url: str) -> None:
            self.urls.append(url)
            self.pages.append(requests.get(url, timeout=10))

    player = Browser()
    services.uploads.open_browser = player
    return player


@pytest.fixture
def signed_in(services, provider, browser):
    """Signed in to the practice sandbox; the exchanges of the sign-in are returned."""
    exchanges = []
    services.uploads.sign_in(provider, "practice", {}, on_exchange=exchanges.append)
    return exchanges


def stored(services, name):
    return services.credentials.get("shopwave", "practice", name)


def test_sign_in_opens_the_authorize_page_and_stores_the_tokens(services, provider, browser, sandbox):
    exchanges = []
    obtained = services.uploads.sign_in(provider, "practice", {}, on_exchange=exchanges.append)

    url = urlsplit(browser.urls[0])
    assert url.path.endswith("/shopwave/oauth/authorize")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == "practice-shopwave-app"
    assert query["response_type"] == "code"
    assert query["scope"] == "invoice"
    assert len(query["state"]) >= 20
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname) == ("http", "127.0.0.1") and redirect.port
    # The browser ends on the app's own page.
    assert "You can close this tab" in browser.pages[0].text
    # Tokens are stored in the keyring, and are the ones the sandbox issued.
    assert stored(services, "access_token") == obtained["access_token"]
    assert stored(services, "access_token") in sandbox.access_tokens
    assert stored(services, "refresh_token") in sandbox.refresh_tokens
    assert stored(services, "token_type") == "Bearer"
    assert sandbox.token_grants == ["authorization_code"]
    # The one-shot listener is gone.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", redirect.port), timeout=1):
        pass
    # The code exchange is logged, but no secret, code or token is.
    [exchange] = exchanges
    text = exchange.as_text()
    assert exchange.status == 200 and "grant_type=authorization_code" in text
    for secret in (DEMO_CLIENT_SECRET, obtained["access_token"], obtained["refresh_token"]):
        assert secret not in text
    assert MASK in exchange.response_body
    code = parse_qs(urlsplit(browser.pages[0].url).query)["code"][0]
    assert code not in text


def test_declined_sign_in_stores_nothing(services, provider, browser, sandbox):
    sandbox.deny_next_authorization()
    with pytest.raises(InvoiceDesktopError, match="declined"):
        services.uploads.sign_in(provider, "practice", {})
    assert stored(services, "access_token") is None
    assert sandbox.token_grants == []


def test_an_answer_with_another_state_is_refused(services, provider, sandbox):
    def forging_browser(url):
        answer = requests.get(url, allow_redirects=False, timeout=10)
        target = urlsplit(answer.headers["Location"])
        query = {k: v[0] for k, v in parse_qs(target.query).items()}
        query["state"] = "forged"
        requests.get(target._replace(query=urlencode(query)).geturl(), timeout=10)

    services.uploads.open_browser = forging_browser
    with pytest.raises(InvoiceDesktopError, match="did not belong to this sign-in"):
        services.uploads.sign_in(provider, "practice", {})
    assert sandbox.token_grants == []
    assert stored(services, "access_token") is None


def test_wrong_client_secret_is_said_plainly_and_never_shown(services, provider, browser):
    services.credentials.set("shopwave", "practice", "client_secret", "not-the-secret-42")
    exchanges = []
    with pytest.raises(InvoiceDesktopError) as caught:
        services.uploads.sign_in(provider, "practice", {}, on_exchange=exchanges.append)
    assert "client ID or client secret" in caught.value.message
    assert exchanges[0].status == 401
    assert "not-the-secret-42" not in exchanges[0].as_text() + caught.value.message
    assert stored(services, "access_token") is None


def test_sign_in_needs_the_client_id_and_secret(services, provider, browser):
    with pytest.raises(InvoiceDesktopError, match="client ID and client secret"):
        services.uploads.sign_in(provider, "production", {})
    assert browser.urls == []


def test_sign_in_times_out_when_the_browser_never_comes_back(services, provider, monkeypatch):
    monkeypatch.setattr(provider, "sign_in_timeout_s", 0.3)
    opened = []
    services.uploads.open_browser = opened.append  # a browser the clerk never finishes in
    with pytest.raises(InvoiceDesktopError, match="did not finish within"):
        services.uploads.sign_in(provider, "practice", {})
    port = urlsplit(parse_qs(urlsplit(opened[0]).query)["redirect_uri"][0]).port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    assert stored(services, "access_token") is None


def test_cancel_stops_the_sign_in(services, provider):
    cancel = CancelToken()
    services.uploads.open_browser = lambda url: cancel.cancel()  # the clerk presses Cancel instead
    with pytest.raises(Cancelled, match="Sign-in cancelled"):
        services.uploads.sign_in(provider, "practice", {}, cancel=cancel)
    assert stored(services, "access_token") is None


def test_a_browser_that_cannot_be_opened_gives_the_address(services, provider):
    def broken(url):
        raise OSError("no display")

    services.uploads.open_browser = broken
    with pytest.raises(InvoiceDesktopError, match=r"Open this address in a browser: http://127\.0\.0\.1"):
        services.uploads.sign_in(provider, "practice", {})


def test_cli_login_runs_the_browser_sign_in(run_cli, services, browser):
    code, out, err = run_cli(["credentials", "login", "shopwave", "--environment", "practice"])
    assert code == 0, err
    assert "Signed in to Shopwave" in out
    assert f"visit:\n{browser.urls[0]}" in err  # the address, for a terminal without a browser
    assert stored(services, "access_token")
    assert stored(services, "access_token") not in out + err


@pytest.mark.parametrize(
    ("environment", "base_url", "expected"),
    [
        ("production", "https://api.merchantstack.com", "https://secure.merchantstack.com"),
        ("sandbox", "https://api.staging.merchantstack.com", "https://secure.staging.merchantstack.com"),
        ("production", "https://proxy.example.com/shopwave", "https://proxy.example.com/shopwave"),
        ("practice", "http://127.0.0.1:5000/shopwave", "http://127.0.0.1:5000/shopwave"),
    ],
)
def test_the_auth_host_follows_the_environment(provider, environment, base_url, expected):
    ctx = RequestContext(environment, base_url, {}, {}, Transport())
    assert oauth.auth_base(ctx, provider.declared_base(environment)) == expected


# -- long tokens in the keyring --------------------------------------------------------------------------------


def test_a_long_token_is_split_over_keyring_items_and_still_works(services, provider, browser, sandbox, memory_keyring):
    sandbox.token_length = 3000
    obtained = services.uploads.sign_in(provider, "practice", {})
    service = CredentialStore.service("shopwave", "practice")
    pieces = [
        memory_keyring.items.get((service, name))
        for name in ("access_token", "access_token__2", "access_token__3", "access_token__4")
    ]
    assert [len(p) for p in pieces[:3]] == [MAX_SECRET_CHARS, MAX_SECRET_CHARS, 3000 - 2 * MAX_SECRET_CHARS]
    assert pieces[3] is None
    assert all(len(p.encode("utf-16-le")) <= 2560 for p in pieces[:3])  # Windows Credential Manager's limit
    assert stored(services, "access_token") == obtained["access_token"]
    # The reassembled token is what an upload sends.
    prepared = services.uploads.prepare(
        provider, "practice", {"supplierId": 10, "storeId": 1, "reference": "LONG-1", "completeDate": "2024-05-02"}
    )
    result = services.uploads.run(prepared)
    assert result.ok, result
    exchanges = services.history.exchanges(result.attempt_id)
    assert all(obtained["access_token"][:1280] not in e.as_text() for e in exchanges)


def test_a_shorter_value_replaces_all_pieces_of_a_longer_one(memory_keyring):
    store = CredentialStore(memory_keyring)
    store.set("shopwave", "production", "access_token", "a" * 4000)
    assert len([k for k in memory_keyring.items if k[1].startswith("access_token")]) == 4
    store.set("shopwave", "production", "access_token", "b" * 1500)
    assert store.get("shopwave", "production", "access_token") == "b" * 1500
    assert len([k for k in memory_keyring.items if k[1].startswith("access_token")]) == 2
    store.delete("shopwave", "production", "access_token")
    assert [k for k in memory_keyring.items if k[1].startswith("access_token")] == []
    assert store.get("shopwave", "production", "access_token") is None


def test_a_value_of_exactly_one_item_and_wide_characters_round_trip(memory_keyring):
    store = CredentialStore(memory_keyring)
    exact = "x" * MAX_SECRET_CHARS
    store.set("p", "e", "f", exact)
    assert store.get("p", "e", "f") == exact
    wide = "🔑" * 1000 + "tail"  # two UTF-16 units each: Windows counts those
    assert all(len(piece.encode("utf-16-le")) <= 2 * MAX_SECRET_CHARS for piece in split_secret(wide))
    store.set("p", "e", "g", wide)
    assert store.get("p", "e", "g") == wide


# -- a restart --------------------------------------------------------------------------------------------------


def test_the_sign_in_outlives_a_restart_of_the_app(services, provider, browser, memory_keyring):
    """The window started again (a new in-process practice sandbox, the same keyring and history) sends with the
    tokens of the earlier sign-in, and renews them when they expire, without a new sign-in."""
    from invoice_desktop.core.services import Services
    from invoice_desktop.core.transport import Timeouts
    from invoice_desktop.core.upload import UploadService
    from invoice_desktop.practice import PracticeEnvironment
    from invoice_desktop.providers import registry

    services.uploads.sign_in(provider, "practice", {})
    services.uploads.stop_practice()
    restarted_practice = PracticeEnvironment()
    try:
        uploads = UploadService(
            CredentialStore(memory_keyring),
            services.history,
            providers=registry(),
            practice=lambda: restarted_practice,
            timeouts=Timeouts(connect=5, read=20, deadline=60),
        )
        restarted = Services(uploads.credentials, services.history, uploads)
        form = {"supplierId": 10, "storeId": 1, "reference": "AFTER-RESTART", "completeDate": "2024-05-02"}
        result = restarted.uploads.run(restarted.uploads.prepare(provider, "practice", form))
        assert result.ok, result
        restarted_practice.sandbox_for(provider).expire_tokens()
        form["reference"] = "AFTER-RESTART-2"
        result = restarted.uploads.run(restarted.uploads.prepare(provider, "practice", form))
        assert result.ok, result  # renewed with the refresh token of the earlier run
        assert browser.urls == [browser.urls[0]]  # one sign-in in all
    finally:
        restarted_practice.stop()
