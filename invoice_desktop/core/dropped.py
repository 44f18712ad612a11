"""Documents dropped with no file behind them (an Outlook attachment, a file dragged out of a browser): their content
is saved into the app's data folder, private like the snapshots, and then checked and sent like any file. Kept while
an upload may still need it (the attempt's snapshot is made from this copy; an attempt or batch row not yet
succeeded may be sent again from it); removed at a later start once no such upload refers to it. Qt-free.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .i18n import N_
from .paths import data_dir, private_dir, private_file, remove_unused_folders

_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')
# A document no upload refers to is removed at start once this old: a day, so a window left open with it in its
# drop zone (checked, not yet sent) keeps it.
ORPHAN_AGE_S = 24 * 3600.0

log = logging.getLogger("invoice_desktop.dropped")


def dropped_dir() -> Path:
    return private_dir(data_dir() / "dropped")


def safe_name(name: str) -> str:
    """The name a sender gave, as a plain file name: no folders, no characters Windows refuses."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned or "attachment"


def save_dropped(name: str, content: bytes, folder: Path | None = None) -> Path:
    """Write `content` under its own name in a fresh private folder (two drops of "invoice.pdf" never clash)."""
    # os.urandom, as secrets.token_hex does: importing secrets loads hmac, hashlib and OpenSSL's libcrypto (~3.5 MiB
    # of the idle window's memory, which imports this module for the start-up sweep).
    home = private_dir((folder or dropped_dir()) / os.urandom(8).hex())
    path = private_file(home / safe_name(name))
    path.write_bytes(content)
    return path


def sweep(in_use: Callable[[], Iterable[str]], folder: Path | None = None, orphan_age_s: float = ORPHAN_AGE_S) -> int:
    """Remove the dropped documents that no attempt or batch row that may still be sent refers to, once they are
    `orphan_age_s` old. `in_use` gives those files (read after listing the folder, so a document dropped meanwhile
    is either listed as in use or too young to be removed)."""
    root = folder or data_dir() / "dropped"
    removed = remove_unused_folders(root, orphan_age_s, in_use)
    if removed:
        log.info(N_("Dropped documents no upload needs any more removed: %(count)s"), {"count": removed})
    return removed
