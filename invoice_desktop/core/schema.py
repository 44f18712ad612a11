"""The history database's schema, versioned, with forward migrations.

The version lives in SQLite's `PRAGMA user_version`. Each migration moves the schema one version forward and runs
in one transaction with the version bump, so a crash mid-migration leaves the old version intact. A database made
by a newer release (a version we do not know) is refused rather than guessed at: writing to it could lose data.

To change the schema, append a migration to `MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .errors import InvoiceDesktopError
from .i18n import Msg

Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(db: sqlite3.Connection) -> None:
    # Release 0.1.0's tables. `IF NOT EXISTS`: a 0.1.0 database (user_version 0) already has them.
    db.execute(
        """CREATE TABLE IF NOT EXISTS attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            provider TEXT NOT NULL,
            environment TEXT NOT NULL,
            base_url TEXT NOT NULL,
            file_name TEXT,
            file_path TEXT,
            file_size INTEGER,
            form_json TEXT NOT NULL,
            options_json TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            provider_code TEXT,
            provider_message TEXT,
            result_json TEXT NOT NULL DEFAULT '{}',
            resume_json TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS exchanges (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            exchange_json TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS exchanges_attempt ON exchanges(attempt_id)")


# What each provider of releases up to 0.1 identified an upload by, read from the form it recorded: the
# migration fills the targets of attempts made before targets were recorded. Frozen with the migration (a later
# provider declares its own `targets_of` and has no old rows to fill).
_OLD_TARGET_FIELDS = {"imaterialise": "$.order_id", "skypostal": "$.trck_nmr_fol", "payfabric": "$.InvoiceId"}


def _v2_targets_and_retries(db: sqlite3.Connection) -> None:
    # What an attempt was sent to (an order, a parcel, an invoice): the duplicate check looks it up by index
    # instead of scanning the history. A table, not a column, because one Shopwave attempt sends several invoices.
    db.execute(
        """CREATE TABLE attempt_targets (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            target TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX attempt_targets_target ON attempt_targets(target, attempt_id)")
    db.execute("CREATE INDEX attempt_targets_attempt ON attempt_targets(attempt_id)")
    # A retry is an attempt of its own (its own number and time) that says which one it retried.
    db.execute("ALTER TABLE attempts ADD COLUMN retry_of INTEGER REFERENCES attempts(id)")
    db.execute("CREATE INDEX attempts_retry_of ON attempts(retry_of)")
    # The History's search and paging: newest first per provider, by date.
    db.execute("CREATE INDEX attempts_provider ON attempts(provider, id)")
    db.execute("CREATE INDEX attempts_created ON attempts(created_at)")
    for provider, path in _OLD_TARGET_FIELDS.items():
        db.execute(
            "INSERT INTO attempt_targets (attempt_id, target) SELECT id, CAST(json_extract(form_json, ?) AS TEXT) "
            "FROM attempts WHERE provider=? AND json_valid(form_json) AND json_extract(form_json, ?) IS NOT NULL",
            (path, provider, path),
        )
    # Shopwave: each invoice of the batch, by its reference (a new invoice) or its Shopwave id (an update).
    db.execute(
        "INSERT INTO attempt_targets (attempt_id, target) "
        "SELECT a.id, CAST(COALESCE(json_extract(i.value, '$.reference'), json_extract(i.value, '$.id')) AS TEXT) "
        "FROM attempts a, json_each(a.form_json, '$.invoices') i WHERE a.provider='shopwave' "
        "AND json_valid(a.form_json) "
        "AND COALESCE(json_extract(i.value, '$.reference'), json_extract(i.value, '$.id')) IS NOT NULL"
    )


def _v3_leases_and_snapshots(db: sqlite3.Connection) -> None:
    # A lease per `sending` attempt: who is sending it (a random id per running app, not a process id, which means
    # nothing on another computer once the history is shared) and until when (Unix time, renewed by a heartbeat).
    # Only an attempt whose lease lapsed is marked interrupted.
    db.execute("ALTER TABLE attempts ADD COLUMN lease_owner TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN lease_until REAL")
    # The private copy of the file that was checked and is sent (and sent again by Retry), with its SHA-256.
    db.execute("ALTER TABLE attempts ADD COLUMN snapshot_path TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN snapshot_sha256 TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS attempts_sending ON attempts(state) WHERE state = 'sending'")


# Index i moves the schema from version i to version i + 1.
def _v4_scrub_passwords_in_addresses(db: sqlite3.Connection) -> None:
    # Addresses such as https://user:pw@host/… used to be accepted, so their passwords sit in the history (the
    # attempt's address, its exchanges' URLs and curl lines, the outcome). They are refused now; take them out.
    from .session import strip_userinfo

    for table, columns in (
        ("attempts", ("base_url", "summary", "result_json", "options_json")),
        ("exchanges", ("exchange_json",)),
    ):
        listed = ", ".join(columns)
        rows = db.execute(f"SELECT id, {listed} FROM {table} WHERE " + " OR ".join(f"{c} LIKE '%@%'" for c in columns))
        for row_id, *values in rows.fetchall():
            clean = [strip_userinfo(v) if isinstance(v, str) else v for v in values]
            if clean != values:
                assignments = ", ".join(f"{c}=?" for c in columns)
                db.execute(f"UPDATE {table} SET {assignments} WHERE id=?", (*clean, row_id))


def _v5_batch_outbox(db: sqlite3.Connection) -> None:
    # `IF NOT EXISTS` throughout: running it twice (a test rewinding the version) changes nothing.
    # Batches (core/batch.py): a batch and its rows are written here before anything is sent, so a closed or
    # crashed app reopens them as they were. A row becomes an attempt when it is sent (attempt_id); until then it
    # holds its file's private snapshot, its form values with where each came from, and its status.
    db.execute(
        """CREATE TABLE IF NOT EXISTS batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            provider TEXT NOT NULL,
            environment TEXT NOT NULL,
            settings_json TEXT NOT NULL DEFAULT '{}',
            problems_json TEXT NOT NULL DEFAULT '[]',
            closed INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS batch_rows (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id INTEGER NOT NULL REFERENCES batches(id),
            position INTEGER NOT NULL,
            file_name TEXT NOT NULL,
            file_path TEXT NOT NULL,
            file_size INTEGER,
            snapshot_path TEXT,
            snapshot_sha256 TEXT,
            values_json TEXT NOT NULL DEFAULT '{}',
            problems_json TEXT NOT NULL DEFAULT '[]',
            target TEXT,
            status TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '',
            duplicate_json TEXT,
            send_anyway INTEGER NOT NULL DEFAULT 0,
            attempt_id INTEGER REFERENCES attempts(id),
            -- Who is sending the row and until when (Unix time), until its attempt is recorded: the attempt's own
            -- lease takes over from there. A claim that lapsed without an attempt sent nothing.
            claim_owner TEXT,
            claim_until REAL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS batch_rows_batch ON batch_rows(batch_id, position)")
    db.execute("CREATE INDEX IF NOT EXISTS batch_rows_snapshot ON batch_rows(snapshot_path)")
    # "This exact file was already sent": attempts by their file's SHA-256, without scanning the history.
    db.execute("CREATE INDEX IF NOT EXISTS attempts_snapshot_sha256 ON attempts(snapshot_sha256)")
    db.execute("CREATE INDEX IF NOT EXISTS attempts_snapshot_path ON attempts(snapshot_path)")


def _v6_clerk(db: sqlite3.Connection) -> None:
    # Who made each attempt ("OS user@computer", core/clerk.py): a shared history tells colleagues' uploads apart,
    # and the History filters by it. Older attempts were made before it was recorded: NULL, "unknown".
    # Safe to run twice (a test rewinding the version): SQLite has no ADD COLUMN IF NOT EXISTS.
    if "clerk" not in {row[1] for row in db.execute("PRAGMA table_info(attempts)")}:
        db.execute("ALTER TABLE attempts ADD COLUMN clerk TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS attempts_clerk ON attempts(clerk, id)")


def _v7_sending_claims(db: sqlite3.Connection) -> None:
    # The in-flight rule: one upload at a time per provider, environment and target, whoever sends it. While an
    # attempt is `sending`, each of its targets holds a key that a unique index lets only one attempt hold; the
    # trigger frees the keys as soon as the attempt is settled (finished, or marked interrupted when its sender's
    # lease lapsed), so a crashed clerk's claim expires with the lease. Safe to run twice (a rewound version).
    if "sending_key" not in {row[1] for row in db.execute("PRAGMA table_info(attempt_targets)")}:
        db.execute("ALTER TABLE attempt_targets ADD COLUMN sending_key TEXT")
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS attempt_targets_sending ON attempt_targets(sending_key) "
        "WHERE sending_key IS NOT NULL"
    )
    db.execute(
        """CREATE TRIGGER IF NOT EXISTS attempts_settled_free_targets AFTER UPDATE OF state ON attempts
        WHEN NEW.state <> 'sending'
        BEGIN
            UPDATE attempt_targets SET sending_key = NULL WHERE attempt_id = NEW.id AND sending_key IS NOT NULL;
        END"""
    )


MIGRATIONS: list[Migration] = [
    _v1_initial,
    _v2_targets_and_retries,
    _v3_leases_and_snapshots,
    _v4_scrub_passwords_in_addresses,
    _v5_batch_outbox,
    _v6_clerk,
    _v7_sending_claims,
]

LATEST = len(MIGRATIONS)


class NewerSchemaError(InvoiceDesktopError):
    """The database was written by a newer release of the app."""


def version_of(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> int:
    """Bring `db` (autocommit mode) to `LATEST`; return the version it had before."""
    before = version_of(db)
    if before > LATEST:
        raise NewerSchemaError(
            Msg(
                "This history was written by a newer release of Invoice Desktop (schema {before}; this one "
                "knows up to {latest}). Install the newer release, or move the history file aside to start "
                "a new one.",
                before=before,
                latest=LATEST,
            )
        )
    for version in range(before, LATEST):
        db.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")  # no parameters in PRAGMA; an int we made
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return before
