"""Logging to a rotating file in the user's log folder. Everything logged is already redacted: exchanges are
redacted when recorded, and messages never carry credential values."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


class ExchangeFormatter(logging.Formatter):
    """Writes a whole exchange (request and answer) where a record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        exchange = getattr(record, "exchange", None)
        if exchange is not None:
            return f"{line}\n{exchange.as_text()}\n"
        return line


def setup_file_logging(level: int = logging.INFO) -> Path:
    from .paths import log_dir

    path = log_dir() / "invoice-desktop.log"
    root = logging.getLogger("invoice_desktop")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(ExchangeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path
