"""What Shopwave is sent: the POST's body (the SDKs' `postBody` form field, or raw JSON), each invoice's key and
JSON, and the invoices packed into as few requests as fit Shopwave's limit of objects per call."""

from __future__ import annotations

import json
from typing import Any

from ..core.http import FormBody, JsonBody
from ._shopwave_form import Invoice, InvoiceItem

# How the invoices' JSON travels (the "Request body" credential, under Advanced). Shopwave's own SDKs put it in a
# form field: ShopwaveConnect-iOS writes `postBody=<JSON>` (SWAPIEndpoint.swift) and ShopwaveConnect-Java posts
# application/x-www-form-urlencoded parameters (HttpRequest.java). Raw JSON is kept for accounts that need it.
BODY_POST_BODY = "postBody"
BODY_RAW_JSON = "json"
POST_BODY_FIELD = "postBody"


def request_body(envelope: dict[str, Any], choice: str | None) -> JsonBody | FormBody:
    """The POST's body: by default `postBody=<URL-encoded JSON>`, form-encoded; raw JSON when chosen."""
    if (choice or "").strip() == BODY_RAW_JSON:
        return JsonBody(envelope)
    # Compact, as the SDKs' JSON serialisers write it; the form encoding percent-encodes every byte that needs it.
    text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return FormBody({POST_BODY_FIELD: text}, json_fields=(POST_BODY_FIELD,))


def invoice_key(index: int, invoice: Invoice) -> str:
    """An invoice's key in the request's map: its id to update it, "new-<row>" for a new one."""
    return str(invoice.id) if invoice.id is not None else f"new-{index + 1}"


def item_payload(item: InvoiceItem) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("barcode", "note", "name"):
        if getattr(item, name) is not None:
            out[name] = getattr(item, name)
    out["price"] = format(item.price, "f")  # a String in the docs
    if item.vatPercentage is not None:
        out["vatPercentage"] = item.vatPercentage
    out["quantity"] = item.quantity
    for name in ("productId", "accountId"):
        if getattr(item, name) is not None:
            out[name] = getattr(item, name)
    return out


def invoice_payload(invoice: Invoice) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("id", "supplierId", "storeId", "supplierStoreId", "reference", "note"):
        if getattr(invoice, name) is not None:
            out[name] = getattr(invoice, name)
    if invoice.completeDate is not None:
        out["completeDate"] = invoice.completeDate.isoformat()
    if invoice.invoiceItems:
        out["invoiceItems"] = {f"line-{n}": item_payload(item) for n, item in enumerate(invoice.invoiceItems, 1)}
    return out


def pack(indices: list[int], sizes: list[int], limit: int) -> list[list[int]]:
    """Invoices (by index) in as few requests as first-fit-decreasing finds, each within `limit` objects. An invoice
    larger than the limit travels alone. Requests and the invoices in each keep the form's order."""
    bins: list[list[int]] = []
    loads: list[int] = []
    for index in sorted(indices, key=lambda i: (-sizes[i], i)):
        for n, load in enumerate(loads):
            if load + sizes[index] <= limit:
                bins[n].append(index)
                loads[n] += sizes[index]
                break
        else:
            bins.append([index])
            loads.append(sizes[index])
    for b in bins:
        b.sort()
    return sorted(bins, key=lambda b: b[0])
