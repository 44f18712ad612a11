"""DDAPI's form: a customer's invoicing settings (`CustomerInvoicePostRequest` without its namespace), the field
lists the wire format and the provider share, and what counts as an unknown field.

Kept apart from `ddapi` (the provider) and `_ddapi_wire` (JSON/XML in and out); the leading "_" keeps provider
discovery from importing it as a provider.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.i18n import N_, _

INT32_MAX = 2**31 - 1
EMAIL_MAX = 50

INT_FIELDS = (
    "CurrencyId",
    "TermsOfPaymentId",
    "InvoiceTypeId",
    "InterestTypeId",
    "InvoiceCycleId",
    "InvoiceRecipientCustomerNumber",
    "CreditAccountId",
)
BOOL_FIELDS = (
    "RetainsInvoiceType",
    "PaysInvoiceFee",
    "AllowInvoicePaymentFromOrder",
    "SendInvoiceFromOrderAsEmail",
    "ReverseTax",
)
EMAIL_FIELD = "InvoiceOrderPaymentEmailAddress"
# The order of the documentation's JSON sample (and of the form).
FIELD_ORDER = (
    "CustomerNumber",
    "RetainsInvoiceType",
    "CurrencyId",
    "TermsOfPaymentId",
    "PaysInvoiceFee",
    "InvoiceTypeId",
    "InterestTypeId",
    "InvoiceCycleId",
    "InvoiceRecipientCustomerNumber",
    "CreditAccountId",
    "AllowInvoicePaymentFromOrder",
    "SendInvoiceFromOrderAsEmail",
    EMAIL_FIELD,
    "ReverseTax",
)
SETTING_FIELDS = tuple(n for n in FIELD_ORDER if n != "CustomerNumber")

# A practical e-mail address check without a new dependency: one @, no spaces or quoting characters in the local
# part, a domain of dot-separated labels (letters of any script, digits, hyphens inside) ending in a 2+ letter TLD.
_EMAIL = re.compile(r"[^@\s\"(),:;<>\[\]\\]+(?<!\.)@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}")


def _utf16_length(text: str) -> int:
    """String length as .NET counts it (UTF-16 code units): what the server's 50-character limit measures."""
    return len(text.encode("utf-16-le")) // 2


class DDAPIForm(BaseModel):
    """A customer's invoicing settings. None means "not known yet" (not loaded or not entered)."""

    model_config = ConfigDict(title=N_("Customer invoicing settings"), str_strip_whitespace=True)

    CustomerNumber: int = Field(
        title=N_("Customer number"),
        ge=1,
        le=INT32_MAX,
        description=N_("The customer in DäckData whose invoicing is set. Enter it first: the current settings load."),
        json_schema_extra={"placeholder": N_("e.g. 1")},
    )
    RetainsInvoiceType: bool | None = Field(None, title=N_("Keeps its invoice type"))
    CurrencyId: int | None = Field(
        None,
        title=N_("Currency (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The currency's number in your DäckData installation."),
    )
    TermsOfPaymentId: int | None = Field(
        None,
        title=N_("Terms of payment (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The payment terms' number in your DäckData installation."),
    )
    PaysInvoiceFee: bool | None = Field(None, title=N_("Pays the invoice fee"))
    InvoiceTypeId: int | None = Field(
        None,
        title=N_("Invoice type (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The invoice type's number in your DäckData installation."),
    )
    InterestTypeId: int | None = Field(
        None,
        title=N_("Interest type (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The interest type's number in your DäckData installation."),
    )
    InvoiceCycleId: int | None = Field(
        None,
        title=N_("Invoice cycle (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The invoicing cycle's number in your DäckData installation."),
    )
    InvoiceRecipientCustomerNumber: int | None = Field(
        None,
        title=N_("Invoice recipient (customer number)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The customer who receives the invoices (often the customer itself)."),
    )
    CreditAccountId: int | None = Field(
        None,
        title=N_("Credit account (id)"),
        ge=0,
        le=INT32_MAX,
        description=N_("The credit account's number in your DäckData installation."),
    )
    AllowInvoicePaymentFromOrder: bool | None = Field(None, title=N_("Allow invoice payment from an order"))
    SendInvoiceFromOrderAsEmail: bool | None = Field(None, title=N_("Send the invoice from an order by e-mail"))
    InvoiceOrderPaymentEmailAddress: str | None = Field(
        None,
        title=N_("E-mail for order-payment invoices"),
        max_length=EMAIL_MAX,
        description=N_("At most 50 characters. Leave empty for no address."),  # 50: EMAIL_MAX
        json_schema_extra={"placeholder": N_("e.g. faktura@exempel.se")},
    )
    ReverseTax: bool | None = Field(None, title=N_("Reverse VAT (omvänd moms)"))

    @field_validator(EMAIL_FIELD)
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if not value:
            return value  # None: not known yet · "": no address
        if _utf16_length(value) > EMAIL_MAX:
            raise ValueError(
                _("At most {limit} characters (this one has {length}).").format(
                    limit=EMAIL_MAX, length=_utf16_length(value)
                )
            )
        # The docs only say "max length 50" (their own sample is "sample string 8"): an address that does not look
        # like one is a warning to confirm (`email_warning`), not a refusal.
        return value

    def email_warning(self) -> str | None:
        """A sentence to confirm when the e-mail address does not look like one, else None."""
        value = self.InvoiceOrderPaymentEmailAddress
        if not value or _EMAIL.fullmatch(value):
            return None
        return _(
            "The e-mail for order-payment invoices, “{address}”, does not look like an e-mail address (like "
            "name@example.se). DäckData stores it as given: correct it unless your DäckData supplier asked for it."
        ).format(address=value)

    def unknown_fields(self) -> list[str]:
        """The fields whose value the form does not know. A number or flag is unknown when None. An empty e-mail
        address is unknown only in a partial form (other fields unknown too: a partial update, a form not loaded);
        in an otherwise complete form, as after Load, it means "no address" (an emptied input gives None too)."""
        partial = any(getattr(self, n) is None for n in SETTING_FIELDS if n != EMAIL_FIELD)
        return [n for n in SETTING_FIELDS if getattr(self, n) is None and (n != EMAIL_FIELD or partial)]
