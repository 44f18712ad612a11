"""Facts read from a document: a value, its source, and whether it is sure or only guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..stored_text import Text


class Source(StrEnum):
    """Where a value came from, most trusted first (the order `fill` applies)."""

    TYPED = "typed"  # the clerk typed or confirmed it: their word beats any document
    EINVOICE = "e-invoice"  # Factur-X / ZUGFeRD / XRechnung embedded, or a CII/UBL .xml beside the PDF
    SHEET = "sheet"  # a CSV/XLSX row naming the file
    FILE_NAME = "file name"  # the clerk's pattern for this provider
    TEMPLATE = "issuer template"  # a per-issuer template over the PDF's text
    PDF_TEXT = "PDF text"  # a labelled value found in the PDF's text: a guess until confirmed

    @property
    def sure(self) -> bool:
        return self is not Source.PDF_TEXT

    @property
    def rank(self) -> int:
        return list(Source).index(self)


# The neutral names every source speaks. Providers map them onto their own form fields (`document_fields`).
FACT_NAMES = (
    "invoice_number",
    "issue_date",
    "due_date",
    "order_reference",
    "tracking_number",
    "buyer_id",
    "buyer_name",
    "buyer_email",
    "buyer_street",
    "buyer_city",
    "buyer_postcode",
    "buyer_country",
    "currency",
    "total_lines",
    "total_tax",
    "total_grand",
    "total_due",
    "lines",  # a list of {"name", "quantity", "unit_price", "vat_rate", "gtin", "amount"}
)


@dataclass(frozen=True)
class Value:
    value: Any
    source: Source
    detail: str = ""  # e.g. the sheet's row, the template's issuer, the label the text showed

    @property
    def sure(self) -> bool:
        return self.source.sure


@dataclass
class Facts:
    """What one source (or all of them together) knows about one document."""

    values: dict[str, Value] = field(default_factory=dict)
    problems: list[Text] = field(default_factory=list)  # plain sentences: what could not be read, and why

    def put(self, name: str, value: Any, source: Source, detail: str = "") -> None:
        if value is None or value == "" or value == []:
            return
        self.values[name] = Value(value, source, detail)

    def get(self, name: str) -> Any:
        found = self.values.get(name)
        return found.value if found else None

    def merged_under(self, more_trusted: Facts) -> Facts:
        """These facts with `more_trusted`'s values taking precedence name by name."""
        out = Facts(dict(self.values), [*more_trusted.problems, *self.problems])
        for name, value in more_trusted.values.items():
            mine = out.values.get(name)
            if mine is None or value.source.rank <= mine.source.rank:
                out.values[name] = value
        return out
