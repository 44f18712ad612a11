"""The shared history's local journal: a provider's answer that arrived while the server could not be reached.

An upload is recorded on the server before it is sent, but the connection may be lost while it runs (the server
restarts, the VPN drops). The provider's answer must not be lost with it: it is kept here, on this computer, in the
folder `shared-history-journal` of the app's data folder — one small JSON file per answer, written whole (a
temporary file renamed into place), readable only by this user — and written to the server as soon as it can be
reached again (at the next heartbeat, or the next start). Until then the History view shows it.

One file per answer, so the window and the CLI on the same computer never rewrite each other's entries. An entry
names the server and database it belongs to: an answer is only ever written to the history it was recorded in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("invoice_desktop.history")

FOLDER_NAME = "shared-history-journal"


@dataclass(frozen=True)
class JournalEntry:
    server: str  # host:port/database of the history the attempt lives in
    attempt_id: int
    outcome: dict[str, Any]  # History.finish's arguments, the exchanges as dicts
    row: dict[str, Any]  # what the History list shows of the attempt (provider, time, file name…)
    path: Path


class Journal:
    """The journal's folder; entries are keyed by server and attempt number."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> Journal:
        from .paths import data_dir

        return cls(data_dir() / FOLDER_NAME)

    def _file(self, server: str, attempt_id: int) -> Path:
        tag = hashlib.sha256(server.encode()).hexdigest()[:16]
        return self.folder / f"{tag}-{attempt_id}.json"

    def keep(self, server: str, attempt_id: int, outcome: dict[str, Any], row: dict[str, Any]) -> Path:
        """Write one answer durably (fsync'd before it is renamed into place)."""
        from .paths import private_dir

        private_dir(self.folder)
        path = self._file(server, attempt_id)
        text = json.dumps(
            {"server": server, "attempt": attempt_id, "outcome": outcome, "row": row},
            ensure_ascii=False,
            default=str,
        )
        fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def entries(self, server: str) -> list[JournalEntry]:
        """The answers kept for `server`, oldest attempt first."""
        found: list[JournalEntry] = []
        if not self.folder.is_dir():
            return found
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:  # a half-written file cannot exist (rename); say so, keep it
                log.warning("The journal entry %s cannot be read: %s", path, exc)
                continue
            if data.get("server") == server:
                found.append(JournalEntry(server, int(data["attempt"]), data["outcome"], data.get("row", {}), path))
        return sorted(found, key=lambda e: e.attempt_id)

    def remove(self, entry: JournalEntry) -> None:
        entry.path.unlink(missing_ok=True)
