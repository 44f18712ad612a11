"""Where the app keeps its files. `INVOICE_DESKTOP_HOME` overrides everything (tests, portable use).

The history, the logs and the file snapshots hold customers' names, addresses and amounts: on Linux and macOS the
app's folders are made 0700 and its files 0600, whatever the umask (0022 would make them readable by every user of
the computer). On Windows the per-user AppData folder is already private to the user.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import APP_ID

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed, and make `path` itself readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if _POSIX and stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR_MODE:
        os.chmod(path, PRIVATE_DIR_MODE)  # made by an older release, or mkdir's mode narrowed by the umask
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if it does not exist, and make it readable and writable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
    os.close(fd)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Narrow an existing file to 0600 (files written by an older release were 0644); missing files are skipped."""
    if not _POSIX:
        return
    try:
        if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
            os.chmod(path, PRIVATE_FILE_MODE)
    except FileNotFoundError:
        pass


def private_settings_file(path: Path) -> None:
    """The window's settings file (Qt's, on Linux and the BSDs: ~/.config/invoice-desktop/invoice-desktop.conf, with
    addresses and the clerk's choices): 0600, and its folder 0700 when the folder is the app's own. Created empty
    when missing, because Qt keeps an existing file's mode when it rewrites it but makes a new one 0644.

    macOS keeps preferences through cfprefsd in the shared ~/Library/Preferences: left to the system there.
    """
    import sys

    if not _POSIX or sys.platform == "darwin":
        return
    if path.parent.name == APP_ID:
        private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)


def data_dir() -> Path:
    override = os.environ.get("INVOICE_DESKTOP_HOME")
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    return private_dir(path)


def log_dir() -> Path:
    override = os.environ.get("INVOICE_DESKTOP_HOME")
    if override:
        path = Path(override) / "logs"
    else:
        import platformdirs

        path = Path(platformdirs.user_log_dir(APP_ID, appauthor=False))
    return private_dir(path)


def remove_unused_folders(root: Path, orphan_age_s: float, in_use: Callable[[], Iterable[str]]) -> int:
    """Remove the per-file folders under `root` older than `orphan_age_s` that hold none of the files `in_use`
    names; the number removed. `in_use` is read after listing the folder, so a folder made meanwhile is either
    listed as in use or too young to be removed. Snapshots and dropped documents are both kept this way."""
    import shutil  # with zlib, bz2 and lzma: not for every command that only needs a path

    cutoff = time.time() - orphan_age_s
    try:
        candidates = [d for d in root.iterdir() if d.is_dir() and d.stat().st_mtime < cutoff]
    except OSError:  # no folder yet: nothing was ever kept there
        return 0
    if not candidates:
        return 0
    keep = {str(Path(p).parent) for p in in_use()}
    removed = 0
    for home in candidates:
        if str(home) not in keep:
            shutil.rmtree(home, ignore_errors=True)
            removed += 1
    return removed
