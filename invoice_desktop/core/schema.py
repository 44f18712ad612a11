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


# Index i moves the schema from version i to version i + 1.
MIGRATIONS: list[Migration] = [_v1_initial]

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
            f"This history was written by a newer release of Invoice Desktop (schema {before}; this one knows up to "
            f"{LATEST}). Install the newer release, or move the history file aside to start a new one."
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
