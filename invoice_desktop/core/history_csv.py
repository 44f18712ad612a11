"""The History as a CSV file, for month-end: every attempt a search matches, not only the rows on screen."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TextIO

from .history import History, HistoryQuery, HistoryRow
from .i18n import N_, _

# The column titles, in the clerk's language when written (the outcome column keeps its codes).
HEADER = (
    N_("Attempt"),
    N_("Retry of"),
    N_("Time"),
    N_("Provider"),
    N_("Environment"),
    N_("What"),
    N_("File"),
    N_("Outcome"),
    N_("Summary"),
    N_("Provider code"),
    N_("Provider message"),
)
PAGE = 1000


def matching_rows(history: History, query: HistoryQuery) -> Iterator[HistoryRow]:
    """Every row `query` matches, newest first, a page at a time (the whole history never sits in memory)."""
    page = history.rows(query, limit=PAGE)
    while page:
        yield from page
        page = history.rows(query, before_id=page[-1].id, limit=PAGE)


def write_csv(rows: Iterator[HistoryRow], out: TextIO, provider_names: Mapping[str, str]) -> int:
    """Write `rows` with a header line; returns how many rows were written."""
    writer = csv.writer(out)
    writer.writerow([_(title) for title in HEADER])
    count = 0
    for r in rows:
        writer.writerow(
            (
                r.id,
                r.retry_of or "",
                r.created_at,
                provider_names.get(r.provider, r.provider),
                r.environment,
                r.description,
                r.file_name or "",
                r.state,
                r.summary,
                r.provider_code or "",
                r.provider_message or "",
            )
        )
        count += 1
    return count


def export_csv(history: History, query: HistoryQuery, path: Path, provider_names: Mapping[str, str]) -> int:
    """Write the attempts `query` matches to `path` (UTF-8 with a byte-order mark, so spreadsheet programs read
    "Müller" right); returns how many. The file appears only when complete."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            count = write_csv(matching_rows(history, query), out, provider_names)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
