"""Documents dropped with no file behind them (an Outlook attachment, a file dragged out of a browser): their content
is saved into the app's data folder, private like the snapshots, and then checked and sent like any file. Kept, so
a Retry after a restart still finds it (the attempt's snapshot is made from this copy). Qt-free.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from .paths import data_dir, private_dir, private_file

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def dropped_dir() -> Path:
    return private_dir(data_dir() / "dropped")


def safe_name(name: str) -> str:
    """The name a sender gave, as a plain file name: no folders, no characters Windows refuses."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned or "attachment"


def save_dropped(name: str, content: bytes, folder: Path | None = None) -> Path:
    """Write `content` under its own name in a fresh private folder (two drops of "invoice.pdf" never clash)."""
    home = private_dir((folder or dropped_dir()) / secrets.token_hex(8))
    path = private_file(home / safe_name(name))
    path.write_bytes(content)
    return path
