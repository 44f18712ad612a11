"""Logging to a rotating file in the user's log folder. Everything logged is already redacted: exchanges are
redacted when recorded, and messages never carry credential values."""

from __future__ import annotations

import logging
import logging.handlers
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


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are readable by their owner only (they hold customers' details), including each
    new file opened at rotation and the backups an older release left readable by all."""

    def __init__(self, filename: Path, maxBytes: int, backupCount: int, encoding: str | None = None) -> None:
        super().__init__(filename, maxBytes=maxBytes, backupCount=backupCount, encoding=encoding)
        from .paths import make_private

        for n in range(1, backupCount + 1):
            make_private(Path(f"{self.baseFilename}.{n}"))

    def _open(self) -> Any:  # the stream the base class opens
        from .paths import private_file

        private_file(Path(self.baseFilename))  # called at start and after each rotation
        return super()._open()


def setup_file_logging(level: int = logging.INFO) -> Path:
    from .paths import log_dir

    path = log_dir() / "invoice-desktop.log"
    root = logging.getLogger("invoice_desktop")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(ExchangeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path


def log_file() -> Path | None:
    """The log file this process writes to, if file logging is set up."""
    for handler in logging.getLogger("invoice_desktop").handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
