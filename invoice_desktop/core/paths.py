"""Where the app keeps its files. `INVOICE_DESKTOP_HOME` overrides everything (tests, portable use).

The history, the logs and the file snapshots hold customers' names, addresses and amounts: on Linux and macOS the
app's folders are made 0700 and its files 0600, whatever the umask (0022 would make them readable by every user of
the computer). On Windows the per-user AppData folder is already private to the user.
"""

from __future__ import annotations

import os
import stat
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
