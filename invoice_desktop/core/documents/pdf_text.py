"""A PDF's own text (via pypdfium2, the app's one PDF library): labelled values as guesses, and per-issuer
templates in invoice2data's YAML format that turn a known issuer's layout into sure values."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import N_, Msg, _
from ..stored_text import Text
from .facts import Facts, Source
from .numbers import parse_amount, parse_date

log = logging.getLogger(__name__)

MAX_PAGES = 3  # invoices state their numbers on the first pages; a 300-page annex is not read for them


def pdf_text(path: Path, max_pages: int = MAX_PAGES) -> str:
    """The text of the first pages, or "" when the PDF has none (a scan) or cannot be opened."""
    import pypdfium2 as pdfium

    from ..content_pdf import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium takes one thread at a time; a dropped file's check may be running
        try:
            document = pdfium.PdfDocument(str(path))
        except Exception as exc:  # damaged or password-protected: the row says so elsewhere
            log.info(N_("No text could be read from %(file)s: %(error)s"), {"file": path.name, "error": exc})
            return ""
        try:
            texts = []
            for index in range(min(len(document), max_pages)):
                page = document[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_bounded())
                textpage.close()
                page.close()
            return "\n".join(texts).replace("\r\n", "\n")
        finally:
            document.close()


# Labels as invoices print them (English, German, Spanish, French, Swedish) → the fact they introduce.
_VALUE = r"[:#.]?\s*(?:no\.?|nr\.?|number|nummer|n[°º]\.?)?\s*[:#]?\s*"
_LABELS: dict[str, str] = {
    "invoice_number": r"(?:invoice|rechnung|factura|facture|faktura)\s*(?:no\.?|nr\.?|number|nummer|#|n[°º]|número)",
    "order_reference": r"(?:order|purchase order|po|bestellung|bestellnummer|auftrag|pedido|commande|order)",
    "tracking_number": r"(?:tracking|sendungsnummer|seguimiento|suivi|kolli-?id)",
    "issue_date": (
        r"(?:invoice date|rechnungsdatum|fecha de factura|date de facture|fakturadatum|"
        r"(?<!due )(?<!payment )date|datum|fecha)"
    ),
    "due_date": r"(?:due date|payment due|fällig(?:keitsdatum)?|vencimiento|échéance|förfallodatum)",
    "total_due": r"(?:amount due|balance due|zu zahlen|a pagar|net à payer|att betala)",
    "total_grand": r"(?:grand total|total|gesamtbetrag|gesamt|summe|importe total|total ttc|summa)",
}
_TOKEN = {
    "invoice_number": r"([A-Z0-9][A-Z0-9\-/_.]{1,40})",
    "order_reference": r"([A-Z0-9][A-Z0-9\-/_.]{1,40})",
    "tracking_number": r"([A-Z0-9][A-Z0-9\-]{4,40})",
    "issue_date": r"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})",
    "due_date": r"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})",
    "total_due": r"(-?[\d.,\u00a0\u202f ]*\d)",
    "total_grand": r"(-?[\d.,\u00a0\u202f ]*\d)",
}


def guess_from_text(text: str) -> Facts:
    """Labelled values found in the text: guesses (highlighted until the clerk confirms them)."""
    facts = Facts()
    for name, label in _LABELS.items():
        pattern = re.compile(rf"(?im)^.*?\b{label}\b{_VALUE}{_TOKEN[name]}")
        match = pattern.search(text)
        if not match:
            continue
        raw = match.group(1).strip().rstrip(".")
        value = _typed(name, raw)
        if value is not None:
            facts.put(name, value, Source.PDF_TEXT, f"“{match.group(0).strip()}”")
    return facts


def _typed(name: str, raw: str, date_formats: tuple[str, ...] | None = None) -> Any:
    if name.endswith("_date"):
        return parse_date(raw, date_formats) if date_formats else parse_date(raw)
    if name.startswith("total_"):
        return parse_amount(raw)
    return raw


# -- invoice2data-style templates ---------------------------------------------------------------------------------

# invoice2data's field names → ours (our own names are accepted as they are).
_INVOICE2DATA_NAMES = {
    "amount": "total_grand",
    "amount_untaxed": "total_lines",
    "amount_tax": "total_tax",
    "vat": "total_tax",
    "date": "issue_date",
    "date_due": "due_date",
    "po_number": "order_reference",
}


@dataclass
class Template:
    issuer: str
    keywords: list[str]
    fields: dict[str, list[str]]  # our fact name → regular expressions (the first group is the value)
    exclude_keywords: list[str] = field(default_factory=list)
    date_formats: tuple[str, ...] = ()
    currency: str | None = None
    origin: str = ""

    def matches(self, text: str) -> bool:
        return all(re.search(k, text) for k in self.keywords) and not any(
            re.search(k, text) for k in self.exclude_keywords
        )

    def read(self, text: str) -> Facts:
        facts = Facts()
        detail = f"template “{self.issuer}”"
        for name, regexes in self.fields.items():
            for regex in regexes:
                match = re.search(regex, text)
                if match:
                    raw = (match.group(1) if match.groups() else match.group(0)).strip()
                    value = _typed(name, raw, self.date_formats or None)
                    if value is not None:
                        facts.put(name, value, Source.TEMPLATE, detail)
                        break
            else:
                facts.problems.append(
                    Msg(
                        "The template “{issuer}” found no {field} in this document.",
                        issuer=self.issuer,
                        field=name.replace("_", " "),
                    )
                )
        if self.currency:
            facts.put("currency", self.currency, Source.TEMPLATE, detail)
        return facts


def load_templates(paths: Iterable[Path]) -> tuple[list[Template], list[Text]]:
    """Templates from YAML files (invoice2data's format); a broken file is a problem, not a crash."""
    import yaml

    templates: list[Template] = []
    problems: list[Text] = []
    for path in sorted(paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            templates.append(_template(data, path.name))
        except Exception as exc:
            problems.append(
                Msg("The template {name} could not be read ({error}); it is not used.", name=path.name, error=str(exc))
            )
    return templates, problems


def _template(data: Any, origin: str) -> Template:
    if not isinstance(data, dict) or not data.get("issuer") or not data.get("keywords") or not data.get("fields"):
        raise ValueError(_("it needs issuer, keywords and fields"))
    fields: dict[str, list[str]] = {}
    for name, spec in data["fields"].items():
        ours = _INVOICE2DATA_NAMES.get(name, name)
        if isinstance(spec, str):
            regexes = [spec]
        elif isinstance(spec, dict) and spec.get("parser", "regex") == "regex":
            regex = spec.get("regex")
            regexes = [regex] if isinstance(regex, str) else list(regex or [])
        elif isinstance(spec, list):
            regexes = [str(r) for r in spec]
        else:
            continue  # invoice2data parsers we do not implement (lines, static) are left out
        for regex in regexes:
            re.compile(regex)  # a bad expression is the file's problem, said when loading
        fields[ours] = regexes
    options = data.get("options") or {}
    keywords = data["keywords"] if isinstance(data["keywords"], list) else [data["keywords"]]
    excluded = data.get("exclude_keywords") or []
    return Template(
        issuer=str(data["issuer"]),
        keywords=[str(k) for k in keywords],
        fields=fields,
        exclude_keywords=[str(k) for k in excluded],
        date_formats=tuple(options.get("date_formats") or ()),
        currency=options.get("currency"),
        origin=origin,
    )


def read_text_facts(text: str, templates: list[Template]) -> Facts:
    """A matching template's sure values over the labelled guesses."""
    guesses = guess_from_text(text)
    for template in templates:
        if template.matches(text):
            return guesses.merged_under(template.read(text))
    return guesses
