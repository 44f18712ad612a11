"""The PayFabric Receivables InvoicePost form (object reference `Objects/Invoice.md`); its wire format is in
`_payfabric_wire.py`, its totals check in `_payfabric_totals.py`. Used by `payfabric.py`; this module has no
`PROVIDER`, so discovery skips it.

Field names are the API's. What the seed's sample request sends is accepted as it is and normalised:
  * dates such as `10/30/2017 3:19:11 PM` (US month/day order, as the vendor's sample) become `2017-10-30 15:19:11`;
  * `Tracking_Number` (the sample's spelling) fills `TrackingNumber` (the object reference's);
  * an address `Email` (the object reference's) fills `EMailAddress` (the sample's);
  * amounts given as strings (`"30.00"`), `Sequence: "1"`, `Taxable: "0"`, `NonInventory: "1"` are read as
    decimals, integers and booleans;
  * `CopyEmail` given as a list (the reference says "array of strings") is joined with "; " (as the sample sends it);
  * `TermDiscounts: null` is an empty list.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from ..core.i18n import N_, NP_, _
from ._payfabric_wire import PLAIN_NUMBERS, parse_datetime, wire_amount, wire_datetime, wire_number

_EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,<>]+")
_GUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
FIVE_PLACES = Decimal("0.00001")


def _money(title: str, description: str = "", *, required: bool = False, placeholder: str = N_("e.g. 30.00")) -> Any:
    extra: dict[str, JsonValue] = {"placeholder": placeholder}
    if required:
        return Field(title=title, description=description, max_digits=19, decimal_places=5, json_schema_extra=extra)
    return Field(None, title=title, description=description, max_digits=19, decimal_places=5, json_schema_extra=extra)


def _text(
    title: str,
    max_length: int | None,
    description: str = "",
    *,
    placeholder: str = "",
    required: bool = False,
    **kwargs: Any,
) -> Any:
    extra: dict[str, JsonValue] | None = {"placeholder": placeholder} if placeholder else None
    if required:
        return Field(
            title=title, description=description, min_length=1, max_length=max_length, json_schema_extra=extra, **kwargs
        )
    return Field(None, title=title, description=description, max_length=max_length, json_schema_extra=extra, **kwargs)


def _choice(title: str, labels: dict[str, JsonValue]) -> Any:
    """A field the API takes as one of a few words: `labels` maps each word, as sent, to what the clerk reads (marked
    N_, translated where shown; the form's choices are the model's Literal, in its order)."""
    return Field(None, title=title, json_schema_extra={"choice_labels": labels})


# What the clerk reads for the API's words (the API's word is what is sent).
STATUS_LABELS: dict[str, JsonValue] = {
    # Translators: a PayFabric invoice's status, chosen in the form (PayFabric's "Incomplete"; an invoice is meant).
    "Incomplete": N_("Incomplete"),
    # Translators: a PayFabric invoice's status, chosen in the form (PayFabric's "Pending"; an invoice is meant).
    "Pending": N_("Pending"),
    # Translators: a PayFabric invoice's status, chosen in the form (PayFabric's "Complete"; an invoice is meant).
    "Complete": N_("Complete"),
}
YES_NO_LABELS: dict[str, JsonValue] = {
    # Translators: the answer to "Send new-invoice e-mail", chosen in the form (PayFabric's "Yes").
    "Yes": N_("Yes"),
    # Translators: the answer to "Send new-invoice e-mail", chosen in the form (PayFabric's "No").
    "No": N_("No"),
}


def _when(title: str, description: str) -> Any:
    return Field(
        None,
        title=title,
        description=description,
        # Translators: the example in PayFabric's date fields. The window fills in {date} as the computer's region
        # writes a date ("2026-12-31", "31.12.2026": what the field reads) and {time} with "14:30".
        json_schema_extra={"placeholder": N_("{date} or {date} {time}")},
    )


class _PayFabricModel(BaseModel):
    # Unknown names are refused: the API's names are case-sensitive and a typo would be silently dropped.
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", populate_by_name=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        """An empty optional text is the same as leaving it out (the sample sends "" and null alike)."""
        name = info.field_name
        if isinstance(value, str) and not value.strip() and name and not cls.model_fields[name].is_required():
            return None
        return value

    @field_serializer("*", mode="wrap", when_used="json")
    def _wire(self, value: Any, handler: Any, info: Any) -> Any:
        """JSON (history, the wire): dates in the documented forms, amounts as strings such as "30.00"."""
        if isinstance(value, datetime):
            return wire_datetime(value)
        if isinstance(value, Decimal):
            return wire_number(value) if info.field_name in PLAIN_NUMBERS else wire_amount(value)
        return handler(value)


def _check_email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.fullmatch(value):
        raise ValueError(_("Enter one valid e-mail address, such as name@example.com."))
    return value


class Address(_PayFabricModel):
    model_config = ConfigDict(title=N_("Address"))

    AddressID: str = _text(
        N_("Address ID"),
        50,
        N_("The address identifier (required by PayFabric for an address)."),
        placeholder=N_("e.g. PRIMARY"),
        required=True,
    )
    Name: str | None = _text(NP_("a person's or company's name", "Name"), 100, N_("Customer name."))
    Address1: str | None = _text(N_("Address line 1"), 100)
    Address2: str | None = _text(N_("Address line 2"), 100)
    Address3: str | None = _text(N_("Address line 3"), 100)
    City: str | None = _text(N_("City"), 50)
    State: str | None = _text(N_("State"), 50)
    Zip: str | None = _text(N_("Zip code"), 50)
    Country: str | None = _text(N_("Country"), 50)
    Phone: str | None = _text(N_("Phone"), 50)
    Fax: str | None = _text(N_("Fax"), 50)
    EMailAddress: str | None = _text(
        N_("E-mail"), 255, N_("A single e-mail address."), validation_alias=AliasChoices("EMailAddress", "Email")
    )

    @field_validator("EMailAddress")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _check_email(value)


class InvoiceItemTax(_PayFabricModel):
    model_config = ConfigDict(title=N_("Line tax"))

    Name: str = _text(N_("Tax name"), 50, required=True)
    Amount: Decimal | None = _money(N_("Tax amount"))
    Rate: Decimal | None = Field(
        None,
        title=N_("Tax rate"),
        description=N_("Up to 8 decimals, e.g. 0.0725."),
        max_digits=9,
        decimal_places=8,
        json_schema_extra={"placeholder": N_("e.g. 0.0725")},
    )


class InvoiceItem(_PayFabricModel):
    model_config = ConfigDict(title=N_("Invoice line"))

    Sequence: int | None = Field(
        None,
        title=N_("Line no."),
        description=N_("Line item number (numbered 1, 2, 3… in the order shown when no line has one)."),
        ge=0,
    )
    ItemCode: str = _text(N_("Item code"), 50, required=True, placeholder=N_("e.g. TEST"))
    Description: str | None = _text(N_("Description"), 100)
    Quantity: Decimal | None = Field(
        None, title=N_("Quantity"), max_digits=19, decimal_places=5, json_schema_extra={"placeholder": N_("e.g. 1")}
    )
    UnitOfMeasure: str | None = _text(N_("Unit"), 25, placeholder=N_("e.g. EACH"))
    UnitPrice: Decimal | None = _money(N_("Unit price"))
    ExtendedPrice: Decimal | None = _money(N_("Extended price"), N_("Quantity × Unit price unless typed."))
    Markdown: Decimal | None = _money(N_("Markdown"), N_("Total markdown amount."))
    MarkdownPercentage: Decimal | None = Field(None, title=N_("Markdown %"), max_digits=19, decimal_places=5)
    TaxAmount: Decimal | None = _money(N_("Tax amount"))
    Taxable: bool | None = Field(None, title=N_("Taxable"))
    NonInventory: bool | None = Field(
        None, title=N_("Non-inventory"), description=N_("The item is not a predefined item.")
    )
    Comment: str | None = _text(N_("Comment"), 500)
    CommodityCode: str | None = _text(N_("Commodity code"), 255)
    PriceLevel: str | None = _text(N_("Price level"), 50)
    ReqShipDate: datetime | None = _when(
        N_("Required ship date"), N_("When this item is required to ship. Sent as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.")
    )
    SalesPerson: str | None = _text(N_("Salesperson"), 25)
    ShippingMethod: str | None = _text(N_("Shipping method"), 100)
    Site: str | None = _text(N_("Site"), 50, N_("Site or warehouse."))
    InvoiceNumber: str | None = _text(N_("Invoice number"), 50)
    ExtensionData: str | None = _text(N_("Extension data"), 4000)
    ShippingToAddress: Address | None = Field(None, title=N_("Ship-to address"))
    Taxes: list[InvoiceItemTax] = Field(default_factory=list, title=N_("Line taxes"))

    @field_validator("ReqShipDate", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return parse_datetime(value)

    @field_validator("Taxes", mode="before")
    @classmethod
    def _no_taxes(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def computed_price(self) -> Decimal | None:
        if self.Quantity is None or self.UnitPrice is None:
            return None
        product = self.Quantity * self.UnitPrice
        if product.as_tuple().exponent < -5:  # type: ignore[operator]
            product = product.quantize(FIVE_PLACES, rounding=ROUND_HALF_UP)
        return product

    @model_validator(mode="after")
    def _extended_price(self) -> InvoiceItem:
        if self.ExtendedPrice is None:
            self.ExtendedPrice = self.computed_price
        return self


class TermDiscount(_PayFabricModel):
    model_config = ConfigDict(title=N_("Term discount"))

    Name: str = _text(NP_("a thing's name (an invoice line, a discount)", "Name"), 50, required=True)
    DiscountDate: datetime | None = _when(
        N_("Discount date"), N_("When this discount is discarded. Sent as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.")
    )
    DiscountAvailableAmount: Decimal | None = _money(N_("Available discount"))

    @field_validator("DiscountDate", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return parse_datetime(value)


class InvoicePost(_PayFabricModel):
    model_config = ConfigDict(title=N_("PayFabric invoice"))

    InvoiceId: str = _text(
        N_("Invoice ID"),
        50,
        N_("The invoice number; sending the same one again replaces that invoice."),
        placeholder=N_("e.g. STDINV999999"),
        required=True,
    )
    CustomerId: str = _text(
        N_("Customer ID"),
        50,
        N_("The customer's ID in PayFabric Receivables."),
        placeholder=N_("e.g. Nodus0002"),
        required=True,
    )
    Amount: Decimal = _money(N_("Amount"), N_("Total invoice amount in the functional currency."), required=True)
    BalanceDue: Decimal = _money(N_("Balance due"), N_("Total balance due in the functional currency."), required=True)
    SubTotal: Decimal | None = _money(N_("Subtotal"))
    Tax: Decimal | None = _money(N_("Tax"), N_("Total tax amount."))
    Freight: Decimal | None = _money(N_("Freight"))
    MiscCost: Decimal | None = _money(N_("Misc. cost"))
    Discount: Decimal | None = _money(N_("Discount"), N_("Total discount."))
    PaymentDiscountApplied: Decimal | None = _money(N_("Payment discount applied"))
    Currency: str | None = _text(N_("Currency"), 10, N_("Currency code."), placeholder=N_("e.g. USD"))
    DueDate: datetime | None = _when(
        N_("Due date"), N_("When this invoice is due. Sent as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.")
    )
    PostingDate: datetime | None = _when(
        N_("Posting date"), N_("When the invoice was posted. Sent as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss.")
    )
    DocumentType: str | None = _text(N_("Document type"), 50, placeholder=N_("e.g. Invoice"))
    InvoiceType: str | None = _text(N_("Invoice type"), 50)
    Status: Literal["Incomplete", "Pending", "Complete"] | None = _choice(N_("Status"), STATUS_LABELS)
    PaymentTerms: str | None = _text(N_("Payment terms"), 50)
    PONumber: str | None = _text(N_("PO number"), 50)
    BatchNumber: str | None = _text(N_("Batch number"), 50)
    Identity: str | None = _text(N_("Identity"), 50, N_("Additional unique identifier."))
    CustomerName: str | None = _text(
        N_("Customer name"), 100, N_("Sent as the vendor's sample sends it (not in the object reference).")
    )
    Email: str | None = _text(N_("E-mail"), 255, N_("The one recipient of e-mails about this invoice."))
    CopyEmail: str | None = _text(
        N_("Copy e-mail"),
        1000,
        N_("Addresses in copy, separated by “;”."),
        placeholder=N_("a@example.com; b@example.com"),
    )
    SendNewInvoiceEmail: Literal["Yes", "No"] | None = _choice(N_("Send new-invoice e-mail"), YES_NO_LABELS)
    SalesPerson: str | None = _text(N_("Salesperson"), 4000)
    ShippingMethod: str | None = _text(N_("Shipping method"), 50)
    TrackingNumber: str | None = _text(
        N_("Tracking number"), 50, validation_alias=AliasChoices("TrackingNumber", "Tracking_Number")
    )
    Site: str | None = _text(N_("Site"), 4000, N_("Site or warehouse items ship from."))
    TaxGroup: str | None = _text(N_("Tax group"), 50)
    Comments: str | None = _text(N_("Comments"), 500)
    ExtensionData: str | None = _text(N_("Extension data"), 4000)
    InvoiceGuid: str | None = _text(
        N_("Invoice GUID"), 36, N_("Sent as the vendor's sample sends it (not in the object reference)."), pattern=_GUID
    )
    BillingAddress: Address | None = Field(None, title=N_("Billing address"))
    ShippingAddress: Address | None = Field(None, title=N_("Shipping address"))
    InvoiceItems: list[InvoiceItem] = Field(default_factory=list, title=N_("Invoice lines"))
    TermDiscounts: list[TermDiscount] = Field(default_factory=list, title=N_("Term discounts"))

    @field_validator("DueDate", "PostingDate", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return parse_datetime(value)

    @field_validator("InvoiceItems", "TermDiscounts", mode="before")
    @classmethod
    def _null_lists(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("Email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return _check_email(value)

    @field_validator("CopyEmail", mode="before")
    @classmethod
    def _copy_list(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "; ".join(str(v).strip() for v in value if str(v).strip()) or None
        return value

    @field_validator("CopyEmail")
    @classmethod
    def _copy_emails(cls, value: str | None) -> str | None:
        if value is None:
            return None
        bad = [a for a in re.split(r"[;,]", value) if a.strip() and not _EMAIL.fullmatch(a.strip())]
        if bad:
            raise ValueError(
                _("“{address}” is not an e-mail address (separate addresses with “;”).").format(address=bad[0].strip())
            )
        return value

    @field_validator("SendNewInvoiceEmail", "Status", mode="before")
    @classmethod
    def _choice_case(cls, value: Any) -> Any:
        return value.strip().capitalize() if isinstance(value, str) and value.strip() else value

    @model_validator(mode="after")
    def _number_lines(self) -> InvoicePost:
        if self.InvoiceItems and all(item.Sequence is None for item in self.InvoiceItems):
            for number, item in enumerate(self.InvoiceItems, start=1):
                item.Sequence = number
        return self
