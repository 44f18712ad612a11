"""Shopwave's OAuth2 authorization-code flow for a desktop app (RFC 8252), and the token refresh.

The sign-in opens the system browser at `{auth}/oauth/authorize` with a loopback redirect
(`http://127.0.0.1:{free port}/callback`), a random `state` and a PKCE challenge (RFC 7636, S256: RFC 8252 asks
it of desktop apps; a server that does not know PKCE ignores the extra parameters); a one-shot listener on that
port receives the code, answers a small "you can close this tab" page and stops; the code is exchanged at
`{auth}/oauth/token` together with the PKCE verifier, so a code intercepted on the way is useless to anyone else.
The auth host is not the API host: `secure.merchantstack.com` / `secure.staging.merchantstack.com`; in practice
(and whenever the clerk overrides the address) the auth endpoints are taken under the API's address.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ..core.errors import Cancelled, InvoiceDesktopError
from ..core.http import FormBody, OutgoingRequest, Response
from ..core.i18n import N_, Msg, _
from ..core.provider import PRACTICE, PRODUCTION, SANDBOX, RequestContext
from ._shopwave_answers import read_api_errors

log = logging.getLogger(__name__)

AUTH_HOSTS = {
    SANDBOX: "https://secure.staging.merchantstack.com",
    PRODUCTION: "https://secure.merchantstack.com",
}
# Shopwave's scopes are named after the endpoints (its SDKs join several with ","); posting invoices needs this one.
SCOPE = "invoice"
CALLBACK_PATH = "/callback"
TOKEN_FIELDS = ("access_token", "refresh_token", "id_token")
CREDENTIALS_HINT = N_("Sign in with Shopwave (Credentials…) or paste an access token.")


class SignInNeeded(InvoiceDesktopError):
    """The stored sign-in cannot be used or renewed: the clerk must sign in again."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    token_type: str


def auth_base(ctx: RequestContext, declared_api_base: str | None) -> str:
    """Where /oauth/authorize and /oauth/token live for this context's environment."""
    if ctx.environment == PRACTICE or ctx.environment not in AUTH_HOSTS:
        return ctx.base_url.rstrip("/")
    if declared_api_base and ctx.base_url.rstrip("/") != declared_api_base.rstrip("/"):
        # The clerk gave another address (a proxy, a self-hosted test system): its own /oauth endpoints.
        return ctx.base_url.rstrip("/")
    return AUTH_HOSTS[ctx.environment]


def authorization_scheme(token_type: str | None) -> str:
    """The word before the token in `Authorization`; Shopwave's example is "Bearer"."""
    value = (token_type or "").strip()
    return value if value and " " not in value else "Bearer"


def clean_pasted_token(token: str) -> str:
    """A pasted token may carry its scheme ("Bearer abc…") or a line break: keep the token itself."""
    value = token.strip()
    scheme, _sep, rest = value.partition(" ")
    if rest and scheme.lower() in ("bearer", "oauth"):
        value = rest.strip()
    return "".join(value.split())


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE (verifier, S256 challenge): 64 random bytes as base64url (86 characters, within RFC 7636's
    43–128), and BASE64URL(SHA256(verifier)) without padding."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# -- the one-shot loopback listener --------------------------------------------------------------------------


def _page(title: str, text: str) -> bytes:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Invoice Desktop</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    ).encode()


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _CallbackServer
    # A connection that never sends a request (a browser's speculative one) is dropped after this many seconds.
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sign-in listener: " + format, *args)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._answer(404, _page(_("Not found"), _("This address only receives the Shopwave sign-in.")))
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        title, text = self.server.deliver(query)
        self._answer(200, _page(title, text))
        self.server.done.set()

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()


class _CallbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, expected_state: str) -> None:
        super().__init__(("127.0.0.1", 0), _CallbackHandler)
        self.expected_state = expected_state
        self.done = threading.Event()
        self.result: dict[str, str] | None = None
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("sign-in listener: a connection from %s failed", client_address, exc_info=True)

    def deliver(self, query: dict[str, str]) -> tuple[str, str]:
        """Keep the first answer that reaches the callback; the page's title and text for the browser."""
        with self._lock:
            if self.result is None:
                self.result = query
        if query.get("state") != self.expected_state:
            return (
                _("Sign-in not completed"),
                _(
                    "This answer does not belong to the sign-in the app started. "
                    "Close this tab and sign in again from Invoice Desktop."
                ),
            )
        if "error" in query:
            return (
                _("Sign-in not completed"),
                _("Shopwave did not sign you in. You can close this tab and return to Invoice Desktop."),
            )
        return _("Signed in to Shopwave"), _("You can close this tab and return to Invoice Desktop.")


class LoopbackListener:
    """Listens on 127.0.0.1:{free port} for the one redirect of the sign-in, on a thread of its own."""

    def __init__(self, state: str) -> None:
        self._server = _CallbackServer(state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="shopwave-sign-in", daemon=True
        )

    @property
    def redirect_uri(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}{CALLBACK_PATH}"

    def __enter__(self) -> LoopbackListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, cancel: Any, timeout: float) -> dict[str, str]:
        """The redirect's query parameters. Raises Cancelled on Cancel, InvoiceDesktopError on time-out."""
        deadline = time.monotonic() + timeout
        while not self._server.done.wait(0.05):
            if cancel is not None and cancel.cancelled:
                raise Cancelled(Msg("Sign-in cancelled. Nothing was stored."))
            if time.monotonic() > deadline:
                raise InvoiceDesktopError(
                    Msg(
                        "The sign-in in the browser did not finish within {seconds} seconds. Nothing was stored: "
                        "sign in again and complete the Shopwave page in the browser.",
                        seconds=format(timeout, ".0f"),
                    )
                )
        assert self._server.result is not None
        return self._server.result


# -- token requests ------------------------------------------------------------------------------------------


def token_request(base: str, fields: Mapping[str, str], label: str) -> OutgoingRequest:
    return OutgoingRequest(
        "POST",
        f"{base}/oauth/token",
        headers={"Accept": "application/json"},
        body=FormBody(dict(fields)),
        label=label,
        secret_answer_fields=TOKEN_FIELDS,
    )


def _token_error(response: Response) -> tuple[str | None, str | None]:
    """(OAuth error code, description) from an RFC 6749 answer or Shopwave's api.message envelope."""
    data = response.json_or_none()
    if not isinstance(data, dict):
        return None, None
    if isinstance(data.get("error"), str):
        return data["error"], data.get("error_description") if isinstance(data.get("error_description"), str) else None
    errors = read_api_errors(data)
    if errors:
        first = errors[0]
        return (str(first.code) if first.code is not None else None), first.text or None
    return None, None


def read_tokens(response: Response, *, refreshing: bool) -> Tokens:
    """The tokens of a 200 answer, or a plain InvoiceDesktopError (SignInNeeded when refreshing failed)."""
    data = response.json_or_none() if response.ok else None
    if isinstance(data, dict) and isinstance(data.get("access_token"), str) and data["access_token"]:
        refresh = data.get("refresh_token")
        return Tokens(
            access_token=data["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            token_type=authorization_scheme(
                data.get("token_type") if isinstance(data.get("token_type"), str) else None
            ),
        )
    error, description = _token_error(response)
    problem: Msg
    next_step: Msg
    if error == "invalid_client" or (response.status == 401 and error is None):
        problem = Msg("Shopwave refused the client ID or client secret.")
        next_step = Msg("Check them (Credentials…): they come from your Shopwave partner account.")
    elif refreshing:
        problem = Msg("Your Shopwave sign-in has ended and could not be renewed.")
        next_step = Msg(CREDENTIALS_HINT)
    elif error == "invalid_grant":
        problem = Msg("Shopwave did not accept the sign-in code (it may have expired).")
        next_step = Msg("Sign in again.")
    elif error:
        problem = Msg("Shopwave refused the sign-in ({error}).", error=error)
        next_step = Msg("Sign in again.")
    elif response.status >= 500:
        problem = Msg("Shopwave's sign-in server had a problem (HTTP {status}).", status=response.status)
        next_step = Msg("Try again in a few minutes.")
    else:
        problem = Msg(
            "Shopwave's sign-in server answered something unexpected (HTTP {status}); the answer is in the log.",
            status=response.status,
        )
        next_step = Msg("Sign in again.")
    # Shopwave's own words, quoted as they came, between what happened and what to do next. The sentence ends
    # after the quote, so a full stop of Shopwave's own is left out (not “… revoked.”.).
    said = description.rstrip().removesuffix(".") if description else ""
    message = (
        Msg("{problem} Shopwave said: “{said}”. {next_step}", problem=problem, said=said, next_step=next_step)
        if said
        else Msg("{problem} {next_step}", problem=problem, next_step=next_step)
    )
    if refreshing:
        raise SignInNeeded(message)
    raise InvoiceDesktopError(message)


# -- the flows -----------------------------------------------------------------------------------------------


def sign_in(ctx: RequestContext, declared_api_base: str | None, timeout: float) -> dict[str, str]:
    """Run the browser sign-in; the credential fields to store."""
    client_id = ctx.credentials.get("client_id", "").strip()
    client_secret = ctx.credentials.get("client_secret", "").strip()
    if not client_id or not client_secret:
        raise InvoiceDesktopError(
            Msg(
                "Enter the client ID and client secret of your Shopwave partner app first (Credentials…), then sign in."
            )
        )
    base = auth_base(ctx, declared_api_base)
    state = secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    ctx.transport.redactor.add(verifier)
    with LoopbackListener(state) as listener:
        url = f"{base}/oauth/authorize?" + urlencode(
            {
                "client_id": client_id,
                "redirect_uri": listener.redirect_uri,
                "response_type": "code",
                "scope": SCOPE,
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        log.info(N_("Shopwave sign-in: browser opened, waiting on %(address)s"), {"address": listener.redirect_uri})
        try:
            ctx.open_browser(url)
        except Exception as exc:
            raise InvoiceDesktopError(
                Msg(
                    "The browser could not be opened ({error}). Open this address in a browser: {url}",
                    error=type(exc).__name__,
                    url=url,
                )
            ) from None
        answer = listener.wait(ctx.transport.cancel, timeout)
        redirect_uri = listener.redirect_uri
    code = _authorization_code(answer, state)
    ctx.transport.redactor.add(code)
    response = ctx.send(
        token_request(
            base,
            {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            N_("Sign in: exchange the code for tokens"),
        )
    )
    tokens = read_tokens(response, refreshing=False)
    obtained = {"access_token": tokens.access_token, "token_type": tokens.token_type}
    if tokens.refresh_token:
        obtained["refresh_token"] = tokens.refresh_token
    return obtained


def _authorization_code(answer: dict[str, str], state: str) -> str:
    """The code in the browser's answer to this sign-in, or the sentence that says why there is none."""
    if answer.get("state") != state:
        raise InvoiceDesktopError(
            Msg(
                "The browser's answer did not belong to this sign-in, so it was ignored. Nothing was stored: sign in "
                "again."
            )
        )
    if "error" in answer:
        if answer["error"] == "access_denied":
            raise InvoiceDesktopError(Msg("The Shopwave sign-in was declined in the browser. Nothing was stored."))
        if answer.get("error_description"):
            raise InvoiceDesktopError(
                Msg(
                    "Shopwave did not sign you in: {error} (“{said}”). Sign in again.",
                    error=answer["error"],
                    said=answer["error_description"],
                )
            )
        raise InvoiceDesktopError(Msg("Shopwave did not sign you in: {error}. Sign in again.", error=answer["error"]))
    code = answer.get("code", "")
    if not code:
        raise InvoiceDesktopError(Msg("Shopwave's answer in the browser carried no sign-in code. Sign in again."))
    return code


def refresh(ctx: RequestContext, declared_api_base: str | None) -> Tokens:
    """Renew the access token with the refresh token and store what Shopwave hands out. Raises SignInNeeded."""
    refresh_token = ctx.credentials.get("refresh_token", "")
    client_id = ctx.credentials.get("client_id", "").strip()
    client_secret = ctx.credentials.get("client_secret", "").strip()
    if not refresh_token or not client_id or not client_secret:
        raise SignInNeeded(
            Msg(
                "Your Shopwave access token is no longer valid and cannot be renewed here. {hint}",
                hint=Msg(CREDENTIALS_HINT),
            )
        )
    response = ctx.send(
        token_request(
            auth_base(ctx, declared_api_base),
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": client_id,
                "client_secret": client_secret,
            },
            N_("Renew the access token"),
        )
    )
    tokens = read_tokens(response, refreshing=True)
    ctx.save_credential("access_token", tokens.access_token)
    if tokens.refresh_token and tokens.refresh_token != refresh_token:
        ctx.save_credential("refresh_token", tokens.refresh_token)
    if tokens.token_type != authorization_scheme(ctx.credentials.get("token_type")):
        # Not a secret: kept for this run and stored without adding it to the words hidden in the log.
        ctx.credentials["token_type"] = tokens.token_type
    return tokens
