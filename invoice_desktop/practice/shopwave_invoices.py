"""What the practice Shopwave's /invoice checks and answers with: the documented error ids, the body's encoding (the
SDKs' `postBody` form field, or raw JSON for one account), each invoice's formation and whether the demo merchant
owns what it names."""

from __future__ import annotations

import json
import string
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from .server import SandboxResponse

POST_BODY_FIELD = "postBody"
# What a properly form-encoded body may contain (application/x-www-form-urlencoded: everything else is %XX).
_FORM_SAFE = frozenset(string.ascii_letters + string.digits + "*-._+%=&")

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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def entry(code: int, details: str | None = None) -> dict[str, Any]:
    """One error as Shopwave words it: {id, title, details}."""
    _, title, text = ERRORS[code]
    return {"id": code, "title": title, "details": details or text}


def error(code: int, details: str | None = None, key: str | None = None) -> SandboxResponse:
    """A whole-request error: Shopwave's envelope with the error id's own HTTP status."""
    status = ERRORS[code][0]
    return SandboxResponse.json(
        {"api": {"message": {"errors": {key or str(code): entry(code, details)}}}}, status=status
    )


def read_body(content_type: str, raw: bytes, *, raw_json_allowed: bool) -> tuple[Any, SandboxResponse | None]:
    """The posted JSON, read as the SDKs send it (`postBody=<URL-encoded JSON>`, form-encoded), or raw JSON
    for the one account declared to read it. Anything else is Shopwave's unsupported-body answer (916)."""
    if content_type == "application/json" and raw_json_allowed:
        try:
            return json.loads(raw.decode("utf-8-sig")), None
        except ValueError:
            return None, error(913, "The body is not JSON.")
    if content_type != "application/x-www-form-urlencoded":
        return None, error(
            916,
            f"This account reads the request as a form field {POST_BODY_FIELD} holding the JSON "
            f"(application/x-www-form-urlencoded), not {content_type or 'a body without a Content-Type'}.",
        )
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    if not text or not set(text) <= _FORM_SAFE:
        return None, error(913, "The form is not URL-encoded: percent-encode the postBody value.")
    fields = parse_qs(text, keep_blank_values=True)
    values = fields.get(POST_BODY_FIELD, [])
    if len(values) != 1:
        return None, error(913, f"Send the JSON in exactly one form field named {POST_BODY_FIELD}.")
    try:
        return json.loads(values[0]), None
    except ValueError:
        return None, error(913, f"The form field {POST_BODY_FIELD} does not hold JSON.")


def objects(invoices: dict[str, Any]) -> int:
    """The objects a request carries, as Shopwave's limit counts them: invoices and their lines."""
    return sum(
        1 + (len(v["invoiceItems"]) if isinstance(v, dict) and isinstance(v.get("invoiceItems"), dict) else 0)
        for v in invoices.values()
    )


def formation(invoice: Any) -> str | None:
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
        problem = _line_formation(key, item)
        if problem is not None:
            return problem
    return None


def _line_formation(key: str, item: Any) -> str | None:
    """What is missing or malformed in one invoice line, or None."""
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


def not_owned(invoice: dict[str, Any]) -> str | None:
    """What in a well-formed invoice is not the demo merchant's (a supplier, store, product…), or None."""
    for name, known in (("supplierId", SUPPLIERS), ("storeId", STORES), ("supplierStoreId", SUPPLIER_STORES)):
        if name in invoice and invoice[name] not in known:
            return f"{name} {invoice[name]} does not belong to this merchant"
    for key, item in invoice.get("invoiceItems", {}).items():
        for name, known in (("productId", PRODUCTS), ("accountId", ACCOUNTS)):
            if name in item and item[name] not in known:
                return f"invoiceItems[{key}].{name} {item[name]} does not belong to this merchant"
    return None
