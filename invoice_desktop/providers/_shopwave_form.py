"""Shopwave's form: one or more supplier invoices, each with its lines, named and typed as the docs say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..core.i18n import N_, NP_, _

MAX_OBJECTS_PER_REQUEST = 200
MAX_LINES_PER_INVOICE = MAX_OBJECTS_PER_REQUEST - 1


def _empty_to_none(data: Any) -> Any:
    """The form sends "" for an empty box: that is "not given", not an empty value."""
    if isinstance(data, dict):
        return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
    return data


class InvoiceItem(BaseModel):
    model_config = ConfigDict(title=N_("Invoice line"), str_strip_whitespace=True, populate_by_name=True)

    name: str | None = Field(
        None,
        title=NP_("a thing's name (an invoice line, a discount)", "Name"),
        max_length=255,
        json_schema_extra={"placeholder": N_("e.g. Coffee beans 1 kg")},
    )
    quantity: int = Field(title=N_("Quantity"), description=N_("How many (whole units; negative for a return)."))
    price: Decimal = Field(
        title=N_("Price"),
        description=N_("The unit price, as on the supplier's invoice (sent to Shopwave as text)."),
        allow_inf_nan=False,
        json_schema_extra={"placeholder": N_("e.g. 12.50")},
    )
    vatPercentage: float | None = Field(
        None, title=N_("VAT %"), ge=0, le=100, json_schema_extra={"placeholder": N_("e.g. 20")}
    )
    barcode: str | None = Field(None, title=N_("Barcode"), max_length=64)
    productId: int | None = Field(None, title=N_("Product ID"), ge=1, description=N_("The Shopwave product, if any."))
    accountId: int | None = Field(
        None, title=N_("Account ID"), ge=1, description=N_("The account the cost is booked to.")
    )
    note: str | None = Field(None, title=N_("Note"), max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _blank(cls, data: Any) -> Any:
        return _empty_to_none(data)

    @field_validator("quantity")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError(_("A line needs a quantity other than 0."))
        return value

    @model_validator(mode="after")
    def _identified(self) -> InvoiceItem:
        if not (self.name or self.productId or self.barcode):
            raise ValueError(_("Give the line a name, a product ID or a barcode."))
        return self


# Whole sentences: the field's name changes form with its place in a sentence in some languages.
_NEEDED_FOR_NEW = {
    "supplierId": N_("A new invoice needs its supplier ID."),
    "storeId": N_("A new invoice needs its store ID."),
    "reference": N_("A new invoice needs its reference."),
    "completeDate": N_("A new invoice needs its invoice date."),
}


class Invoice(BaseModel):
    model_config = ConfigDict(title=N_("Supplier invoice"), str_strip_whitespace=True, populate_by_name=True)

    id: int | None = Field(
        None,
        title=N_("Invoice ID (to update)"),
        ge=1,
        description=N_("Leave empty to create a new invoice; give Shopwave's invoice ID to update that invoice."),
    )
    supplierId: int | None = Field(None, title=N_("Supplier ID"), ge=1, validate_default=True)
    storeId: int | None = Field(
        None,
        title=N_("Store ID"),
        ge=1,
        validate_default=True,
        description=N_("The merchant's store the invoice belongs to."),
    )
    supplierStoreId: int | None = Field(None, title=N_("Supplier store ID"), ge=1)
    reference: str | None = Field(
        None,
        title=N_("Reference"),
        max_length=255,
        validate_default=True,
        description=N_("The supplier's invoice number."),
        json_schema_extra={"placeholder": N_("e.g. INV-2024-0042")},
    )
    completeDate: date | None = Field(None, title=N_("Invoice date"), validate_default=True)
    note: str | None = Field(None, title=N_("Note"), max_length=2000)
    invoiceItems: list[InvoiceItem] = Field(
        default_factory=list,
        title=N_("Lines"),
        max_length=MAX_LINES_PER_INVOICE,
        # 199: MAX_LINES_PER_INVOICE
        description=N_("At most 199 lines: an invoice and its lines travel in one request."),
    )

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        data = _empty_to_none(data)
        # The wire form keys lines by id ({"line-1": {...}}): take their values.
        if isinstance(data, dict) and isinstance(data.get("invoiceItems"), dict):
            data = {**data, "invoiceItems": list(data["invoiceItems"].values())}
        if isinstance(data, dict) and data.get("invoiceItems") is None and "invoiceItems" in data:
            data = {**data, "invoiceItems": []}
        return data

    @field_validator("supplierId", "storeId", "reference", "completeDate")
    @classmethod
    def _needed_for_new(cls, value: Any, info: ValidationInfo) -> Any:
        # (When the id itself is wrong, that is the one error shown.)
        if value is None and "id" in info.data and info.data["id"] is None:
            raise ValueError(_(_NEEDED_FOR_NEW[info.field_name or ""]))
        return value

    @property
    def is_update(self) -> bool:
        return self.id is not None

    @property
    def objects(self) -> int:
        return 1 + len(self.invoiceItems)


class ShopwaveInvoices(BaseModel):
    """The form: one or more invoices, sent together."""

    model_config = ConfigDict(title=N_("Supplier invoices"))

    invoices: list[Invoice] = Field(
        min_length=1,
        title=N_("Invoices"),
        description=N_("Each row is one supplier invoice with its lines. All rows are sent together."),
    )

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        """Accept one invoice, a list of invoices, {"invoices": [...]} or the wire form {"invoices": {key: ...}}."""
        if isinstance(data, list):
            return {"invoices": data}
        if isinstance(data, dict):
            if "invoices" not in data:
                return {"invoices": [data]}
            if isinstance(data["invoices"], dict):
                return {**data, "invoices": list(data["invoices"].values())}
        return data
