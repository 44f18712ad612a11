"""Practice sandbox of Shopwave (MerchantStack): its OAuth2 server and the Invoice POST API, as documented.

Demo partner app (practice mode fills it in): client_id "practice-shopwave-app",
client_secret "practice-shopwave-secret-7d1c". There is no access token until the clerk signs in.
A second practice account, client_id "practice-shopwave-rawjson-app", client_secret
"practice-shopwave-rawjson-secret-5b2e", is declared to read a raw JSON body: the sandbox, not the app's setting,
decides which body an account takes, so the app's encoding cannot drift unnoticed.

The demo merchant owns:
  stores 1, 2 · suppliers 10, 11, 12 · supplier stores 100, 101 · products 500–509 · accounts 700, 701
  invoice 4001 (exists: send {"id": 4001, ...} to update it)
Any other id (e.g. supplier 999, store 9, invoice 4999, product 999) is not the merchant's: that invoice is
refused with 912 inside an otherwise successful 201.

OAuth (under the same mount as the API: the app takes the auth endpoints there in practice):
  GET  /oauth/authorize  client_id, redirect_uri (http on 127.0.0.1, localhost or [::1], any port: RFC 8252),
                         response_type=code, scope, state, code_challenge + code_challenge_method=S256 (PKCE,
                         required of a native app as RFC 8252 §8.1 advises servers) → 302 to
                         redirect_uri?code=…&state=… (approves at once). Unknown client or bad redirect_uri → 400
                         page; another response_type → redirect with error=unsupported_response_type; no or a
                         non-S256 challenge → redirect with error=invalid_request.
  POST /oauth/token      form fields. grant_type=authorization_code: code (single use, 10 minutes), client_id,
                         client_secret, redirect_uri (as at authorize), code_verifier (its S256 must be the
                         challenge: else invalid_grant). grant_type=refresh_token: refresh_token,
                         client_id, client_secret. 200 {access_token, token_type "Bearer", expires_in 3600,
                         refresh_token, scope}. Errors as RFC 6749 {error, error_description}: 401 invalid_client,
                         400 invalid_grant / invalid_request / unsupported_grant_type. The refresh token stays the
                         same across refreshes (as Shopwave's SDKs describe).
POST /invoice, checked in this order:
  Authorization missing or not "Bearer <token>" → 401 911; unknown token → 401 907; expired → 401 908.
  x-accept-version, when sent, must be 2 or 2.0 → else 400 913.
  The body, as Shopwave's SDKs send it (ShopwaveConnect-iOS SWAPIEndpoint.swift, ShopwaveConnect-Java
  HttpRequest.java): application/x-www-form-urlencoded with one field postBody holding the JSON, properly
  URL-encoded (a bare `{` or `"` in the body → 400 913). A raw application/json body is read only for the raw-JSON
  account above; any other body → 415 916. Every body is kept in `raw_posts` (Content-Type, bytes).
  The JSON must be {"invoices": {key: invoice}} (a map, as the docs' notation reads) → else 400 913.
  More than `object_limit` (200) objects, invoices and lines counted → 429 919.
  Formation (→ 400 913, errors keyed by the objects at fault, nothing stored): a new invoice needs supplierId,
  storeId (ints), reference (text), completeDate (YYYY-MM-DD); an update needs an int id. Lines (a map) need an int
  quantity, a price as a *string* number, and a name, productId or barcode; ids are ints.
  Then each invoice is stored or refused on its own (912): 201 {"invoices": {key: stored invoice with its id},
  "api": {"message": {"success": {"206": …}, "errors": {key: {"id", "title", "details"}}}}}.
Whole-request errors: {"api": {"message": {"errors": {"<id>": {"id", "title", "details"}}}}} with the seed's status.

Control hooks for tests (on the instance):
  expire_tokens()               every access token issued so far has expired (→ 908)
  issue_expired_tokens = True   tokens issued from now on are expired already (a refresh that does not help)
  revoke_refresh_tokens()       refresh tokens stop working (→ invalid_grant)
  deny_next_authorization()     the next authorize redirects with error=access_denied
  fail_next(error_id, times=1)  the next /invoice request(s) answer that documented error (before any check)
  answer_next(status, body)     the next /invoice request that passes the checks up to reading its JSON gets this
                                canned answer instead (its body is still recorded in `posts`)
  object_limit = 200            the objects one request may carry
  token_length = 40             the length of access tokens issued (e.g. 3000 to exercise the keyring splitting)
  posts                         the JSON bodies (decoded) of /invoice requests that passed the checks, in order
  raw_posts                     (Content-Type, raw bytes) of every /invoice request that passed the auth checks
  token_grants                  grant_type of every /oauth/token request, in order
  invoices                      stored invoices by id
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import string
import time
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from ..core.i18n import N_
from .server import Sandbox, SandboxRequest, SandboxResponse

DEMO_CLIENT_ID = "practice-shopwave-app"
DEMO_CLIENT_SECRET = "practice-shopwave-secret-7d1c"
# The one practice account declared to read a raw JSON body (Credentials… → Advanced → Request body: raw JSON).
RAW_JSON_CLIENT_ID = "practice-shopwave-rawjson-app"
RAW_JSON_CLIENT_SECRET = "practice-shopwave-rawjson-secret-5b2e"
CLIENTS = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET, RAW_JSON_CLIENT_ID: RAW_JSON_CLIENT_SECRET}
RAW_JSON_CLIENTS = frozenset({RAW_JSON_CLIENT_ID})
POST_BODY_FIELD = "postBody"
# What a properly form-encoded body may contain (application/x-www-form-urlencoded: everything else is %XX).
_FORM_SAFE = frozenset(string.ascii_letters + string.digits + "*-._+%=&")
TOKEN_LIFETIME_S = 3600
CODE_LIFETIME_S = 600

STORES = {1, 2}
SUPPLIERS = {10, 11, 12}
SUPPLIER_STORES = {100, 101}
PRODUCTS = set(range(500, 510))
ACCOUNTS = {700, 701}
FOREIGN_INVOICES = {4999}

ERRORS: dict[int, tuple[int, str, str]] = {
    899: (500, "Unknown Error", "Something went wrong. Please contact the site administrator"),
    900: (503, "Service Unavailable", "The service is down for maintenance. Please try again later"),
    904: (401, "Access Denied", "Access denied for the request"),
    907: (401, "Invalid Token", "Token invalid. Please renew your token"),
    908: (401, "Expired Token", "Token expired or invalid. Please renew your token"),
    911: (
        401,
        "Authorization Header Invalid",
        "The authorization header is invalid. The correct format is Authorization: {token_type} {accessToken}",
    ),
    912: (403, "Resource Not Allowed For Specified User", "The user does not own this resource and its forbidden"),
    913: (
        400,
        "Required parameter or object missing in request",
        "One or more of the required parameters or object formation is missing in your request. "
        "Please refer the documentation",
    ),
    916: (415, "Unsupported Media Type", "The request's content type is not supported"),
    919: (
        429,
        "Cannot handle too many request",
        "There is a limit for every object you can send to our server and you are exceding that.",
    ),
}
_ALPHABET = string.ascii_letters + string.digits


def s256(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _is_s256_challenge(value: str) -> bool:
    return len(value) == 43 and set(value) <= set(string.ascii_letters + string.digits + "-_")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry(code: int, details: str | None = None) -> dict[str, Any]:
    _, title, text = ERRORS[code]
    return {"id": code, "title": title, "details": details or text}


class ShopwaveSandbox(Sandbox):
    HINT: ClassVar[str] = N_(
        "Sign in first (Credentials… → Sign in with Shopwave; it approves at once). Demo merchant: suppliers "
        "10–12, stores 1–2, products 500–509, invoice 4001 (give its ID to update it). Errors: supplier, store or "
        "product 999, or invoice 4999 → 912; API version 3 → 913; Credentials… → Advanced → Request body: raw "
        "JSON → 916, except for the raw-JSON account practice-shopwave-rawjson-app (secret "
        "practice-shopwave-rawjson-secret-5b2e)."
    )
    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, float] = {}  # token → expiry (time.time())
        self.token_clients: dict[str, str] = {}  # access token → the client (account) it was issued to
        self.refresh_tokens: dict[str, str] = {}  # refresh token → client id
        self.invoices: dict[int, dict[str, Any]] = {
            4001: {
                "id": 4001,
                "supplierId": 10,
                "storeId": 1,
                "reference": "INV-OLD-1",
                "completeDate": "2024-01-31",
                "invoiceItems": {},
            },
        }
        self._next_invoice_id = 5001
        self._next_item_id = 90001
        # Test hooks (see the module docstring).
        self.object_limit = 200
        self.token_length = 40
        self.issue_expired_tokens = False
        self.posts: list[dict[str, Any]] = []
        self.raw_posts: list[tuple[str, bytes]] = []
        self.token_grants: list[str] = []
        self._deny_next = False
        self._fail_next: list[int] = []
        self._canned: list[SandboxResponse] = []

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

    def fail_next(self, error_id: int, times: int = 1) -> None:
        with self.lock:
            self._fail_next.extend([error_id] * times)

    def answer_next(
        self, status: int, body: bytes | str | dict[str, Any] = b"", headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(body, dict):
            canned = SandboxResponse.json(body, status=status)
        else:
            canned = SandboxResponse(
                status, body.encode("utf-8") if isinstance(body, str) else body, dict(headers or {})
            )
        with self.lock:
            self._canned.append(canned)

    # -- routing --

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        path = request.path.rstrip("/") or "/"
        if path == "/oauth/authorize" and request.method == "GET":
            return self._authorize(request)
        if path == "/oauth/token" and request.method == "POST":
            return self._token(request)
        if path == "/invoice" and request.method == "POST":
            return self._invoice(request)
        return self.not_found(request)

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
        sep = "&" if parts.query else "?"
        state = {"state": query["state"]} if "state" in query else {}
        if self._deny_next:
            self._deny_next = False
            return SandboxResponse(
                302,
                headers={
                    "Location": redirect_uri
                    + sep
                    + urlencode({"error": "access_denied", "error_description": "The user declined.", **state})
                },
            )
        if query.get("response_type") != "code":
            return SandboxResponse(
                302,
                headers={"Location": redirect_uri + sep + urlencode({"error": "unsupported_response_type", **state})},
            )
        challenge, method = query.get("code_challenge", ""), query.get("code_challenge_method", "plain")
        problem = (
            "PKCE is required of a native app (RFC 8252 §8.1): send code_challenge with method S256."
            if not challenge
            else "Only code_challenge_method=S256 is accepted."
            if method != "S256"
            else "code_challenge must be 43 base64url characters (the SHA-256 of the verifier)."
            if not _is_s256_challenge(challenge)
            else None
        )
        if problem:
            return SandboxResponse(
                302,
                headers={
                    "Location": redirect_uri
                    + sep
                    + urlencode({"error": "invalid_request", "error_description": problem, **state})
                },
            )
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "expires": time.time() + CODE_LIFETIME_S,
                "scope": query.get("scope", ""),
                "code_challenge": challenge,
            }
        return SandboxResponse(302, headers={"Location": redirect_uri + sep + urlencode({"code": code, **state})})

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

    # -- /invoice --

    @staticmethod
    def _error(code: int, details: str | None = None, key: str | None = None) -> SandboxResponse:
        status = ERRORS[code][0]
        return SandboxResponse.json(
            {"api": {"message": {"errors": {key or str(code): _entry(code, details)}}}}, status=status
        )

    def _invoice(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            forced = self._fail_next.pop(0) if self._fail_next else None
        if forced is not None:
            request.body()
            return self._error(forced)
        scheme, _, token = request.header("Authorization").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            return self._error(911)
        with self.lock:
            expiry = self.access_tokens.get(token)
        if expiry is None:
            return self._error(907)
        if expiry < time.time():
            return self._error(908)
        version = request.header("x-accept-version").strip()
        if version and version not in ("2", "2.0"):
            return self._error(913, f"x-accept-version {version} is not supported; use 2.")
        with self.lock:
            client_id = self.token_clients.get(token, "")
        raw = request.body()
        with self.lock:
            self.raw_posts.append((request.header("Content-Type"), raw))
        body, problem = self._read_body(request.content_type, raw, raw_json_allowed=client_id in RAW_JSON_CLIENTS)
        if problem is not None:
            return problem
        with self.lock:
            self.posts.append(body)
            canned = self._canned.pop(0) if self._canned else None
        if canned is not None:
            return canned
        invoices = body.get("invoices") if isinstance(body, dict) else None
        if not isinstance(invoices, dict) or not invoices:
            return self._error(913, 'invoices is missing: send {"invoices": {key: invoice, ...}}.')
        objects = sum(
            1 + (len(v["invoiceItems"]) if isinstance(v, dict) and isinstance(v.get("invoiceItems"), dict) else 0)
            for v in invoices.values()
        )
        if objects > self.object_limit:
            return self._error(919, f"{objects} objects in one request; the limit is {self.object_limit}.")
        problems = {key: p for key, value in invoices.items() if (p := self._formation(value))}
        if problems:
            return SandboxResponse.json(
                {
                    "api": {
                        "message": {
                            "errors": {
                                key: _entry(913, f"invoices[{key}]: {problem}") for key, problem in problems.items()
                            }
                        }
                    }
                },
                status=400,
            )
        return self._store_all(invoices)

    def _read_body(
        self, content_type: str, raw: bytes, *, raw_json_allowed: bool
    ) -> tuple[Any, SandboxResponse | None]:
        """The posted JSON, read as the SDKs send it (`postBody=<URL-encoded JSON>`, form-encoded), or raw JSON
        for the one account declared to read it. Anything else is Shopwave's unsupported-body answer (916)."""
        if content_type == "application/json" and raw_json_allowed:
            try:
                return json.loads(raw.decode("utf-8-sig")), None
            except ValueError:
                return None, self._error(913, "The body is not JSON.")
        if content_type != "application/x-www-form-urlencoded":
            return None, self._error(
                916,
                f"This account reads the request as a form field {POST_BODY_FIELD} holding the JSON "
                f"(application/x-www-form-urlencoded), not {content_type or 'a body without a Content-Type'}.",
            )
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if not text or not set(text) <= _FORM_SAFE:
            return None, self._error(913, "The form is not URL-encoded: percent-encode the postBody value.")
        fields = parse_qs(text, keep_blank_values=True)
        values = fields.get(POST_BODY_FIELD, [])
        if len(values) != 1:
            return None, self._error(913, f"Send the JSON in exactly one form field named {POST_BODY_FIELD}.")
        try:
            return json.loads(values[0]), None
        except ValueError:
            return None, self._error(913, f"The form field {POST_BODY_FIELD} does not hold JSON.")

    @staticmethod
    def _formation(invoice: Any) -> str | None:
        """What is missing or malformed in one invoice, or None."""
        if not isinstance(invoice, dict):
            return "an invoice must be an object"
        if "id" in invoice:
            if not _is_int(invoice["id"]):
                return "id must be an integer"
        else:
            for name in ("supplierId", "storeId"):
                if not _is_int(invoice.get(name)):
                    return f"{name} is required (an integer)"
            if not isinstance(invoice.get("reference"), str) or not invoice["reference"].strip():
                return "reference is required"
            if not isinstance(invoice.get("completeDate"), str):
                return "completeDate is required (YYYY-MM-DD)"
        for name in ("supplierId", "storeId", "supplierStoreId"):
            if name in invoice and not _is_int(invoice[name]):
                return f"{name} must be an integer"
        if "completeDate" in invoice:
            try:
                date.fromisoformat(str(invoice["completeDate"]))
            except ValueError:
                return "completeDate must be a date (YYYY-MM-DD)"
        items = invoice.get("invoiceItems", {})
        if not isinstance(items, dict):
            return "invoiceItems must be an object keyed by line"
        for key, item in items.items():
            if not isinstance(item, dict):
                return f"invoiceItems[{key}] must be an object"
            if not _is_int(item.get("quantity")):
                return f"invoiceItems[{key}].quantity is required (an integer)"
            price = item.get("price")
            try:
                ok = isinstance(price, str) and Decimal(price).is_finite()
            except InvalidOperation:
                ok = False
            if not ok:
                return f"invoiceItems[{key}].price is required (a number as a string)"
            if not (item.get("name") or item.get("productId") or item.get("barcode")):
                return f"invoiceItems[{key}] needs a name, productId or barcode"
            for name in ("productId", "accountId"):
                if name in item and not _is_int(item[name]):
                    return f"invoiceItems[{key}].{name} must be an integer"
            if "vatPercentage" in item and not isinstance(item["vatPercentage"], int | float):
                return f"invoiceItems[{key}].vatPercentage must be a number"
        return None

    @staticmethod
    def _not_owned(invoice: dict[str, Any]) -> str | None:
        for name, known in (("supplierId", SUPPLIERS), ("storeId", STORES), ("supplierStoreId", SUPPLIER_STORES)):
            if name in invoice and invoice[name] not in known:
                return f"{name} {invoice[name]} does not belong to this merchant"
        for key, item in invoice.get("invoiceItems", {}).items():
            for name, known in (("productId", PRODUCTS), ("accountId", ACCOUNTS)):
                if name in item and item[name] not in known:
                    return f"invoiceItems[{key}].{name} {item[name]} does not belong to this merchant"
        return None

    def _store_all(self, invoices: dict[str, Any]) -> SandboxResponse:
        stored: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        with self.lock:
            for key, invoice in invoices.items():
                problem = self._not_owned(invoice)
                if problem is None and "id" in invoice and invoice["id"] not in self.invoices:
                    problem = (
                        f"invoice {invoice['id']} belongs to another merchant"
                        if invoice["id"] in FOREIGN_INVOICES
                        else f"there is no invoice {invoice['id']}"
                    )
                if problem is not None:
                    errors[key] = _entry(912, f"invoices[{key}]: {problem}")
                    continue
                items = {}
                for item_key, item in invoice.get("invoiceItems", {}).items():
                    items[item_key] = {**item, "id": self._next_item_id}
                    self._next_item_id += 1
                if "id" in invoice:
                    record = self.invoices[invoice["id"]]
                    record.update({k: v for k, v in invoice.items() if k != "invoiceItems"})
                    record["invoiceItems"] = {**record.get("invoiceItems", {}), **items}
                else:
                    record = {**invoice, "id": self._next_invoice_id, "invoiceItems": items}
                    self.invoices[self._next_invoice_id] = record
                    self._next_invoice_id += 1
                stored[key] = dict(record)
        message: dict[str, Any] = {}
        if stored:
            message["success"] = {
                "206": {
                    "id": 206,
                    "title": "Resource Created",
                    "details": "Your resource is created partially or fully. Please check "
                    "further message or process log",
                }
            }
        if errors:
            message["errors"] = errors
        return SandboxResponse.json({"invoices": stored, "api": {"message": message}}, status=201)
