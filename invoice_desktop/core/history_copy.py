"""Move a history: copy a computer's attempts into the office's shared server (or the reverse), without duplicates.

`invoice-desktop history copy --to URL` (and `--from URL`) lets an office start sharing without losing its past.
Every attempt is copied with its exchanges, targets and clerk under a new number in the destination (a retry still
points at the attempt it sent again, renumbered); what only made sense on the source computer stays behind: the
file's path (its name, size and SHA-256 travel) and the private snapshot. An attempt the source still had
`sending` arrives as interrupted ("may have arrived"): no lease from another computer can be renewed there.

No duplicates, however often it runs and in whichever direction: each attempt has an origin key — the one it was
copied with, or else a fingerprint of its own number, time, provider, environment, address, form and file name —
kept in the copy's options as `copied_from`; an attempt whose key the destination already holds is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .history import INTERRUPTED, INTERRUPTED_SUMMARY, SENDING, History
from .i18n import _, ngettext
from .stored_text import encode

PAGE = 500

_SOURCE_COLUMNS = (
    "id, created_at, updated_at, provider, environment, base_url, file_name, file_size, form_json, options_json, "
    "state, summary, provider_code, provider_message, result_json, resume_json, retry_of, snapshot_sha256, clerk"
)


@dataclass
class CopyReport:
    copied: int = 0
    already_there: int = 0
    exchanges: int = 0

    def sentence(self, to_shared: bool) -> str:
        copied = (
            ngettext(
                "Copied {n} attempt ({exchanges} exchanges) to the shared history.",
                "Copied {n} attempts ({exchanges} exchanges) to the shared history.",
                self.copied,
            )
            if to_shared
            else ngettext(
                "Copied {n} attempt ({exchanges} exchanges) to this computer's history.",
                "Copied {n} attempts ({exchanges} exchanges) to this computer's history.",
                self.copied,
            )
        ).format(n=self.copied, exchanges=self.exchanges)
        there = (
            " "
            + ngettext("{n} was there already.", "{n} were there already.", self.already_there).format(
                n=self.already_there
            )
            if self.already_there
            else ""
        )
        return copied + there + " " + _("File paths and snapshots stay on the computer they were made on.")


def origin_key(
    attempt_id: int, created_at: str, provider: str, environment: str, base_url: str, form_json: str, file_name: Any
) -> str:
    """The fingerprint of an attempt in the history it was made in."""
    text = "\x1f".join(str(x) for x in (attempt_id, created_at, provider, environment, base_url, form_json, file_name))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key_of(options_json: str, *fields: Any) -> str:
    """The key an attempt was copied with, else its own fingerprint (`fields` as `origin_key` takes them)."""
    try:
        kept = json.loads(options_json or "{}").get("copied_from")
    except (ValueError, AttributeError):
        kept = None
    return str(kept) if kept else origin_key(*fields)


def _keys_in(history: History) -> dict[str, int]:
    """Origin key → attempt number, for every attempt `history` holds."""
    found: dict[str, int] = {}
    last = 0
    while True:
        rows = history.read(
            "SELECT id, created_at, provider, environment, base_url, form_json, file_name, options_json "
            "FROM attempts WHERE id > ? ORDER BY id LIMIT ?",
            (last, PAGE),
        )
        for id_, created, provider, env, url, form, name, options in rows:
            found[_key_of(options, id_, created, provider, env, url, form, name)] = int(id_)
        if len(rows) < PAGE:
            return found
        last = int(rows[-1][0])


def copy_history(source: History, destination: History, *, progress: Callable[[int], None] | None = None) -> CopyReport:
    """Copy every attempt of `source` that `destination` does not hold yet; `progress(n)` after each page."""
    report = CopyReport()
    known = _keys_in(destination)
    renumbered: dict[int, int] = {}  # source number → destination number
    last = 0
    while True:
        page = source.read(f"SELECT {_SOURCE_COLUMNS} FROM attempts WHERE id > ? ORDER BY id LIMIT ?", (last, PAGE))
        if not page:
            return report
        last = int(page[-1][0])
        fresh = []
        for row in page:
            id_, created, _, provider, env, url, name, _, form, options = row[:10]
            key = _key_of(options, id_, created, provider, env, url, form, name)
            if key in known:
                renumbered[int(id_)] = known[key]
                report.already_there += 1
            else:
                fresh.append((key, row))
        if fresh:
            ids = [int(row[0]) for _, row in fresh]
            marks = ",".join("?" * len(ids))
            targets = source.read(
                f"SELECT attempt_id, target FROM attempt_targets WHERE attempt_id IN ({marks}) "
                f"ORDER BY attempt_id, {source._TARGETS_ORDER}",  # the order they were added in, per engine
                ids,
            )
            exchanges = source.read(
                f"SELECT attempt_id, exchange_json FROM exchanges WHERE attempt_id IN ({marks}) ORDER BY id", ids
            )
            added = int(destination.write(_page_writer(fresh, targets, exchanges, renumbered)))
            for key, row in fresh:
                known[key] = renumbered[int(row[0])]
            report.copied += len(fresh)
            report.exchanges += added
        if progress is not None:
            progress(report.copied + report.already_there)


def _page_writer(
    fresh: list[tuple[str, tuple[Any, ...]]],
    targets: list[tuple[Any, ...]],
    exchanges: list[tuple[Any, ...]],
    renumbered: dict[int, int],
) -> Callable[[Any], int]:
    return lambda db: _insert_page(db, fresh, targets, exchanges, renumbered)


def _insert_page(
    db: Any,
    fresh: list[tuple[str, tuple[Any, ...]]],
    targets: list[tuple[Any, ...]],
    exchanges: list[tuple[Any, ...]],
    renumbered: dict[int, int],
) -> int:
    """One page in one transaction: kept whole or not at all (a rerun then copies it)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        mine: dict[int, int] = {}
        for key, row in fresh:
            (id_, created, updated, provider, env, url, name, size, form, options, state, summary, code, message,
             result, resume, retry_of, sha256, clerk) = row  # fmt: skip
            kept = json.loads(options or "{}")
            kept["copied_from"] = key
            if state == SENDING:  # its sender's lease cannot be renewed here
                state, summary = INTERRUPTED, encode(INTERRUPTED_SUMMARY)
            parent = renumbered.get(int(retry_of)) if retry_of is not None else None
            cur = db.execute(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, "
                "file_size, form_json, options_json, state, summary, provider_code, provider_message, result_json, "
                "resume_json, retry_of, snapshot_sha256, clerk) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "RETURNING id",
                (
                    created,
                    updated,
                    provider,
                    env,
                    url,
                    name,
                    size,
                    form,
                    json.dumps(kept),
                    state,
                    summary,
                    code,
                    message,
                    result,
                    resume,
                    parent,
                    sha256,
                    clerk,  # who made it, wherever it is copied to
                ),
            )
            mine[int(id_)] = int(cur.fetchone()[0])
            renumbered[int(id_)] = mine[int(id_)]
        db.executemany(
            "INSERT INTO attempt_targets (attempt_id, target) VALUES (?, ?)",
            [(mine[int(a)], t) for a, t in targets],
        )
        db.executemany(
            "INSERT INTO exchanges (attempt_id, exchange_json) VALUES (?, ?)",
            [(mine[int(a)], text) for a, text in exchanges],
        )
    except BaseException:
        db.execute("ROLLBACK")
        for id_ in [int(row[0]) for _, row in fresh]:
            renumbered.pop(id_, None)
        raise
    db.execute("COMMIT")
    return len(exchanges)
