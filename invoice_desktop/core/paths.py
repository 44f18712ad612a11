"""Where the app keeps its files. `INVOICE_DESKTOP_HOME` overrides everything (tests, portable use)."""

from __future__ import annotations

import os
from pathlib import Path

from .. import APP_ID


def data_dir() -> Path:
    override = os.environ.get("INVOICE_DESKTOP_HOME")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    override = os.environ.get("INVOICE_DESKTOP_HOME")
    if override:
        path = Path(override) / "logs"
    else:
        import platformdirs

        path = Path(platformdirs.user_log_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
