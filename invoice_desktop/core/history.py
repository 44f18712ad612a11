"""Every upload attempt in a local SQLite database, written before anything is sent.

An attempt is created in state `sending` before its first request leaves, updated with each exchange as it
happens, and closed with the outcome. An attempt still `sending` when the app starts again was interrupted
(crash, power cut): it is marked so, and the clerk is told to check with the provider.
Provider modules may keep `resume` data here (e.g. SkyPostal's step-1 GUID) so a retry continues, not repeats.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .exchange import Exchange
from .schema import migrate

# States an attempt can be in.
SENDING = "sending"
SUCCEEDED = "succeeded"
REJECTED = "rejected"  # the provider answered with an error
FAILED = "failed"  # no usable answer (network, timeout)
CANCELLED = "cancelled"
INTERRUPTED = "interrupted"  # the app stopped while sending


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class Attempt:
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
    summary: str
    provider_code: str | None
    provider_message: str | None
    result: dict[str, Any] = field(default_factory=dict)
    resume: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state not in (SENDING,)


class History:
    """Thread-safe: workers write, the UI reads. One connection, guarded by a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        migrate(self._db)

    @classmethod
    def default(cls) -> History:
        from .paths import data_dir

        return cls(data_dir() / "history.sqlite3")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def mark_interrupted(self, older_than_s: float = 0.0) -> int:
        """At start-up: attempts left `sending` by an earlier run were interrupted.

        `older_than_s` spares attempts updated more recently than that: another process (the window, while the
        CLI runs) may still be sending them.
        """
        from datetime import timedelta

        cutoff = (datetime.now().astimezone() - timedelta(seconds=older_than_s)).isoformat(timespec="seconds")
        with self._lock:
            cur = self._db.execute(
                "UPDATE attempts SET state=?, updated_at=?, summary=? WHERE state=? AND updated_at<=?",
                (
                    INTERRUPTED,
                    _now(),
                    "The app stopped while this upload was being sent. Check with the provider whether it arrived "
                    "before sending it again.",
                    SENDING,
                    cutoff,
                ),
            )
            return cur.rowcount

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
    ) -> int:
        now = _now()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, "
                "file_path, file_size, form_json, options_json, state) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
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
                    SENDING,
                ),
            )
            return int(cur.lastrowid or 0)

    def reopen(self, attempt_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE attempts SET state=?, updated_at=? WHERE id=?", (SENDING, _now(), attempt_id))

    def add_exchange(self, attempt_id: int, exchange: Exchange) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO exchanges (attempt_id, exchange_json) VALUES (?, ?)",
                (attempt_id, json.dumps(exchange.to_dict(), ensure_ascii=False)),
            )

    def set_resume(self, attempt_id: int, resume: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE attempts SET resume_json=?, updated_at=? WHERE id=?", (json.dumps(resume), _now(), attempt_id)
            )

    def finish(
        self,
        attempt_id: int,
        *,
        state: str,
        summary: str,
        provider_code: str | None = None,
        provider_message: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE attempts SET state=?, summary=?, provider_code=?, provider_message=?, result_json=?, "
                "updated_at=? WHERE id=?",
                (
                    state,
                    summary,
                    provider_code,
                    provider_message,
                    json.dumps(result or {}, default=str),
                    _now(),
                    attempt_id,
                ),
            )

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
            summary=summary,
            provider_code=code,
            provider_message=message,
            result=json.loads(result),
            resume=json.loads(resume),
        )

    _COLUMNS = (
        "id, created_at, updated_at, provider, environment, base_url, file_name, file_path, file_size, "
        "form_json, options_json, state, summary, provider_code, provider_message, result_json, resume_json"
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
        return [Exchange.from_dict(json.loads(r[0])) for r in rows]

    def succeeded_with(self, provider: str, environment: str, key: str, value: str) -> list[Attempt]:
        """Earlier successful attempts whose form had `key` == `value` (e.g. the same InvoiceId)."""
        return [
            a
            for a in self.recent(limit=5000, provider=provider)
            if a.environment == environment and a.state == SUCCEEDED and str(a.form.get(key)) == str(value)
        ]
