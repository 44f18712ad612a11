"""The batch report for the month-end file: one CSV line per row, each value with its source."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .i18n import _
from .outbox import Batch
from .provider import Provider


def export_csv(batch: Batch, provider: Provider, path: Path) -> Path:
    """The batch report for the month-end file: one line per row, each value with its source."""
    fields = list(provider.document_fields)
    for row in batch.rows:
        fields.extend(name for name in row.values if name not in fields)
    out = path
    with out.open("w", encoding="utf-8-sig", newline="") as fh:  # with a BOM: Excel reads it as UTF-8
        writer = csv.writer(fh)
        head = [_("Row"), _("File"), _("Status"), _("Message"), _("Target"), _("Attempt"), "SHA-256"]
        # Translators: the column beside a form field's value that says where the value came from.
        writer.writerow(head + [h for f in fields for h in (f, _("{field} source").format(field=f))])
        for row in batch.rows:
            cells: list[Any] = [
                row.position,
                row.file_name,
                row.status,
                row.message,
                row.target or "",
                row.attempt_id or "",
                row.snapshot_sha256 or "",
            ]
            for name in fields:
                cell = row.values.get(name)
                value = "" if cell is None else cell.value
                if isinstance(value, list | dict):
                    value = json.dumps(value, ensure_ascii=False)
                cells += [value, "" if cell is None else cell.source]
            writer.writerow(cells)
    return out
