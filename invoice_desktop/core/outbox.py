"""A batch and its rows as kept in the history database (the outbox), written before anything is sent.

`Batch` and `BatchRow` are plain data that the service (core/batch.py), the window's batch table and the CLI read.
`Outbox` stores them in the `batches` / `batch_rows` tables on the history's connection, on either engine (SQLite:
schema migration 5; the shared PostgreSQL history: core/schema_pg.py), with the same SQL.
A row's form values keep where each came from (the sources of core/documents), as JSON-ready text.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .history import History, _now
from .i18n import Msg, from_stored, to_stored
from .local_format import is_decimal
from .stored_text import Text, decode, encode

# A row's status. The window shows these words; the CLI prints them.
READY = "ready"  # valid: Upload all sends it
INVALID = "invalid"  # the provider's form refuses a value, or another row has the same target: fix a cell
REFUSED = "refused"  # the provider cannot take the file (the rule is the message)
NOTHING_TO_SEND = "nothing to send"  # an e-invoice XML with no document beside it
DUPLICATE = "already sent"  # this file or target succeeded (or may have arrived) before: skipped unless ticked
SENDING = "sending"
SUCCEEDED = "succeeded"
REJECTED = "rejected"  # the provider answered with a refusal
FAILED = "failed"  # it did not arrive; Retry sends it again
UNCERTAIN = "uncertain"  # it left without a usable answer: it may have arrived; Retry asks first

_SENDING_MESSAGE = Msg("Sending…")

STATUSES = (READY, INVALID, REFUSED, NOTHING_TO_SEND, DUPLICATE, SENDING, SUCCEEDED, REJECTED, FAILED, UNCERTAIN)
# Rows Retry sends again without asking; UNCERTAIN ones only once the clerk said it did not arrive.
RETRYABLE = (REJECTED, FAILED)
# Rows that will never be sent as they are: what the batch report counts as refused.
NOT_SENDABLE = (INVALID, REFUSED, NOTHING_TO_SEND)


@dataclass
class Cell:
    """One form value and where it came from (a `Source` of core/documents: "e-invoice", "sheet", "typed", …)."""

    value: Any
    source: str
    detail: str = ""

    @property
    def guessed(self) -> bool:
        return self.source == "PDF text"


@dataclass
class BatchRow:
    position: int
    file_name: str
    file_path: str
    status: str
    values: dict[str, Cell] = field(default_factory=dict)  # form field (dotted for nested) → value
    problems: list[Text] = field(default_factory=list)  # plain sentences about the row (what could not be read…)
    field_problems: dict[str, str] = field(default_factory=dict)  # form field → the form's own message
    # The status in words: the rule broken, the provider's answer, the earlier upload (kept as code + parameters).
    message: Text = ""
    file_size: int | None = None
    snapshot_path: str | None = None  # the private copy that is checked and sent (core/snapshots.py)
    snapshot_sha256: str | None = None
    target: str | None = None  # what the provider identifies it by (order id, tracking number, invoice id)
    duplicate: dict[str, Any] | None = None  # the earlier attempt: {"attempt", "when", "target", "why", "state"}
    send_anyway: bool = False  # the clerk ticked a row that was already sent
    attempt_id: int | None = None  # the attempt it became (the newest, after retries)
    id: int | None = None

    def form_data(self) -> dict[str, Any]:
        """The values as the provider's form model takes them (dotted names nested)."""
        data: dict[str, Any] = {}
        for name, cell in self.values.items():
            target = data
            *parents, last = name.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = cell.value
        return data

    @property
    def guessed(self) -> list[str]:
        """Fields whose value is only a guess from the PDF's text (highlighted until the clerk confirms it)."""
        return [name for name, cell in self.values.items() if cell.guessed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.position,
            "file": self.file_name,
            "path": self.file_path,
            "status": self.status,
            "message": str(self.message),
            "target": self.target,
            "values": {k: {"value": c.value, "source": c.source, "detail": c.detail} for k, c in self.values.items()},
            "guessed": self.guessed,
            "problems": [str(p) for p in self.problems],
            "field_problems": self.field_problems,
            "sha256": self.snapshot_sha256,
            "size": self.file_size,
            "duplicate": self.duplicate,
            "send_anyway": self.send_anyway,
            "attempt": self.attempt_id,
        }


@dataclass
class Batch:
    provider: str
    environment: str
    rows: list[BatchRow] = field(default_factory=list)
    problems: list[Text] = field(default_factory=list)  # about the batch as a whole (the sheet, the pattern)
    settings: dict[str, Any] = field(default_factory=dict)  # the sheet and pattern it was filled with
    id: int | None = None
    created_at: str = ""
    closed: bool = False

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.status] = out.get(row.status, 0) + 1
        return out

    def row(self, row_id: int) -> BatchRow:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(f"Row {row_id} is not in batch {self.id}.")


def jsonable(value: Any) -> Any:
    """A value as it is kept and validated: amounts and dates as text (the forms parse both), lists and dicts
    alike throughout. The same in memory as after a reload, so a row validates the same before and after."""
    if is_decimal(value):  # (decimal itself is not imported here: the idle window counts unfinished batches)
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class BatchSummary:
    id: int
    created_at: str
    provider: str
    environment: str
    rows: int
    pending: int  # not settled yet: ready, failed, rejected, uncertain, sending
    closed: bool


class Outbox:
    """The batch tables, on the history's connection (so a batch and the attempts it became share one file)."""

    def __init__(self, history: History) -> None:
        self.history = history

    def insert(self, batch: Batch) -> Batch:
        """Write a new batch and all its rows in one transaction: it is kept whole or not at all."""
        now = _now()

        def write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                cur = db.execute(
                    "INSERT INTO batches (created_at, updated_at, provider, environment, settings_json, "
                    "problems_json) VALUES (?,?,?,?,?,?) RETURNING id",
                    (
                        now,
                        now,
                        batch.provider,
                        batch.environment,
                        json.dumps(batch.settings),
                        json.dumps([to_stored(p) for p in batch.problems], default=str),
                    ),
                )
                batch.id = int(cur.fetchone()[0])
                for row in batch.rows:
                    cur = db.execute(
                        "INSERT INTO batch_rows (batch_id, position, file_name, file_path, status, updated_at) "
                        "VALUES (?,?,?,?,?,?) RETURNING id",
                        (batch.id, row.position, row.file_name, row.file_path, row.status, now),
                    )
                    row.id = int(cur.fetchone()[0])
                    _update_row(db, row, now)
            except BaseException:
                db.execute("ROLLBACK")
                batch.id = None
                raise
            db.execute("COMMIT")

        self.history.write(write, patience_s=self.history.outcome_patience_s)
        batch.created_at = now
        return batch

    def save_row(self, row: BatchRow) -> None:
        now = _now()
        self.history.write(lambda db: _update_row(db, row, now), patience_s=self.history.outcome_patience_s)

    def claim(self, row: BatchRow, from_statuses: tuple[str, ...], lease_s: float) -> bool:
        """Mark the row `sending` if it still has one of `from_statuses` (another window may be sending this
        batch too: only one of them gets it). The claim lapses after `lease_s` unless an attempt was recorded.

        The claim's end is set and judged by the database's clock (the server's for a shared history), as the
        attempts' leases are: a window on a computer whose clock is ahead would otherwise see a colleague's live
        claim as lapsed and send the row a second time."""
        marks = ",".join("?" * len(from_statuses))
        cur = self.history.write(
            lambda db: db.execute(
                f"UPDATE batch_rows SET status=?, updated_at=?, message=?, claim_owner=?, "
                f"claim_until={self.history._NOW_SQL} + ? WHERE id=? AND status IN ({marks})",
                (
                    SENDING,
                    _now(),
                    encode(_SENDING_MESSAGE),
                    self.history.owner,
                    lease_s,
                    row.id,
                    *from_statuses,
                ),
            ),
            patience_s=self.history.outcome_patience_s,
        )
        if cur.rowcount == 1:
            row.status, row.message = SENDING, _SENDING_MESSAGE
            return True
        return False

    def set_closed(self, batch_id: int, closed: bool) -> None:
        self.history.write(
            lambda db: db.execute(
                "UPDATE batches SET closed=?, updated_at=? WHERE id=?", (1 if closed else 0, _now(), batch_id)
            )
        )

    def load(self, batch_id: int) -> Batch | None:
        found = self.history.read(
            "SELECT id, created_at, provider, environment, settings_json, problems_json, closed FROM batches "
            "WHERE id=?",
            (batch_id,),
        )
        if not found:
            return None
        id_, created, provider, environment, settings, problems, closed = found[0]
        kept = [from_stored(p) for p in json.loads(problems)]
        batch = Batch(provider, environment, [], kept, json.loads(settings), id_, created, bool(closed))
        for r in self.history.read(f"SELECT {_ROW_COLUMNS} FROM batch_rows WHERE batch_id=? ORDER BY position", (id_,)):
            batch.rows.append(_row(r))
        return batch

    def summaries(self, *, include_closed: bool = False, limit: int = 100) -> list[BatchSummary]:
        where = "" if include_closed else "WHERE b.closed=0"
        rows = self.history.read(
            "SELECT b.id, b.created_at, b.provider, b.environment, COUNT(r.id), "
            "SUM(CASE WHEN r.status IN (?,?,?,?,?) THEN 1 ELSE 0 END), b.closed "
            f"FROM batches b LEFT JOIN batch_rows r ON r.batch_id=b.id {where} "
            "GROUP BY b.id ORDER BY b.id DESC LIMIT ?",
            (READY, SENDING, FAILED, REJECTED, UNCERTAIN, limit),
        )
        return [
            BatchSummary(i, c, p, e, int(n or 0), int(pending or 0), bool(closed))
            for i, c, p, e, n, pending, closed in rows
        ]

    def claim_lapsed(self, row: BatchRow) -> bool:
        """The row's `sending` claim is over: its sender stopped before recording an attempt (or never claimed)."""
        found = self.history.read(
            f"SELECT claim_until IS NULL OR claim_until < {self.history._NOW_SQL} FROM batch_rows WHERE id=?", (row.id,)
        )
        return not found or bool(found[0][0])


def _json(*values: Any) -> list[str]:
    return [json.dumps(v) for v in values]


_ROW_COLUMNS = (
    "id, position, file_name, file_path, file_size, snapshot_path, snapshot_sha256, values_json, problems_json, "
    "target, status, message, duplicate_json, send_anyway, attempt_id"
)


def _row(r: tuple[Any, ...]) -> BatchRow:
    (id_, position, name, path, size, snap, sha, values, problems, target, status, message, dup, anyway, attempt) = r
    kept = json.loads(problems)
    return BatchRow(
        position=position,
        file_name=name,
        file_path=path,
        status=status,
        values={k: Cell(v["value"], v["source"], v.get("detail", "")) for k, v in json.loads(values).items()},
        problems=[from_stored(p) for p in kept.get("row", [])],
        field_problems=dict(kept.get("fields", {})),
        message=decode(message) or "",
        file_size=size,
        snapshot_path=snap,
        snapshot_sha256=sha,
        target=target,
        duplicate=json.loads(dup, object_hook=from_stored) if dup else None,
        send_anyway=bool(anyway),
        attempt_id=attempt,
        id=id_,
    )


def _update_row(db: sqlite3.Connection, row: BatchRow, now: str) -> None:
    values = {k: {"value": jsonable(c.value), "source": c.source, "detail": c.detail} for k, c in row.values.items()}
    db.execute(
        "UPDATE batch_rows SET file_size=?, snapshot_path=?, snapshot_sha256=?, values_json=?, problems_json=?, "
        "target=?, status=?, message=?, duplicate_json=?, send_anyway=?, attempt_id=?, updated_at=?, "
        "claim_owner=CASE WHEN ?=1 THEN claim_owner END, claim_until=CASE WHEN ?=1 THEN claim_until END WHERE id=?",
        (
            row.file_size,
            row.snapshot_path,
            row.snapshot_sha256,
            json.dumps(values, default=str),
            json.dumps({"row": [to_stored(p) for p in row.problems], "fields": row.field_problems}, default=str),
            row.target,
            row.status,
            encode(row.message),
            json.dumps(row.duplicate, default=to_stored) if row.duplicate else None,
            1 if row.send_anyway else 0,
            row.attempt_id,
            now,
            1 if row.status == SENDING else 0,  # a row saved while being sent keeps its claim
            1 if row.status == SENDING else 0,
            row.id,
        ),
    )
