"""Turning dropped paths into a batch's rows, each filled from its document (no Qt, no network).

Folders are expanded; a PDF and an .xml of the same base name beside it are one row (the XML fills it, the PDF is
sent); an XML with no document is listed as "nothing to send"; a file the provider cannot take is listed as
refused with the rule. Nothing given is silently dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import snapshots
from .attachments import AttachmentRefused
from .documents.fill import fill_row
from .documents.pdf_text import Template
from .documents.sheet import Sheet
from .i18n import Msg
from .outbox import NOTHING_TO_SEND, READY, REFUSED, BatchRow, Cell, jsonable
from .provider import Provider

log = logging.getLogger("invoice_desktop.batch")

XML_SUFFIXES = (".xml",)


@dataclass
class Found:
    """One row to be: the document that is sent, and the e-invoice XML beside it (if any)."""

    document: Path | None
    xml: Path | None = None
    refusal: str = ""


@dataclass
class Sources:
    """What fills the rows besides the documents themselves."""

    sheet: Sheet | None = None
    name_pattern: re.Pattern[str] | None = None
    templates: list[Template] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Every file under `paths` (folders walked, hidden files and folders skipped), in a stable order, and the
    paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden:
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(str(given))
    return list(dict.fromkeys(files)), missing


def pair(files: list[Path]) -> list[Found]:
    """Documents with the .xml of the same base name beside them; an XML alone is a row with nothing to send."""
    by_stem: dict[tuple[Path, str], list[Path]] = {}
    for f in files:
        by_stem.setdefault((f.parent, f.stem.casefold()), []).append(f)
    out: list[Found] = []
    for f in files:
        if f.suffix.lower() in XML_SUFFIXES:
            siblings = [s for s in by_stem[(f.parent, f.stem.casefold())] if s.suffix.lower() not in XML_SUFFIXES]
            if not siblings:
                out.append(Found(None, f))
            continue
        xmls = [s for s in by_stem[(f.parent, f.stem.casefold())] if s.suffix.lower() in XML_SUFFIXES]
        out.append(Found(f, xmls[0] if xmls else None))
    return out


def build_row(provider: Provider, position: int, found: Found, sources: Sources) -> BatchRow:
    """One row: the file checked and snapshotted (what is checked is what is sent), then filled from it."""
    if found.document is None:
        assert found.xml is not None
        return BatchRow(
            position,
            found.xml.name,
            str(found.xml),
            NOTHING_TO_SEND,
            message=Msg(
                "{name} is an e-invoice with no document beside it: there is nothing to send. Put the PDF of the same "
                "name ({stem}.pdf) in the same folder.",
                name=found.xml.name,
                stem=found.xml.stem,
            ),
        )
    document = found.document
    row = BatchRow(position, document.name, str(document), READY)
    rules = provider.attachment
    if rules is None or not rules.extension_allowed(document.name):
        row.status = REFUSED
        if rules is None:
            row.message = Msg("{provider} takes no files.", provider=provider.name)
        elif document.suffix:
            row.message = Msg(
                "{provider} does not take {extension} files: it takes {accepted}.",
                provider=provider.name,
                extension=document.suffix,
                accepted=rules.describe(),
            )
        else:
            row.message = Msg(
                "{provider} does not take this kind of files: it takes {accepted}.",
                provider=provider.name,
                accepted=rules.describe(),
            )
        return row
    try:
        checked, snap = snapshots.take_and_check(document, rules)
    except AttachmentRefused as exc:
        row.status, row.message = REFUSED, exc.message
        return row
    row.snapshot_path, row.snapshot_sha256, row.file_size = str(snap.path), snap.sha256, snap.size
    row.problems.extend(checked.warnings)
    filled = fill_row(
        snap.path,  # the copy that was checked and will be sent (it keeps the clerk's file name)
        document_fields=provider.document_fields,
        sheet=sources.sheet,
        name_pattern=sources.name_pattern,
        templates=sources.templates,
        xml_beside=found.xml,
    )
    row.values = {name: Cell(jsonable(v.value), str(v.source), v.detail) for name, v in filled.values.items()}
    row.problems.extend(filled.problems)
    return row


def build_rows(
    provider: Provider,
    found: list[Found],
    sources: Sources,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[BatchRow]:
    rows: list[BatchRow] = []
    for position, item in enumerate(found, start=1):
        if cancelled():
            for row in rows:  # nothing was kept: the snapshots taken so far go too
                snapshots.discard(row.snapshot_path)
            return []
        rows.append(build_row(provider, position, item, sources))
        if progress:
            progress(position, len(found))
    return rows
