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
                         same across refreshes (as Shopwave's SDKs describe). Tokens carry their client and
                         expiry signed with a practice-only key, so a sandbox started later on this computer (the
                         next CLI command, the next window) knows the tokens of an earlier sign-in, as Shopwave does.
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
  token_length = 64             the length of access tokens issued (e.g. 3000 to exercise the keyring splitting;
                                under 57 a token is not signed, so a later run does not know it)
  posts                         the JSON bodies (decoded) of /invoice requests that passed the checks, in order
  raw_posts                     (Content-Type, raw bytes) of every /invoice request that passed the auth checks
  token_grants                  grant_type of every /oauth/token request, in order
  invoices                      stored invoices by id
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..core.i18n import N_
from . import shopwave_invoices as checks
from .server import SandboxRequest, SandboxResponse
from .shopwave_oauth import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    RAW_JSON_CLIENT_ID,
    RAW_JSON_CLIENT_SECRET,
    RAW_JSON_CLIENTS,
    ShopwaveOAuth,
    s256,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "RAW_JSON_CLIENT_ID",
    "RAW_JSON_CLIENT_SECRET",
    "ShopwaveSandbox",
    "s256",
]


class ShopwaveSandbox(ShopwaveOAuth):
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
        self.posts: list[dict[str, Any]] = []
        self.raw_posts: list[tuple[str, bytes]] = []
        self._fail_next: list[int] = []
        self._canned: list[SandboxResponse] = []

    # -- hooks --

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

    # -- /invoice --

    def _invoice(self, request: SandboxRequest) -> SandboxResponse:
        with self.lock:
            forced = self._fail_next.pop(0) if self._fail_next else None
        if forced is not None:
            request.body()
            return checks.error(forced)
        code, client_id = self.bearer_problem(request)
        if code is not None:
            return checks.error(code)
        version = request.header("x-accept-version").strip()
        if version and version not in ("2", "2.0"):
            return checks.error(913, f"x-accept-version {version} is not supported; use 2.")
        raw = request.body()
        with self.lock:
            self.raw_posts.append((request.header("Content-Type"), raw))
        body, problem = checks.read_body(request.content_type, raw, raw_json_allowed=client_id in RAW_JSON_CLIENTS)
        if problem is not None:
            return problem
        with self.lock:
            self.posts.append(body)
            canned = self._canned.pop(0) if self._canned else None
        if canned is not None:
            return canned
        return self._take(body)

    def _take(self, body: Any) -> SandboxResponse:
        """The posted JSON, once read: refused as a whole (913, 919), or each invoice stored or refused."""
        invoices = body.get("invoices") if isinstance(body, dict) else None
        if not isinstance(invoices, dict) or not invoices:
            return checks.error(913, 'invoices is missing: send {"invoices": {key: invoice, ...}}.')
        objects = checks.objects(invoices)
        if objects > self.object_limit:
            return checks.error(919, f"{objects} objects in one request; the limit is {self.object_limit}.")
        problems = {key: p for key, value in invoices.items() if (p := checks.formation(value))}
        if problems:
            errors = {key: checks.entry(913, f"invoices[{key}]: {problem}") for key, problem in problems.items()}
            return SandboxResponse.json({"api": {"message": {"errors": errors}}}, status=400)
        return self._store_all(invoices)

    def _store_all(self, invoices: dict[str, Any]) -> SandboxResponse:
        stored: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        with self.lock:
            for key, invoice in invoices.items():
                problem = checks.not_owned(invoice)
                if problem is None and "id" in invoice and invoice["id"] not in self.invoices:
                    problem = (
                        f"invoice {invoice['id']} belongs to another merchant"
                        if invoice["id"] in checks.FOREIGN_INVOICES
                        else f"there is no invoice {invoice['id']}"
                    )
                if problem is not None:
                    errors[key] = checks.entry(912, f"invoices[{key}]: {problem}")
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
