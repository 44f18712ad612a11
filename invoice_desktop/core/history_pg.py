"""The history on an office's PostgreSQL server: the same attempts, leases, targets and search as the SQLite history,
shared by every clerk of the office.

`PgHistory` is `History` with another engine under it: the SQL is written once (SQLite's `?` placeholders), and a
thin connection adapter speaks it to psycopg 3. What differs per engine is declared here: how a transaction starts,
how the description is read from the options' JSON, the schema's migrations (core/schema_pg.py), and errors.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

from . import history_waits, schema_pg
from .clerk import current_clerk
from .history import History, HistoryBusy, HistoryQuery, HistoryRow, _history_row
from .i18n import Msg
from .search_text import postgresql_contains


def _to_psycopg(sql: str) -> str:
    # psycopg's placeholders are %s, and a literal % (the LIKE patterns are bound, so only in literals) is %%.
    return sql.replace("%", "%%").replace("?", "%s")


class _PgCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


class _PgConnection:
    """What `History` asks of a sqlite3 connection, on a psycopg one in autocommit mode."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.connection = connection

    def execute(self, sql: str, args: Sequence[Any] = ()) -> _PgCursor:
        if sql.startswith("BEGIN"):
            sql = "BEGIN"  # SQLite's BEGIN IMMEDIATE: PostgreSQL's row locks do that job
        return _PgCursor(self.connection.execute(_to_psycopg(sql), tuple(args) or None))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(_to_psycopg(sql), rows)

    def close(self) -> None:
        self.connection.close()


def server_of(url: str) -> str:
    """The history's identity in the journal and in what the clerk reads: host:port/database (never a password or
    a user)."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    host = params.get("hostaddr") or params.get("host") or "local"
    return f"{host}:{params.get('port') or 5432}/{params.get('dbname') or ''}"


def _busy_message(where: str) -> Msg:
    return Msg(
        "The shared history ({where}) is held by another clerk's upload or by maintenance on the server, and stayed "
        "locked. Try again in a moment; if it lasts, tell whoever looks after the server.",
        where=where,
    )


def connect(url: str, *, connect_timeout_s: int = 10) -> psycopg.Connection[Any]:
    # No server-side prepared statements: a plan prepared while the history was small (a sequential scan) would be
    # kept as it grows, and connection poolers in transaction mode cannot keep them anyway.
    return psycopg.connect(
        url,
        autocommit=True,
        connect_timeout=connect_timeout_s,
        application_name="Invoice Desktop",
        prepare_threshold=None,
    )


class PgHistory(History):
    """The shared history at `url` (a libpq connection string or postgresql:// address)."""

    _ENGINE_ERRORS = (psycopg.Error,)
    _CONFLICT_ERRORS = (psycopg.errors.UniqueViolation,)
    _NOW_SQL = "extract(epoch FROM clock_timestamp())"  # the server's clock: every clerk's leases by one clock
    _DESCRIPTION_SQL = "(options_json::jsonb ->> 'description')"
    # ILIKE: any case, in any alphabet, as SQLite's search finds it; the trigram indexes answer it as they do LIKE.
    _CONTAINS = staticmethod(postgresql_contains)
    _TARGETS_ORDER = "id"

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_s: float | None = None,
        outcome_patience_s: float | None = None,
        lease_s: float | None = None,
        clerk: str | None = None,
    ) -> None:
        self.url = url
        self.server = server_of(url)
        self.clerk = clerk or current_clerk()
        self.path = None  # type: ignore[assignment]  # no file: the server keeps it
        self.lease_s = self.LEASE_S if lease_s is None else lease_s
        self.owner = uuid.uuid4().hex
        self._keeper = None
        self._deferred = {}
        self._deferred_lock = threading.Lock()
        self.busy_timeout_s = self.BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        self.outcome_patience_s = self.OUTCOME_PATIENCE_S if outcome_patience_s is None else outcome_patience_s
        self._lock = threading.Lock()
        connection = connect(url)
        try:
            # A statement waiting for another clerk's row lock gives up as SQLite's busy timeout does.
            connection.execute(f"SET lock_timeout = {int(self.busy_timeout_s * 1000)}")
            with self._waiting(self.busy_timeout_s):  # a migration waits for every clerk's app to let go
                schema_pg.migrate(connection)
        except psycopg.errors.LockNotAvailable:
            connection.close()
            raise HistoryBusy(self._busy_message()) from None
        except BaseException:
            connection.close()
            raise
        self._db = _PgConnection(connection)  # type: ignore[assignment]

    # -- waiting for another clerk's lock: said as on SQLite (core/history_waits.py), given up as HistoryBusy -----

    def _waiting(self, limit_s: float) -> AbstractContextManager[None]:
        return history_waits.running(self.server, limit_s, shared=True)

    def _locked(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.errors.LockNotAvailable)

    def _busy_message(self) -> Msg:
        return _busy_message(self.server)

    def sending_by_this_app(self) -> bool | None:
        """As `History.sending_by_this_app`: on a connection of its own, answered at once or not at all."""
        try:
            with connect(self.url, connect_timeout_s=2) as db:
                db.execute("SET statement_timeout = 1000")
                row = db.execute(
                    "SELECT 1 FROM attempts WHERE state=%s AND lease_owner=%s LIMIT 1", ("sending", self.owner)
                ).fetchone()
        except psycopg.Error:
            return None
        return row is not None

    # -- the History's search: each half of the text from its own index -----------------------------------------
    #
    # "A target matches OR a column of the attempt matches" in one condition leaves PostgreSQL one plan, a scan of
    # every attempt (~0.3 s for 100,000 of them). Asked as two halves, each is answered by its trigram index (schema
    # version 6) when the text is rare, or by a scan when it is common, and the answers are the same attempts.

    def rows(self, query: HistoryQuery, *, before_id: int | None = None, limit: int = 200) -> list[HistoryRow]:
        search = query.text_search(self._DESCRIPTION_SQL, self._CONTAINS)
        if search is None:
            return super().rows(query, before_id=before_id, limit=limit)
        targets, target_args, own, own_args = search
        terms, args = query.filters()
        if before_id is not None:
            terms.append("id < ?")
            args.append(before_id)
        where = " AND ".join([*terms, ""])
        # The newest `limit` of either half hold the newest `limit` of both.
        sql = (
            f"SELECT {self._ROW_COLUMNS} FROM attempts WHERE id IN ("
            f"(SELECT id FROM attempts WHERE {where}id IN ({targets}) ORDER BY id DESC LIMIT ?) UNION ALL "
            f"(SELECT id FROM attempts WHERE {where}{own} ORDER BY id DESC LIMIT ?)) ORDER BY id DESC LIMIT ?"
        )
        with self._lock:
            found = self._db.execute(sql, (*args, *target_args, limit, *args, *own_args, limit, limit)).fetchall()
        return [_history_row(r) for r in found]

    def count(self, query: HistoryQuery) -> int:
        search = query.text_search(self._DESCRIPTION_SQL, self._CONTAINS)
        if search is None:
            return super().count(query)
        targets, target_args, own, own_args = search
        terms, args = query.filters()
        where = " AND ".join([*terms, ""])
        # Those matching by their own columns, plus those matching only by a target (`IS NOT TRUE`: a NULL file
        # name or description is no match, as in the single condition).
        sql = (
            f"SELECT (SELECT COUNT(*) FROM attempts WHERE {where}{own}) + "
            f"(SELECT COUNT(*) FROM attempts WHERE {where}id IN ({targets}) AND {own} IS NOT TRUE)"
        )
        with self._lock:
            found = self._db.execute(sql, (*args, *own_args, *args, *target_args, *own_args)).fetchone()
        return int(found[0])
