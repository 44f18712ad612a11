"""Fill one batch row from everything known about its document, in the order of trust:
e-invoice (embedded or a CII/UBL .xml beside it) → sheet row → file-name pattern → issuer template → PDF text
(guessed). Each form field gets one `Value` saying where it came from; a guess stays marked until confirmed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import Msg
from ..stored_text import Text
from . import einvoice, pdf_text
from .facts import Facts, Source, Value
from .names import values_from_name
from .sheet import Sheet

# A provider's `document_fields`: form field (dotted for nested: "BillingAddress.City") → a fact name, or a
# function of the facts (e.g. turning the e-invoice's lines into the provider's line items).
DocumentFields = Mapping[str, "str | Callable[[Facts], Any]"]


@dataclass
class RowFill:
    values: dict[str, Value] = field(default_factory=dict)  # form field → value with its source
    problems: list[Text] = field(default_factory=list)
    einvoice_name: str | None = None  # the e-invoice that filled the row, if any

    def form_data(self) -> dict[str, Any]:
        """The values as the form model takes them (dotted names nested)."""
        data: dict[str, Any] = {}
        for name, value in self.values.items():
            target = data
            *parents, last = name.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = value.value
        return data

    @property
    def guessed(self) -> list[str]:
        return [name for name, value in self.values.items() if not value.sure]


def fill_row(
    document: Path,
    *,
    document_fields: DocumentFields,
    sheet: Sheet | None = None,
    name_pattern: re.Pattern[str] | None = None,
    templates: list[pdf_text.Template] | None = None,
    xml_beside: Path | None = None,
) -> RowFill:
    row = RowFill()
    is_pdf = document.suffix.lower() == ".pdf"

    # 1. The e-invoice: sure, and the most complete.
    facts = Facts()
    if xml_beside is not None:
        facts = einvoice.read_xml(xml_beside.read_bytes(), xml_beside.name)
        row.einvoice_name = xml_beside.name if facts.values else None
    elif is_pdf and (embedded := einvoice.embedded_xml(document)) is not None:
        facts = einvoice.read_xml(embedded[1], f"{document.name} ({embedded[0]})")
        row.einvoice_name = embedded[0] if facts.values else None
    row.problems.extend(facts.problems)

    # 4-5. The PDF's text (only when no e-invoice said it all): a template's sure values over guesses.
    if is_pdf and not facts.values:
        text = pdf_text.pdf_text(document)
        if text.strip():
            text_facts = pdf_text.read_text_facts(text, templates or [])
            facts = text_facts.merged_under(facts)
            row.problems.extend(text_facts.problems)
    _map_facts(row, facts, document_fields)

    # 3. The file name, by the clerk's pattern: form fields directly, or fact names mapped.
    if name_pattern is not None:
        found = values_from_name(name_pattern, document.name)
        if found is None:
            row.problems.append(Msg("The file-name pattern does not match “{name}”.", name=document.name))
        else:
            named = Facts()
            for name, value in found.items():
                named.put(name, value, Source.FILE_NAME, document.name)
            _take(row, _direct_and_mapped(named, document_fields))

    # 2. The sheet's row: form fields by name or label.
    if sheet is not None:
        entry = sheet.row_for(document.name)
        if entry is not None:
            values, number = entry
            detail = f"{sheet.path.name}, row {number}"
            _take(row, {name: Value(value, Source.SHEET, detail) for name, value in values.items()})
    return row


def _map_facts(row: RowFill, facts: Facts, document_fields: DocumentFields) -> None:
    _take(row, _direct_and_mapped(facts, document_fields))


def _direct_and_mapped(facts: Facts, document_fields: DocumentFields) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for form_field, source in document_fields.items():
        if callable(source):
            produced = source(facts)
            if produced not in (None, [], {}):
                # The least trusted source among the facts it used is what the clerk is told.
                used = [v for v in facts.values.values()]
                weakest = max(used, key=lambda v: v.source.rank) if used else Value(None, Source.TYPED)
                out[form_field] = Value(produced, weakest.source, weakest.detail)
        elif source in facts.values:
            out[form_field] = facts.values[source]
    for name, value in facts.values.items():  # a pattern or sheet may name the form's own fields
        if name in document_fields and name not in out:
            out[name] = value
    return out


def _take(row: RowFill, offered: dict[str, Value]) -> None:
    """Keep, field by field, the more trusted of what the row has and what is offered."""
    for name, value in offered.items():
        mine = row.values.get(name)
        if mine is None or value.source.rank < mine.source.rank:
            row.values[name] = value
