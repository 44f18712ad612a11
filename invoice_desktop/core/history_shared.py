"""The shared history as the app uses it: `PgHistory`, plus what a network in between asks for.

- A lost connection becomes `HistoryUnavailable` (a `HistoryBusy`: the upload path already knows that nothing may be
  sent without a record, and that an outcome which cannot be written is kept, not dropped), with a plain message
  saying what to check. The next statement that starts afresh connects again, so the app recovers by itself when
  the server is back; a transaction cut in the middle is never continued on a new connection.
- An outcome that cannot be written is kept in the local journal (core/history_journal.py) before the clerk is told,
  written to the server at the next heartbeat or start, and shown in the History list until then.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psycopg

from .exchange import Exchange
from .history import HistoryBusy, HistoryQuery, HistoryRow, _now
from .history_journal import Journal, JournalEntry
from .history_pg import PgHistory, _PgConnection, _PgCursor, connect
from .i18n import N_, Msg, _, from_stored, to_stored
from .stored_text import Text

log = logging.getLogger("invoice_desktop.history")

KEPT_PREFIX = N_("Kept on this computer until the shared server can be reached: ")
# The outcome fields that may hold a kept sentence (a Msg): stored in the journal as code + parameters.
_SENTENCES = ("summary", "provider_code", "provider_message")


class HistoryUnavailable(HistoryBusy):
    """The shared history's server cannot be reached right now."""

    def __init__(self, message: Text, kept_note: Text = "") -> None:
        super().__init__(message)
        self.kept_note = kept_note  # for an outcome: where it is kept meanwhile


def _unavailable(where: str, exc: BaseException) -> HistoryUnavailable:
    details = " ".join(str(exc).split())
    return HistoryUnavailable(
        Msg(
            "The shared history server ({where}) cannot be reached right now. Check that this computer is on the "
            "office network (or VPN) and that the server is running; to work on this computer's own history "
            "instead, choose History: “This computer” in File → Settings. (Details: {details})",
            where=where,
            details=details,
        )
    )


class _Reconnecting(_PgConnection):
    """A psycopg connection that is replaced by a new one when it broke, between transactions only."""

    def __init__(self, connection: psycopg.Connection[Any], url: str, where: str, lock_timeout_ms: int) -> None:
        super().__init__(connection)
        self._url, self._where, self._lock_timeout_ms = url, where, lock_timeout_ms
        self._in_transaction = False

    def _usable(self) -> None:
        if not (self.connection.closed or self.connection.broken):
            return
        if self._in_transaction:  # the rest of a transaction cut short must not run on its own
            raise _unavailable(self._where, psycopg.OperationalError("the connection was lost mid-transaction"))
        try:
            fresh = connect(self._url, connect_timeout_s=5)
            fresh.execute(f"SET lock_timeout = {self._lock_timeout_ms}")
        except psycopg.OperationalError as exc:
            raise _unavailable(self._where, exc) from None
        log.info(N_("Connected to the shared history again"))
        self.connection = fresh

    def execute(self, sql: str, args: Sequence[Any] = ()) -> _PgCursor:
        word = sql.lstrip()[:8].upper()
        if word.startswith(("COMMIT", "ROLLBACK")):
            ending = True
        else:
            ending = False
            self._usable()
        try:
            cursor = super().execute(sql, args)
        except psycopg.OperationalError as exc:
            if self.connection.closed or self.connection.broken:
                self._in_transaction = False  # the server dropped it: the next statement starts afresh
                raise _unavailable(self._where, exc) from None
            raise
        if word.startswith("BEGIN"):
            self._in_transaction = True
        elif ending:
            self._in_transaction = False
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._usable()
        try:
            super().executemany(sql, rows)
        except psycopg.OperationalError as exc:
            if self.connection.closed or self.connection.broken:
                self._in_transaction = False
                raise _unavailable(self._where, exc) from None
            raise


class SharedHistory(PgHistory):
    """The office's history on PostgreSQL, surviving a lost connection without losing an answer."""

    def __init__(self, url: str, *, journal: Journal | None = None, **options: Any) -> None:
        super().__init__(url, **options)
        self.journal = journal or Journal.default()
        raw = self._db
        assert isinstance(raw, _PgConnection)
        self._db = _Reconnecting(raw.connection, url, self.server, int(self.busy_timeout_s * 1000))
        self._rows_of_mine: dict[int, dict[str, Any]] = {}  # what the list shows of attempts made here
        self.empty_journal()

    # -- recording: remember what the list needs, should the answer have to wait in the journal -----------------

    def create(self, **attempt: Any) -> int:
        attempt_id = super().create(**attempt)
        options = attempt.get("options") or {}
        file_path = attempt.get("file_path")
        self._rows_of_mine[attempt_id] = {
            "created_at": _now(),
            "provider": attempt["provider"],
            "environment": attempt["environment"],
            "description": str(options.get("description") or ""),
            "file_name": Path(file_path).name if file_path else None,
            "retry_of": attempt.get("retry_of"),
            "clerk": self.clerk,
        }
        return attempt_id

    def finish(self, attempt_id: int, **outcome: Any) -> None:
        try:
            super().finish(attempt_id, **outcome)
        except HistoryUnavailable as exc:
            path = self._keep(attempt_id, outcome)
            raise HistoryUnavailable(
                exc.message,
                kept_note=Msg(
                    "The connection to the shared history was lost while this upload ran, so its outcome is kept on "
                    "this computer ({folder}) and written to the server as soon as it can be reached; the History "
                    "shows it meanwhile. Nothing is lost.",
                    folder=str(path.parent),
                ),
            ) from None
        self._rows_of_mine.pop(attempt_id, None)

    def _keep(self, attempt_id: int, outcome: dict[str, Any]) -> Path:
        kept = dict(outcome)
        kept.pop("patience_s", None)
        kept["exchanges"] = [e.to_dict() for e in kept.get("exchanges") or ()]
        for name in _SENTENCES:
            kept[name] = to_stored(kept.get(name))
        return self.journal.keep(self.server, attempt_id, kept, self._rows_of_mine.get(attempt_id, {}))

    def finish_later(self, attempt_id: int, **outcome: Any) -> None:
        """Kept in the journal already (by `finish`): the heartbeat empties it once the server is back."""
        if not any(e.attempt_id == attempt_id for e in self.journal.entries(self.server)):
            self._keep(attempt_id, outcome)  # a lock timeout on the server, not a lost connection
        self.keep_leases()

    def write_deferred(self) -> int:
        return super().write_deferred() + self.empty_journal()

    def empty_journal(self) -> int:
        """Write the journal's answers for this history to the server; those it cannot take yet stay."""
        written = 0
        for entry in self.journal.entries(self.server):
            try:
                if self.get(entry.attempt_id) is None:
                    log.warning(
                        "The journal holds an answer for attempt %s, which %s does not have; kept in %s",
                        entry.attempt_id,
                        self.server,
                        entry.path,
                    )
                    continue
                outcome = dict(entry.outcome)
                outcome["exchanges"] = [Exchange.from_dict(e) for e in outcome.get("exchanges") or ()]
                for name in _SENTENCES:
                    outcome[name] = from_stored(outcome.get(name))
                PgHistory.finish(self, entry.attempt_id, **outcome, patience_s=0.0)
            except HistoryBusy:
                break  # still unreachable (or locked): the next beat tries again
            self.journal.remove(entry)
            self._rows_of_mine.pop(entry.attempt_id, None)
            written += 1
            log.info(
                N_("Attempt %(attempt)s: its outcome, kept in the journal, is now on the shared server"),
                {"attempt": entry.attempt_id},
            )
        return written

    def close(self) -> None:
        try:
            self.empty_journal()
        except Exception as exc:  # kept on disk: the next start writes it
            log.warning("The journal could not be emptied into the shared history: %s", exc)
        super().close()

    # -- the list: answers still in the journal are shown as they are known here ---------------------------------

    def _journal_rows(self) -> dict[int, JournalEntry]:
        return {e.attempt_id: e for e in self.journal.entries(self.server)}

    @staticmethod
    def _overlay(row: HistoryRow, entry: JournalEntry) -> HistoryRow:
        outcome = entry.outcome
        return dataclasses.replace(
            row,
            state=outcome.get("state", row.state),
            summary=_(KEPT_PREFIX) + str(from_stored(outcome.get("summary")) or ""),
            provider_code=from_stored(outcome.get("provider_code")),
            provider_message=from_stored(outcome.get("provider_message")),
        )

    @classmethod
    def _offline_row(cls, entry: JournalEntry) -> HistoryRow:
        row = entry.row
        bare = HistoryRow(
            id=entry.attempt_id,
            created_at=str(row.get("created_at", "")),
            provider=str(row.get("provider", "")),
            environment=str(row.get("environment", "")),
            description=str(row.get("description", "")),
            file_name=row.get("file_name"),
            state="",
            summary="",
            retry_of=row.get("retry_of"),
            clerk=row.get("clerk"),
        )
        return cls._overlay(bare, entry)

    def _offline_matches(self, query: HistoryQuery) -> list[HistoryRow]:
        """While the server cannot be reached: the journal's answers that the search would show."""
        found = [self._offline_row(e) for e in self._journal_rows().values()]
        text = query.text.strip().lower()
        return [
            r
            for r in sorted(found, key=lambda r: -r.id)
            if (not query.provider or r.provider == query.provider)
            and (not query.state or r.state == query.state)
            and (not query.clerk or r.clerk == query.clerk)
            and (not text or text in f"{r.description} {r.file_name or ''} {r.provider} #{r.id}".lower())
        ]

    def rows(self, query: HistoryQuery, *, before_id: int | None = None, limit: int = 200) -> list[HistoryRow]:
        try:
            found = super().rows(query, before_id=before_id, limit=limit)
        except HistoryUnavailable:
            offline = self._offline_matches(query)
            if not offline:
                raise  # nothing kept here: say the server cannot be reached, never "no uploads yet"
            return [r for r in offline if before_id is None or r.id < before_id][:limit]
        kept = self._journal_rows()
        return [self._overlay(r, kept[r.id]) if r.id in kept else r for r in found]

    def count(self, query: HistoryQuery) -> int:
        try:
            return super().count(query)
        except HistoryUnavailable:
            offline = self._offline_matches(query)
            if not offline:
                raise
            return len(offline)
