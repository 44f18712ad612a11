"""Logging to a rotating file in the user's log folder. Everything logged is already redacted: exchanges are
redacted when recorded, and messages never carry credential values."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any


class ExchangeFormatter(logging.Formatter):
    """Writes a whole exchange (request and answer) where a record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        exchange = getattr(record, "exchange", None)
        if exchange is not None:
            return f"{line}\n{exchange.as_text()}\n"
        return line


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file started afresh when it would grow past `maxBytes`, keeping `backupCount` older ones (`.1` the
    newest): logging.handlers.RotatingFileHandler's rule, written out here because importing logging.handlers also
    loads pickle and the handlers for sockets, queues and e-mail that the app never uses, in every CLI command.

    Its files are readable by their owner only (they hold customers' details), including each new file opened at
    rotation and the backups an older release left readable by all."""

    def __init__(self, filename: Path, maxBytes: int, backupCount: int, encoding: str | None = None) -> None:
        self.maxBytes = maxBytes
        self.backupCount = backupCount
        super().__init__(filename, mode="a", encoding=encoding)
        from .paths import make_private

        for n in range(1, backupCount + 1):
            make_private(Path(f"{self.baseFilename}.{n}"))

    def _open(self) -> Any:  # the stream the base class opens
        from .paths import private_file

        private_file(Path(self.baseFilename))  # called at start and after each rotation
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_roll_over(record):
                self._roll_over()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _should_roll_over(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):  # e.g. /dev/null
            return False
        if self.maxBytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, 2)
        written = self.stream.tell()
        return written > 0 and written + len(self.format(record) + self.terminator) >= self.maxBytes

    def _roll_over(self) -> None:
        """invoice-desktop.log.4 becomes .5 (the oldest, .5, is replaced), … .1 becomes .2, the file itself .1."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        if self.backupCount > 0:
            for n in range(self.backupCount - 1, 0, -1):
                older = f"{self.baseFilename}.{n}"
                if os.path.exists(older):
                    os.replace(older, f"{self.baseFilename}.{n + 1}")
            if os.path.exists(self.baseFilename):
                os.replace(self.baseFilename, f"{self.baseFilename}.1")
        self.stream = self._open()


def setup_file_logging(level: int = logging.INFO) -> Path:
    from .paths import log_dir

    path = log_dir() / "invoice-desktop.log"
    root = logging.getLogger("invoice_desktop")
    if not any(isinstance(h, PrivateRotatingFileHandler) for h in root.handlers):
        handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(ExchangeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path


def log_file() -> Path | None:
    """The log file this process writes to, if file logging is set up."""
    for handler in logging.getLogger("invoice_desktop").handlers:
        if isinstance(handler, PrivateRotatingFileHandler):
            return Path(handler.baseFilename)
    return None
