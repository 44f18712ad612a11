"""Every upload attempt in a local SQLite database, written before anything is sent.

An attempt is created in state `sending` before its first request leaves, updated with each exchange as it
happens, and closed with the outcome. An attempt still `sending` when the app starts again was interrupted
(crash, power cut): it is marked so, and the clerk is told to check with the provider.
Provider modules may keep `resume` data here (e.g. SkyPostal's step-1 GUID) so a retry continues, not repeats.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import history_waits
from .clerk import current_clerk
from .errors import InvoiceDesktopError
from .i18n import N_, Msg
from .schema import migrate
from .search_text import Contains, sqlite_contains
from .stored_text import Text, decode, encode

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .exchange import Exchange
    from .leases import LeaseKeeper

log = logging.getLogger("invoice_desktop.history")

# States an attempt can be in.
SENDING = "sending"
SUCCEEDED = "succeeded"
REJECTED = "rejected"  # the provider answered with an error
FAILED = "failed"  # it did not arrive, or was turned away unprocessed (busy)
UNCERTAIN = "uncertain"  # it left, but no usable answer came back: it may have arrived
CANCELLED = "cancelled"
INTERRUPTED = "interrupted"  # the app stopped while sending

# Stored as code + parameters (like every summary) and translated when shown.
INTERRUPTED_SUMMARY = Msg(
    "The app stopped while this upload was being sent: it may have arrived. Check with the provider whether it "
    "arrived before sending it again."
)


class HistoryBusy(InvoiceDesktopError):
    """The history database is held by another program for longer than we wait."""


class BeingSent(InvoiceDesktopError):
    """Another upload holds one of this attempt's targets right now (a colleague's, or another window or command
    of this clerk's): the database gave the target to it. This attempt is recorded as not sent; nothing was sent."""

    def __init__(self, title: Msg, detail: Msg, *, attempt_id: int, holder_id: int, holder_clerk: str | None) -> None:
        super().__init__(Msg("{title} {detail}", title=title, detail=detail))
        self.title, self.detail = title, detail
        self.attempt_id = attempt_id  # this attempt, recorded as failed
        self.holder_id = holder_id  # the attempt being sent
        self.holder_clerk = holder_clerk


def sending_key(provider: str, environment: str, target: str) -> str:
    """The in-flight key of a target: one attempt at a time may hold it while `sending` (a unique index)."""
    return json.dumps([provider, environment, target], ensure_ascii=False)


def _being_sent_words(target: str, holder_id: int, holder_clerk: str | None, own_clerk: str) -> tuple[Msg, Msg]:
    """The title and what to do next when `target` is being sent by another upload right now (kept sentences)."""
    clerk = holder_clerk or Msg("another clerk")
    if holder_clerk == own_clerk:
        title = Msg(
            "Not sent: “{target}” is being sent right now by another Invoice Desktop window or command of yours "
            "({clerk}, attempt {attempt}).",
            target=target,
            clerk=clerk,
            attempt=holder_id,
        )
    else:
        title = Msg(
            "Not sent: “{target}” is being sent by {clerk} right now (attempt {attempt}).",
            target=target,
            clerk=clerk,
            attempt=holder_id,
        )
    detail = Msg(
        "Nothing was sent. Wait for that upload to finish, then look in the History whether it arrived before "
        "sending this one again."
    )
    return title, detail


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _busy_message(path: Path) -> Msg:
    return Msg(
        "The upload history ({path}) is in use by another program — another Invoice Desktop window or command, "
        "a backup or a database viewer — and stayed locked. Close that program (or wait for it to finish) and try "
        "again.",
        path=str(path),
    )


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Attempt:
    """One upload attempt as the history keeps it: what was sent where, by whom, and what became of it."""

    id: int
    created_at: str
    updated_at: str
    provider: str
    environment: str
    base_url: str
    file_name: str | None
    file_path: str | None
    file_size: int | None
    form: dict[str, Any]
    options: dict[str, Any]
    state: str
    summary: Text  # a `Msg` when written by this release (translated when shown); older records: as written
    provider_code: str | None
    provider_message: str | None
    result: dict[str, Any] = field(default_factory=dict)
    resume: dict[str, Any] = field(default_factory=dict)
    retry_of: int | None = None  # the attempt this one sent again
    snapshot_path: str | None = None  # the private copy of the file that was checked and sent
    snapshot_sha256: str | None = None
    clerk: str | None = None  # who made it, "OS user@computer" (None: made before clerks were recorded)


@dataclass(frozen=True)
class HistoryQuery:
    """What the clerk is looking for; empty fields match everything."""

    text: str = ""  # an invoice/order id, a file name, a provider, or an attempt number
    provider: str | None = None
    state: str | None = None
    since: date | None = None  # first day included
    until: date | None = None  # last day included
    clerk: str | None = None  # one clerk's attempts ("mine": History.clerk)

    def where(
        self,
        description_sql: str = "json_extract(options_json, '$.description')",
        contains: Contains = sqlite_contains,
    ) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters (all values bound, never formatted in); `description_sql` reads the
        attempt's description and `contains` finds the text in a column, in the engine's SQL."""
        terms, args = self.filters()
        search = self.text_search(description_sql, contains)
        if search is not None:
            targets, target_args, own, own_args = search
            terms.append(f"(id IN ({targets}) OR {own})")
            args += target_args + own_args
        return (" AND ".join(terms) or "TRUE"), args

    def filters(self) -> tuple[list[str], list[Any]]:
        """The conditions other than the text, each on the attempt's own columns, and their parameters."""
        terms: list[str] = []
        args: list[Any] = []
        if self.provider:
            terms.append("provider = ?")
            args.append(self.provider)
        if self.state:
            terms.append("state = ?")
            args.append(self.state)
        if self.clerk:
            terms.append("clerk = ?")
            args.append(self.clerk)
        if self.since:
            terms.append("created_at >= ?")
            args.append(self.since.isoformat())
        if self.until:
            terms.append("created_at < ?")  # created_at is local time with its offset: compare local dates
            args.append((self.until + timedelta(days=1)).isoformat())
        return terms, args

    def text_search(
        self, description_sql: str, contains: Contains = sqlite_contains
    ) -> tuple[str, list[Any], str, list[Any]] | None:
        """The text as two halves an attempt matches if either does: a query for the ids of attempts with a
        matching target, and a condition on the attempt's own columns (file name, description, provider, number);
        each with its parameters. None: no text. (PostgreSQL answers each half from its own index.) In any case:
        `contains` is the engine's way of finding it (core/search_text.py)."""
        text = self.text.strip()
        if not text:
            return None
        found_in, pattern = contains(text)
        own = [f"file_name {found_in}", f"{description_sql} {found_in}", f"provider {found_in}"]
        own_args: list[Any] = [pattern] * len(own)
        number = re.fullmatch(r"#?(\d{1,18})", text)
        if number:
            own.append("id = ?")
            own_args.append(int(number.group(1)))
        targets = f"SELECT attempt_id FROM attempt_targets WHERE target {found_in}"
        return targets, [pattern], "(" + " OR ".join(own) + ")", own_args


@dataclass(frozen=True)
class HistoryRow:
    """One line of the History: what a list needs, without the stored forms and answers."""

    id: int
    created_at: str
    provider: str
    environment: str
    description: str
    file_name: str | None
    state: str
    summary: str  # in the current language
    retry_of: int | None
    provider_code: str | None = None
    provider_message: str | None = None
    clerk: str | None = None


class History:
    """Thread-safe: workers write, the UI reads. One connection, guarded by a lock.

    Other processes (the window and the CLI, or two windows) share the file. A statement waits up to
    `busy_timeout_s` for another one's lock; the write that records an upload's outcome keeps trying for
    `outcome_patience_s`, because losing what the provider answered is worse than waiting for it.
    """

    # What the engine raises for a database error (closing tolerates them: the leases lapse on their own).
    _ENGINE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)
    BUSY_TIMEOUT_S = 30.0
    OUTCOME_PATIENCE_S = 120.0
    # How long a `sending` attempt's lease lasts without a heartbeat (renewed every third of it).
    LEASE_S = 30.0
    # Now, in Unix seconds, by the database's clock: leases are written and judged by one clock, the server's on
    # PostgreSQL (clerks' computers disagree), this computer's here.
    _NOW_SQL = "((julianday('now') - 2440587.5) * 86400.0)"
    # What the engine raises when a unique index refuses a row (another app claimed the same target meanwhile).
    _CONFLICT_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
    # Whether this app has recorded an attempt under its lease: only then has `close` any to mark interrupted
    # (and a history locked since the start is not waited for a second time on the way out).
    _leased = False

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout_s: float | None = None,
        outcome_patience_s: float | None = None,
        lease_s: float | None = None,
        clerk: str | None = None,
    ) -> None:
        from .paths import make_private, private_dir, private_file

        self.path = path
        # Who this app records as making its attempts ("OS user@computer"): the History's "mine".
        self.clerk = clerk or current_clerk()
        self.lease_s = self.LEASE_S if lease_s is None else lease_s
        # Who holds this app's leases: random per running app, so it means the same on any computer.
        # (os.urandom, as uuid4 does: importing uuid loads platform and libuuid, ~0.7 MiB of the idle window.)
        self.owner = os.urandom(16).hex()
        self._keeper: LeaseKeeper | None = None
        self._deferred: dict[int, dict[str, Any]] = {}  # outcomes waiting for another program's lock to go
        self._deferred_lock = threading.Lock()
        self.busy_timeout_s = self.BUSY_TIMEOUT_S if busy_timeout_s is None else busy_timeout_s
        self.outcome_patience_s = self.OUTCOME_PATIENCE_S if outcome_patience_s is None else outcome_patience_s
        private_dir(path.parent)
        # SQLite gives the -wal and -shm files the database file's mode, so a 0600 database keeps them 0600 too;
        # those an older release left readable by all are narrowed here.
        private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):
            make_private(path.with_name(path.name + suffix))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            str(path), timeout=self.busy_timeout_s, check_same_thread=False, isolation_level=None
        )
        try:
            with history_waits.running(str(path), self.busy_timeout_s):
                self._db.execute("PRAGMA journal_mode=WAL")
                migrate(self._db)
        except sqlite3.OperationalError as exc:
            self._db.close()
            if _is_busy(exc):
                raise HistoryBusy(_busy_message(path)) from None
            raise

    def _write(self, statement: Callable[[sqlite3.Connection], Any], *, patience_s: float = 0.0) -> Any:
        """Run a writing statement; while the database is locked by another program, keep trying for
        `patience_s` beyond the busy timeout. Raises HistoryBusy when it stays locked."""
        with self._waiting(self.busy_timeout_s + patience_s):
            return self._write_until(statement, time.monotonic() + patience_s)

    def _waiting(self, limit_s: float) -> AbstractContextManager[None]:
        """Marks the statements run meanwhile as possibly waiting for a lock (core/history_waits.py)."""
        return history_waits.running(str(self.path), limit_s)

    def _locked(self, exc: Exception) -> bool:
        """Whether `exc` (one of the engine's errors) says another program held a lock for longer than we wait."""
        return isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)

    def _busy_message(self) -> Msg:
        return _busy_message(self.path)

    def _write_until(self, statement: Callable[[sqlite3.Connection], Any], deadline: float) -> Any:
        pause = 0.05
        while True:
            try:
                with self._lock:
                    return statement(self._db)
            except self._ENGINE_ERRORS as exc:
                if not self._locked(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise HistoryBusy(self._busy_message()) from None
                log.warning(N_("The history is locked by another program; trying again"))
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
                pause = min(pause * 2, 1.0)

    def write(self, statement: Callable[[sqlite3.Connection], Any], *, patience_s: float = 0.0) -> Any:
        """Run a writing statement on the history's connection (other tables of the same file, e.g. the batch
        outbox), waiting for another program's lock as the history's own writes do."""
        return self._write(statement, patience_s=patience_s)

    def read(self, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a reading statement on the history's connection."""
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    def close(self) -> None:
        """Stop the heartbeat; attempts this app still had `sending` were interrupted by its closing."""
        if self._keeper is not None:
            self._keeper.stop()
        try:
            self.write_deferred()
        except self._ENGINE_ERRORS as exc:
            log.warning(N_("Could not write the outcomes kept while the history was locked: %(error)s"), {"error": exc})
        tolerated: tuple[type[Exception], ...] = (HistoryBusy, *self._ENGINE_ERRORS)
        try:
            if self._leased:
                self._write(
                    lambda db: db.execute(
                        "UPDATE attempts SET state=?, updated_at=?, summary=?, lease_owner=NULL, lease_until=NULL "
                        "WHERE state=? AND lease_owner=?",
                        (INTERRUPTED, _now(), encode(INTERRUPTED_SUMMARY), SENDING, self.owner),
                    )
                )
        except tolerated as exc:  # their lease lapses on its own: the next app marks them
            log.warning(N_("Could not mark this app's unfinished uploads as interrupted: %(error)s"), {"error": exc})
        with self._lock:
            self._db.close()

    # -- leases: who is sending what, until when ------------------------------------------------------------

    def keep_leases(self) -> None:
        """Renew this app's leases and mark lapsed ones interrupted, every third of a lease, until `close`.

        The window and the CLI call it at start: a killed CLI's attempt is marked within a lease of its death,
        not at the next start-up an hour later.
        """
        from .leases import LeaseKeeper

        if self._keeper is None:
            self._keeper = LeaseKeeper(self, interval_s=self.lease_s / 3)
            self._keeper.start()

    def renew_leases(self) -> int:
        """Extend the leases of the attempts this app is sending."""
        cur = self._write(
            lambda db: db.execute(
                f"UPDATE attempts SET lease_until={self._NOW_SQL} + ? WHERE state=? AND lease_owner=?",
                (self.lease_s, SENDING, self.owner),
            )
        )
        return int(cur.rowcount)

    def sending_by_this_app(self) -> bool | None:
        """Whether this app has an attempt `sending` now; None when the history cannot be read at once. Read on a
        connection of its own: the app's may be busy waiting for another program's lock."""
        from contextlib import closing

        try:
            with closing(sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=1.0)) as db:
                row = db.execute(
                    "SELECT 1 FROM attempts WHERE state=? AND lease_owner=? LIMIT 1", (SENDING, self.owner)
                ).fetchone()
        except sqlite3.Error:
            return None
        return row is not None

    def mark_interrupted(self) -> int:
        """Attempts still `sending` whose lease lapsed were interrupted (crash, kill, power cut): mark them so.

        Attempts of another running app (the window while the CLI sends, or the reverse) keep a live lease and are
        left alone. Attempts written before leases existed have none: they are marked at once.
        """
        cur = self._write(
            lambda db: db.execute(
                "UPDATE attempts SET state=?, updated_at=?, summary=?, lease_owner=NULL, lease_until=NULL "
                f"WHERE state=? AND (lease_until IS NULL OR lease_until<{self._NOW_SQL})",
                (INTERRUPTED, _now(), encode(INTERRUPTED_SUMMARY), SENDING),
            )
        )
        if cur.rowcount:
            log.info(N_("Attempts whose sender stopped, marked as interrupted: %(count)s"), {"count": cur.rowcount})
        return int(cur.rowcount)

    def snapshots_in_use(self) -> list[str]:
        """Snapshots that may still be sent again: those of attempts not settled, unless a retry of the same file
        already succeeded."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT snapshot_path FROM attempts WHERE snapshot_path IS NOT NULL AND state<>? "
                "AND snapshot_path NOT IN "
                "(SELECT snapshot_path FROM attempts WHERE state=? AND snapshot_path IS NOT NULL)",
                (SUCCEEDED, SUCCEEDED),
            ).fetchall()
        return [r[0] for r in rows] + self._batch_paths("snapshot_path")

    def files_in_use(self) -> list[str]:
        """The files that attempts and batch rows not yet succeeded were made from: a Retry of an attempt without
        a snapshot (an older release's) reads its file again. Dropped documents among them are kept."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT file_path FROM attempts WHERE file_path IS NOT NULL AND state<>?", (SUCCEEDED,)
            ).fetchall()
        return [r[0] for r in rows] + self._batch_paths("file_path")

    def _batch_paths(self, column: str) -> list[str]:
        """A batch's rows keep their files and snapshots from the moment the batch is saved until they succeed."""
        try:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {column} FROM batch_rows WHERE {column} IS NOT NULL AND status<>?", (SUCCEEDED,)
                ).fetchall()
        except Exception:  # an engine whose schema has no outbox (the shared PostgreSQL history, for now)
            log.debug("No batch outbox in this history", exc_info=True)
            return []
        return [r[0] for r in rows]

    def create(
        self,
        *,
        provider: str,
        environment: str,
        base_url: str,
        form: dict[str, Any],
        options: dict[str, Any] | None = None,
        file_path: Path | None = None,
        file_size: int | None = None,
        targets: Iterable[str] = (),
        retry_of: int | None = None,
        resume: dict[str, Any] | None = None,
        snapshot_path: Path | None = None,
        snapshot_sha256: str | None = None,
    ) -> int:
        """Record a new attempt (state `sending`, under this app's lease) with what it is sent to, in one
        transaction, claiming each target for as long as it is sent.

        Raises BeingSent when another upload (another clerk's, or another window or command on this computer) holds
        one of the targets right now: the database's unique in-flight key decides, not timing. The attempt is then
        recorded as failed (not sent), and must not be sent. A claim whose sender's lease lapsed (a crash) is
        released first: that attempt is marked interrupted.
        """
        now = _now()
        unique_targets = list(dict.fromkeys(str(t) for t in targets if str(t)))
        keys = [sending_key(provider, environment, t) for t in unique_targets]

        def values(state: str, summary: Msg | None, holder: bool) -> list[Any]:
            return [
                now,
                now,
                provider,
                environment,
                base_url,
                file_path.name if file_path else None,
                str(file_path) if file_path else None,
                file_size,
                json.dumps(form, default=str),
                json.dumps(options or {}),
                state,
                encode(summary) or "",
                json.dumps(resume or {}),
                retry_of,
                None if holder else self.owner,
                None if holder else self.lease_s,  # NULL + x is NULL: no lease for an attempt that is not sent
                str(snapshot_path) if snapshot_path else None,
                snapshot_sha256,
                self.clerk,
            ]

        def insert(db: sqlite3.Connection) -> tuple[int, tuple[Any, ...] | None]:
            db.execute("BEGIN IMMEDIATE")
            try:
                holder = self._holder(db, keys) if keys else None
                title = _being_sent_words(holder[3], holder[0], holder[1], self.clerk)[0] if holder else None
                cur = db.execute(
                    "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, "
                    "file_path, file_size, form_json, options_json, state, summary, resume_json, retry_of, "
                    "lease_owner, lease_until, snapshot_path, snapshot_sha256, clerk) "
                    f"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,{self._NOW_SQL} + ?,?,?,?) RETURNING id",
                    values(FAILED if holder else SENDING, title, holder is not None),
                )
                attempt_id = int(cur.fetchone()[0])
                db.executemany(
                    "INSERT INTO attempt_targets (attempt_id, target, sending_key) VALUES (?, ?, ?)",
                    [(attempt_id, t, None if holder else k) for t, k in zip(unique_targets, keys, strict=True)],
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            return attempt_id, holder

        for tries in range(1, 6):
            try:
                attempt_id, holder = self._write(insert)
                self._leased = True
                break
            except self._CONFLICT_ERRORS:
                # Another app claimed a target between our look and our insert (PostgreSQL lets both look at once;
                # its unique index refuses the second): look again, and this time see who has it.
                if tries == 5:
                    raise
                log.info(N_("A target of this upload was claimed by another app meanwhile; looking again"))
        if holder is not None:
            title, detail = _being_sent_words(holder[3], holder[0], holder[1], self.clerk)
            raise BeingSent(title, detail, attempt_id=attempt_id, holder_id=holder[0], holder_clerk=holder[1])
        self.keep_leases()
        return attempt_id

    def _holder(self, db: sqlite3.Connection, keys: list[str]) -> tuple[Any, ...] | None:
        """(attempt, clerk, created, target) of an upload that holds one of `keys` right now, inside the claiming
        transaction. Holders whose sender's lease lapsed are marked interrupted first, which frees their keys."""
        marks = ",".join("?" * len(keys))
        holding = f"SELECT attempt_id FROM attempt_targets WHERE sending_key IN ({marks})"
        db.execute(
            "UPDATE attempts SET state=?, updated_at=?, summary=?, lease_owner=NULL, lease_until=NULL "
            f"WHERE state=? AND (lease_until IS NULL OR lease_until<{self._NOW_SQL}) AND id IN ({holding})",
            (INTERRUPTED, _now(), encode(INTERRUPTED_SUMMARY), SENDING, *keys),
        )
        row = db.execute(
            "SELECT a.id, a.clerk, a.created_at, t.target FROM attempt_targets t JOIN attempts a ON a.id = "
            f"t.attempt_id WHERE t.sending_key IN ({marks}) ORDER BY a.id LIMIT 1",
            keys,
        ).fetchone()
        return tuple(row) if row else None

    def add_exchange(self, attempt_id: int, exchange: Exchange) -> None:
        text = json.dumps(exchange.to_dict(), ensure_ascii=False)
        self._write(
            lambda db: db.execute("INSERT INTO exchanges (attempt_id, exchange_json) VALUES (?, ?)", (attempt_id, text))
        )

    def set_resume(self, attempt_id: int, resume: dict[str, Any]) -> None:
        text = json.dumps(resume)
        # What a retry needs to continue rather than repeat (SkyPostal's step-1 GUID): as patient as the outcome.
        self._write(
            lambda db: db.execute(
                "UPDATE attempts SET resume_json=?, updated_at=? WHERE id=?", (text, _now(), attempt_id)
            ),
            patience_s=self.outcome_patience_s,
        )

    def finish(
        self,
        attempt_id: int,
        *,
        state: str,
        summary: Text,
        provider_code: str | None = None,
        provider_message: str | None = None,
        result: dict[str, Any] | None = None,
        exchanges: list[Exchange] | tuple[Exchange, ...] = (),
        patience_s: float | None = None,
    ) -> None:
        """Record the outcome, with any `exchanges` that could not be written while they happened, in one
        transaction. Waits up to `outcome_patience_s` for another program's lock; raises HistoryBusy if the
        database stays locked (the caller keeps the outcome elsewhere and says so)."""
        late = [(attempt_id, json.dumps(e.to_dict(), ensure_ascii=False)) for e in exchanges]
        values = (
            state,
            encode(summary),
            provider_code,
            provider_message,
            json.dumps(result or {}, default=str),
            _now(),
            attempt_id,
        )

        def write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT INTO exchanges (attempt_id, exchange_json) VALUES (?, ?)", late)
                db.execute(
                    "UPDATE attempts SET state=?, summary=?, provider_code=?, provider_message=?, result_json=?, "
                    "updated_at=?, lease_owner=NULL, lease_until=NULL WHERE id=?",
                    values,
                )
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        self._write(write, patience_s=self.outcome_patience_s if patience_s is None else patience_s)

    def finish_later(self, attempt_id: int, **outcome: Any) -> None:
        """An outcome `finish` could not write (the history stayed locked): the heartbeat writes it as soon as the
        lock is gone. Meanwhile the attempt stays `sending` under this app's lease, so no one marks it interrupted
        while its answer is known here; if the app stops first, the lease lapses and it is marked "may have
        arrived"."""
        with self._deferred_lock:
            self._deferred[attempt_id] = outcome
        self.keep_leases()

    def write_deferred(self) -> int:
        """Write the outcomes kept by `finish_later`; those still locked out stay for the next beat."""
        with self._deferred_lock:
            pending = list(self._deferred.items())
        written = 0
        for attempt_id, outcome in pending:
            try:
                self.finish(attempt_id, **outcome, patience_s=0.0)
            except HistoryBusy:
                continue
            with self._deferred_lock:
                self._deferred.pop(attempt_id, None)
            written += 1
            log.info(
                N_("Attempt %(attempt)s: its outcome, kept while the history was locked, is now recorded"),
                {"attempt": attempt_id},
            )
        return written

    def _row_to_attempt(self, row: tuple[Any, ...]) -> Attempt:
        (
            id_,
            created,
            updated,
            provider,
            env,
            base_url,
            fname,
            fpath,
            fsize,
            form,
            options,
            state,
            summary,
            code,
            message,
            result,
            resume,
            retry_of,
            snapshot_path,
            snapshot_sha256,
            clerk,
        ) = row
        return Attempt(
            id=id_,
            created_at=created,
            updated_at=updated,
            provider=provider,
            environment=env,
            base_url=base_url,
            file_name=fname,
            file_path=fpath,
            file_size=fsize,
            form=json.loads(form),
            options=json.loads(options),
            state=state,
            summary=decode(summary) or "",
            provider_code=code,
            provider_message=message,
            result=json.loads(result),
            resume=json.loads(resume),
            retry_of=retry_of,
            snapshot_path=snapshot_path,
            snapshot_sha256=snapshot_sha256,
            clerk=clerk,
        )

    _COLUMNS = (
        "id, created_at, updated_at, provider, environment, base_url, file_name, file_path, file_size, "
        "form_json, options_json, state, summary, provider_code, provider_message, result_json, resume_json, "
        "retry_of, snapshot_path, snapshot_sha256, clerk"
    )

    def get(self, attempt_id: int) -> Attempt | None:
        with self._lock:
            row = self._db.execute(f"SELECT {self._COLUMNS} FROM attempts WHERE id=?", (attempt_id,)).fetchone()
        return self._row_to_attempt(row) if row else None

    def recent(self, limit: int = 500, provider: str | None = None) -> list[Attempt]:
        query = f"SELECT {self._COLUMNS} FROM attempts"
        args: tuple[Any, ...] = ()
        if provider:
            query += " WHERE provider=?"
            args = (provider,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(query, (*args, limit)).fetchall()
        return [self._row_to_attempt(r) for r in rows]

    def exchanges(self, attempt_id: int) -> list[Exchange]:
        with self._lock:
            rows = self._db.execute(
                "SELECT exchange_json FROM exchanges WHERE attempt_id=? ORDER BY id", (attempt_id,)
            ).fetchall()
        from .exchange import Exchange  # not at import: the window's first frame opens the history without it

        return [Exchange.from_dict(json.loads(r[0])) for r in rows]

    def latest_retry(self, attempt_id: int) -> int:
        """The newest attempt in the chain of retries that starts at `attempt_id` (itself if never retried)."""
        current = attempt_id
        with self._lock:
            for _step in range(10_000):  # a chain is short; the bound only guards against a loop in a damaged file
                row = self._db.execute("SELECT MAX(id) FROM attempts WHERE retry_of=?", (current,)).fetchone()
                if row is None or row[0] is None:
                    break
                current = int(row[0])
        return current

    def targets(self, attempt_id: int) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT target FROM attempt_targets WHERE attempt_id=? ORDER BY {self._TARGETS_ORDER}", (attempt_id,)
            ).fetchall()
        return [r[0] for r in rows]

    def with_target(self, provider: str, environment: str, target: str, state: str | None = None) -> list[Attempt]:
        """Attempts sent to `target` (as the provider declared it), newest first: an index lookup over the
        whole history, however long."""
        query = (
            f"SELECT {self._COLUMNS} FROM attempts WHERE id IN "
            "(SELECT attempt_id FROM attempt_targets WHERE target=?) AND provider=? AND environment=?"
        )
        args: list[Any] = [str(target), provider, environment]
        if state:
            query += " AND state=?"
            args.append(state)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id DESC", args).fetchall()
        return [self._row_to_attempt(r) for r in rows]

    def succeeded_with(self, provider: str, environment: str, key: str, value: str) -> list[Attempt]:
        """Earlier successful attempts whose form had `key` == `value` (e.g. the same InvoiceId), newest first.
        `value` is what the provider declares as the attempt's target (`Provider.targets_of`)."""
        return [
            a
            for a in self.with_target(provider, environment, str(value), SUCCEEDED)
            if str(a.form.get(key)) == str(value)
        ]

    def succeeded_with_file(
        self, provider: str, environment: str, sha256: str, *, except_targets: Iterable[str] = ()
    ) -> list[Attempt]:
        """Successes by anyone that sent a file with this SHA-256 (indexed), newest first; those sent to one of
        `except_targets` are left out (the provider's own warning names them)."""
        query = (
            f"SELECT {self._COLUMNS} FROM attempts WHERE snapshot_sha256=? AND provider=? AND environment=? AND state=?"
        )
        args: list[Any] = [sha256, provider, environment, SUCCEEDED]
        targets = [str(t) for t in except_targets]
        if targets:
            marks = ",".join("?" * len(targets))
            query += f" AND id NOT IN (SELECT attempt_id FROM attempt_targets WHERE target IN ({marks}))"
            args += targets
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id DESC LIMIT 20", args).fetchall()
        return [self._row_to_attempt(r) for r in rows]

    # -- the History list: pages of light rows, newest first --------------------------------------------------

    # The engine's SQL for the attempt's description (in options_json) and for the order targets were added in.
    _DESCRIPTION_SQL = "json_extract(options_json, '$.description')"
    _TARGETS_ORDER = "rowid"
    # How the engine finds the search text in a column, in any case (core/search_text.py).
    _CONTAINS: Contains = staticmethod(sqlite_contains)

    @property
    def _ROW_COLUMNS(self) -> str:
        return (
            f"id, created_at, provider, environment, COALESCE({self._DESCRIPTION_SQL}, ''), "
            "file_name, state, summary, retry_of, provider_code, provider_message, clerk"
        )

    def rows(self, query: HistoryQuery, *, before_id: int | None = None, limit: int = 200) -> list[HistoryRow]:
        """Up to `limit` rows matching `query`, newest first, older than `before_id` (the next page)."""
        where, args = query.where(self._DESCRIPTION_SQL, self._CONTAINS)
        if before_id is not None:
            where += " AND id < ?"
            args.append(before_id)
        sql = f"SELECT {self._ROW_COLUMNS} FROM attempts WHERE {where} ORDER BY id DESC LIMIT ?"
        with self._lock:
            found = self._db.execute(sql, (*args, limit)).fetchall()
        return [_history_row(r) for r in found]

    def count(self, query: HistoryQuery) -> int:
        where, args = query.where(self._DESCRIPTION_SQL, self._CONTAINS)
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM attempts WHERE {where}", args).fetchone()[0])

    def clerks(self) -> list[str]:
        """Every clerk who made an attempt in this history, in alphabetical order (the History's clerk filter)."""
        with self._lock:
            found = self._db.execute("SELECT DISTINCT clerk FROM attempts WHERE clerk IS NOT NULL ORDER BY clerk")
            return [r[0] for r in found.fetchall()]


def _history_row(r: tuple[Any, ...]) -> HistoryRow:
    # The summary (stored as code + parameters) in the language the clerk reads now.
    id_, created, provider, environment, description, file_name, state, summary, retry_of, code, message, clerk = r
    return HistoryRow(
        id_,
        created,
        provider,
        environment,
        description,
        file_name,
        state,
        str(decode(summary) or ""),
        retry_of,
        code,
        message,
        clerk,
    )
