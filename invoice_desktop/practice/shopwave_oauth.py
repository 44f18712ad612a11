"""The practice Shopwave's OAuth2 server (authorization code with PKCE, refresh), as the module docstring of
practice/shopwave.py describes it, and the access tokens it issued, which /invoice checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import string
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from .server import Sandbox, SandboxRequest, SandboxResponse

DEMO_CLIENT_ID = "practice-shopwave-app"
DEMO_CLIENT_SECRET = "practice-shopwave-secret-7d1c"
# The one practice account declared to read a raw JSON body (Credentials… → Advanced → Request body: raw JSON).
RAW_JSON_CLIENT_ID = "practice-shopwave-rawjson-app"
RAW_JSON_CLIENT_SECRET = "practice-shopwave-rawjson-secret-5b2e"
CLIENTS = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET, RAW_JSON_CLIENT_ID: RAW_JSON_CLIENT_SECRET}
RAW_JSON_CLIENTS = frozenset({RAW_JSON_CLIENT_ID})
TOKEN_LIFETIME_S = 3600
CODE_LIFETIME_S = 600
_ALPHABET = string.ascii_letters + string.digits
# Tokens the sandbox can recognise in a later run on this computer without remembering them, as a real Shopwave
# remembers what it issued: each CLI command and each window start runs a new in-process sandbox, and the tokens of
# a sign-in live on in the keyring. A token ends with its claims (kind, client, issued at, expiry) and an HMAC of
# them under this key. The key is practice-only on purpose (like DEMO_CLIENT_SECRET): the tokens open nothing real.
_PRACTICE_SIGNING_KEY = b"invoice-desktop practice shopwave tokens; not a secret"
_CLIENT_INDEX = {client: str(i) for i, client in enumerate(CLIENTS)}
_INDEX_CLIENT = {i: client for client, i in _CLIENT_INDEX.items()}
_MAC_CHARS = 24  # hex digits of the HMAC-SHA256 kept: 96 bits is ample for practice tokens
_CLAIM_CHARS = 1 + 1 + 13 + 10  # kind, client index, issued at (ms), expiry (s)
_NONCE_CHARS = 8  # the least randomness in front of the claims (two tokens issued in one millisecond differ)
SIGNED_TOKEN_MIN_LENGTH = _NONCE_CHARS + _CLAIM_CHARS + _MAC_CHARS


def _mac(text: str) -> str:
    return hmac.new(_PRACTICE_SIGNING_KEY, text.encode("ascii"), hashlib.sha256).hexdigest()[:_MAC_CHARS]


def _signed_token(kind: str, client_id: str, issued_ms: int, expiry_s: int, length: int) -> str:
    """A token of `length` characters (letters and digits) that carries and signs its claims; shorter than
    SIGNED_TOKEN_MIN_LENGTH, a plain random one that only this run's memory knows."""
    if length < SIGNED_TOKEN_MIN_LENGTH:
        return "".join(secrets.choice(_ALPHABET) for _ in range(length))
    nonce = "".join(secrets.choice(_ALPHABET) for _ in range(length - _CLAIM_CHARS - _MAC_CHARS))
    body = f"{nonce}{kind}{_CLIENT_INDEX[client_id]}{issued_ms:013d}{max(expiry_s, 0):010d}"
    return body + _mac(body)


def _verified_claims(token: str, kind: str) -> tuple[str, int, int] | None:
    """(client, issued at in ms, expiry in s) of a token this sandbox signed as `kind`, else None."""
    if len(token) < SIGNED_TOKEN_MIN_LENGTH or not token.isascii():
        return None
    body, mac = token[:-_MAC_CHARS], token[-_MAC_CHARS:]
    if not hmac.compare_digest(_mac(body), mac):
        return None
    claims = body[-_CLAIM_CHARS:]
    client = _INDEX_CLIENT.get(claims[1])
    if claims[0] != kind or client is None or not claims[2:].isdigit():
        return None
    return client, int(claims[2:15]), int(claims[15:])


def s256(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _is_s256_challenge(value: str) -> bool:
    return len(value) == 43 and set(value) <= set(string.ascii_letters + string.digits + "-_")


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _redirect(redirect_uri: str, params: dict[str, str]) -> SandboxResponse:
    """The 302 back to the app's loopback address, with `params` added to its query."""
    sep = "&" if urlsplit(redirect_uri).query else "?"
    return SandboxResponse(302, headers={"Location": redirect_uri + sep + urlencode(params)})


def _pkce_problem(query: dict[str, str]) -> str | None:
    """Why the authorization's PKCE challenge is not accepted, or None."""
    challenge, method = query.get("code_challenge", ""), query.get("code_challenge_method", "plain")
    return (
        "PKCE is required of a native app (RFC 8252 §8.1): send code_challenge with method S256."
        if not challenge
        else "Only code_challenge_method=S256 is accepted."
        if method != "S256"
        else "code_challenge must be 43 base64url characters (the SHA-256 of the verifier)."
        if not _is_s256_challenge(challenge)
        else None
    )


class ShopwaveOAuth(Sandbox):
    """The sign-in half of the Shopwave sandbox: /oauth/authorize and /oauth/token, and the tokens they issued."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, float] = {}  # token → expiry (time.time())
        self.token_clients: dict[str, str] = {}  # access token → the client (account) it was issued to
        self.refresh_tokens: dict[str, str] = {}  # refresh token → client id
        # The hooks' cut-offs (ms since the epoch) for signed tokens issued by an earlier run, which the dicts
        # above do not hold: expire_tokens and revoke_refresh_tokens reach those tokens too.
        self._expired_up_to_ms = 0
        self._revoked_up_to_ms = 0
        # Test hooks (see practice/shopwave.py's docstring).
        self.token_length = 64  # long enough to carry its signed claims (SIGNED_TOKEN_MIN_LENGTH)
        self.issue_expired_tokens = False
        self.token_grants: list[str] = []
        self._deny_next = False

    # -- hooks --

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0
            self._expired_up_to_ms = _now_ms()

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()
            self._revoked_up_to_ms = _now_ms()

    def deny_next_authorization(self) -> None:
        self._deny_next = True

    # -- the bearer token of an API request --

    def bearer_problem(self, request: SandboxRequest) -> tuple[int | None, str]:
        """Shopwave's error id for the request's Authorization header (911 malformed, 907 unknown, 908 expired),
        or None; and the client the token was issued to."""
        scheme, _, token = request.header("Authorization").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            return 911, ""
        with self.lock:
            expiry = self.access_tokens.get(token)
            client_id = self.token_clients.get(token, "")
            if expiry is None:
                expiry, client_id = self._earlier_access_token(token)
        if expiry is None:
            return 907, ""
        if expiry < time.time():
            return 908, ""
        return None, client_id

    def _earlier_access_token(self, token: str) -> tuple[float | None, str]:
        """(expiry, client) of an access token a sandbox signed in an earlier run, or (None, "")."""
        claims = _verified_claims(token, "a")
        if claims is None:
            return None, ""
        client_id, issued_ms, expiry_s = claims
        return (0.0 if issued_ms <= self._expired_up_to_ms else float(expiry_s)), client_id

    def _refresh_token_owner(self, token: str) -> str | None:
        """The client a refresh token was issued to, by this run or (signed, not revoked since) an earlier one."""
        with self.lock:
            owner = self.refresh_tokens.get(token)
            if owner is None:
                claims = _verified_claims(token, "r")
                if claims is not None and claims[1] > self._revoked_up_to_ms:
                    owner = claims[0]
        return owner

    # -- OAuth --

    @staticmethod
    def _page(status: int, title: str, text: str) -> SandboxResponse:
        body = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
        )
        return SandboxResponse.text(body, status=status, content_type="text/html")

    def _authorize(self, request: SandboxRequest) -> SandboxResponse:
        query = {k: v[0] for k, v in request.query.items()}
        client_id = query.get("client_id", "")
        if client_id not in CLIENTS:
            return self._page(400, "Unknown application", "This client_id is not a registered Shopwave app.")
        redirect_uri = query.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            return self._page(400, "Redirect not allowed", "A desktop app must redirect to a loopback address.")
        state = {"state": query["state"]} if "state" in query else {}
        if self._deny_next:
            self._deny_next = False
            return _redirect(
                redirect_uri, {"error": "access_denied", "error_description": "The user declined.", **state}
            )
        if query.get("response_type") != "code":
            return _redirect(redirect_uri, {"error": "unsupported_response_type", **state})
        problem = _pkce_problem(query)
        if problem:
            return _redirect(redirect_uri, {"error": "invalid_request", "error_description": problem, **state})
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "expires": time.time() + CODE_LIFETIME_S,
                "scope": query.get("scope", ""),
                "code_challenge": query["code_challenge"],
            }
        return _redirect(redirect_uri, {"code": code, **state})

    @staticmethod
    def _oauth_error(status: int, error: str, description: str) -> SandboxResponse:
        return SandboxResponse.json({"error": error, "error_description": description}, status=status)

    def _issue(self, client_id: str, refresh_token: str | None, scope: str) -> SandboxResponse:
        now_ms = _now_ms()
        expiry = 0.0 if self.issue_expired_tokens else now_ms / 1000 + TOKEN_LIFETIME_S
        token = _signed_token("a", client_id, now_ms, int(expiry), self.token_length)
        refresh_token = refresh_token or _signed_token("r", client_id, now_ms, 0, 64)
        with self.lock:
            self.access_tokens[token] = expiry
            self.token_clients[token] = client_id
            self.refresh_tokens[refresh_token] = client_id
        return SandboxResponse.json(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME_S,
                "refresh_token": refresh_token,
                "scope": scope,
            }
        )

    def _token(self, request: SandboxRequest) -> SandboxResponse:
        if request.content_type != "application/x-www-form-urlencoded":
            return self._oauth_error(400, "invalid_request", "Send the fields form-encoded.")
        form = request.form()
        grant = form.get("grant_type", "")
        with self.lock:
            self.token_grants.append(grant)
        client_id = form.get("client_id", "")
        if client_id not in CLIENTS or form.get("client_secret") != CLIENTS[client_id]:
            return self._oauth_error(401, "invalid_client", "Client authentication failed.")
        if grant == "authorization_code":
            with self.lock:
                issued = self.codes.pop(form.get("code", ""), None)
            if issued is None or issued["expires"] < time.time() or issued["client_id"] != client_id:
                return self._oauth_error(400, "invalid_grant", "The authorization code is invalid or was used.")
            if form.get("redirect_uri") != issued["redirect_uri"]:
                return self._oauth_error(400, "invalid_grant", "redirect_uri does not match the authorization.")
            verifier = form.get("code_verifier", "")
            if not verifier:
                return self._oauth_error(400, "invalid_request", "code_verifier is missing (PKCE).")
            if s256(verifier) != issued["code_challenge"]:
                return self._oauth_error(400, "invalid_grant", "code_verifier does not match the code_challenge.")
            return self._issue(client_id, None, issued["scope"])
        if grant == "refresh_token":
            refresh_token = form.get("refresh_token", "")
            owner = self._refresh_token_owner(refresh_token)
            if owner != client_id:
                return self._oauth_error(400, "invalid_grant", "The refresh token is invalid or was revoked.")
            return self._issue(client_id, refresh_token, "invoice")
        return self._oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type “{grant}”.")
