"""PayFabric totals that do not add up: a line's extended price, the lines against the subtotal, the amount against
subtotal, tax, freight, misc. cost and discount, and the balance due against the amount. Warnings only, never a
refusal: the clerk may know better (e.g. a partly paid invoice)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..core.i18n import _
from ._payfabric_wire import CENT, wire_amount

if TYPE_CHECKING:
    from .payfabric_form import InvoiceItem, InvoicePost


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def totals_warnings(form: InvoicePost) -> list[str]:
    """Totals that do not add up. Never a refusal: the clerk may know better (e.g. a partly paid invoice)."""
    out = [warning for index, item in enumerate(form.InvoiceItems, start=1) if (warning := _line_price(index, item))]
    priced = [item.ExtendedPrice for item in form.InvoiceItems if item.ExtendedPrice is not None]
    line_sum = sum(priced, Decimal(0)) if priced else None
    if line_sum is not None and form.SubTotal is not None and _cents(line_sum) != _cents(form.SubTotal):
        out.append(
            _("The lines add up to {sum}, but the subtotal is {subtotal}.").format(
                sum=wire_amount(line_sum), subtotal=wire_amount(form.SubTotal)
            )
        )
    base = form.SubTotal if form.SubTotal is not None else line_sum
    if base is not None and (warning := _amount(form, base)):
        out.append(warning)
    if form.Amount >= 0 and form.BalanceDue > form.Amount:
        out.append(
            _("The balance due ({balance}) is more than the invoice amount ({amount}).").format(
                balance=wire_amount(form.BalanceDue), amount=wire_amount(form.Amount)
            )
        )
    return out


def _line_price(index: int, item: InvoiceItem) -> str | None:
    """A line whose extended price is not quantity × unit price (less its markdown, if it has one)."""
    computed = item.computed_price
    if computed is None or item.ExtendedPrice is None:
        return None
    allowed = {_cents(computed)}
    if item.Markdown:
        allowed.add(_cents(computed - item.Markdown))
    if _cents(item.ExtendedPrice) in allowed:
        return None
    return _("Line {line} ({item}): the extended price {price} is not quantity × unit price = {computed}.").format(
        line=index,
        item=item.ItemCode,
        price=wire_amount(item.ExtendedPrice),
        computed=wire_amount(computed),
    )


def _amount(form: InvoicePost, base: Decimal) -> str | None:
    """The amount against `base` (the subtotal, else the lines' sum) plus tax (the lines' when the invoice has none),
    freight and misc. cost, minus the discount."""
    tax = form.Tax
    if tax is None:
        line_taxes = [item.TaxAmount for item in form.InvoiceItems if item.TaxAmount is not None]
        tax = sum(line_taxes, Decimal(0)) if line_taxes else Decimal(0)
    expected = base + tax + (form.Freight or 0) + (form.MiscCost or 0) - (form.Discount or 0)
    if _cents(expected) == _cents(form.Amount):
        return None
    sentence = (
        _("The amount is {amount}, but the subtotal plus tax, freight and misc. cost minus discount make {sum}.")
        if form.SubTotal is not None
        else _("The amount is {amount}, but the lines plus tax, freight and misc. cost minus discount make {sum}.")
    )
    return sentence.format(amount=wire_amount(form.Amount), sum=wire_amount(expected))
