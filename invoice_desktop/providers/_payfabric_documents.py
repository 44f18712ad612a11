"""How a document's facts (core/documents: an e-invoice's numbers, dates, buyer and lines) fill a PayFabric
invoice form for a batch row.

Kept apart from `payfabric` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _billing_address(facts: Any) -> dict[str, Any] | None:
    """The buyer's address as PayFabric's billing address. PayFabric requires an address id; the invoice states
    none, so the customer's primary address is named (the clerk edits it where the customer's differs)."""
    parts = {
        "Name": facts.get("buyer_name"),
        "Address1": facts.get("buyer_street"),
        "City": facts.get("buyer_city"),
        "Zip": facts.get("buyer_postcode"),
        "Country": facts.get("buyer_country"),
        "EMailAddress": facts.get("buyer_email"),
    }
    present = {k: v for k, v in parts.items() if v}
    return {"AddressID": "PRIMARY", **present} if present else None


def _invoice_items(facts: Any) -> list[dict[str, Any]]:
    """The e-invoice's lines as PayFabric's: the GTIN (or the name) as the item code, the VAT rate as a line tax."""
    items = []
    for line in facts.get("lines") or []:
        code = line.get("gtin") or (line.get("name") or "")[:50]
        if not code:
            continue
        item: dict[str, Any] = {
            "ItemCode": code,
            "Description": (line.get("name") or "")[:100] or None,
            "Quantity": line.get("quantity"),
            "UnitPrice": line.get("unit_price"),
            "ExtendedPrice": line.get("amount"),
        }
        if line.get("vat_rate") is not None:
            # The e-invoice states a percentage (25); PayFabric a fraction (0.25).
            item["Taxes"] = [{"Name": "VAT", "Rate": Decimal(str(line["vat_rate"])) / 100}]
        items.append({k: v for k, v in item.items() if v is not None})
    return items


# A batch row's form from the document's facts (core/documents): the invoice's own numbers, dates, buyer and lines.
DOCUMENT_FIELDS: dict[str, Any] = {
    "InvoiceId": "invoice_number",
    "CustomerId": "buyer_id",
    "Amount": "total_grand",
    "BalanceDue": "total_due",
    "SubTotal": "total_lines",
    "Tax": "total_tax",
    "Currency": "currency",
    "DueDate": "due_date",
    "PostingDate": "issue_date",
    "PONumber": "order_reference",
    "CustomerName": "buyer_name",
    "Email": "buyer_email",
    "BillingAddress": _billing_address,
    "InvoiceItems": _invoice_items,
}
