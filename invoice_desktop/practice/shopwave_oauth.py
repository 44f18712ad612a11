"""The practice Shopwave's OAuth2 server (authorization code with PKCE, refresh), as the module docstring of
practice/shopwave.py describes it, and the access tokens it issued, which /invoice checks."""

from __future__ import annotations

import base64
import hashlib
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


def s256(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _is_s256_challenge(value: str) -> bool:
    return len(value) == 43 and set(value) <= set(string.ascii_letters + string.digits + "-_")


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
        # Test hooks (see practice/shopwave.py's docstring).
        self.token_length = 40
        self.issue_expired_tokens = False
        self.token_grants: list[str] = []
        self._deny_next = False

    # -- hooks --

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()

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
            return 907, ""
        if expiry < time.time():
            return 908, ""
        return None, client_id

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
        token = "".join(secrets.choice(_ALPHABET) for _ in range(self.token_length))
        refresh_token = refresh_token or secrets.token_hex(20)
        with self.lock:
            self.access_tokens[token] = 0.0 if self.issue_expired_tokens else time.time() + TOKEN_LIFETIME_S
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
            with self.lock:
                owner = self.refresh_tokens.get(refresh_token)
            if owner != client_id:
                return self._oauth_error(400, "invalid_grant", "The refresh token is invalid or was revoked.")
            return self._issue(client_id, refresh_token, "invoice")
        return self._oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type “{grant}”.")
