"""The history, the logs and their folders hold customers' names, addresses and amounts: on Linux and macOS they
are readable by their owner only (folders 0700, files 0600), whatever the umask, and files an older release left
readable by everyone are narrowed when the app opens them."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from invoice_desktop.core.history import History
from invoice_desktop.core.logs import PrivateRotatingFileHandler, setup_file_logging
from invoice_desktop.core.paths import data_dir, log_dir

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Windows keeps AppData private with ACLs")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def everyone_can_read_by_default() -> Iterator[None]:
    """The usual umask: without care, new files would be 0644 and folders 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_history_database_and_its_wal_and_shm_files_are_private(app_home):
    history = History(data_dir() / "history.sqlite3")
    try:
        history.create(provider="imaterialise", environment="practice", base_url="http://x", form={"a": "Müller"})
        files = [history.path, Path(f"{history.path}-wal"), Path(f"{history.path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}
        assert mode(data_dir()) == 0o700
    finally:
        history.close()


def test_a_history_left_readable_by_an_older_release_is_made_private(app_home):
    app_home.mkdir(mode=0o755)
    path = app_home / "history.sqlite3"
    History(path).close()
    for f in (path, Path(f"{path}-wal")):
        f.touch()
        os.chmod(f, 0o644)
    os.chmod(app_home, 0o755)
    again = History(path)
    try:
        assert mode(path) == 0o600 and mode(Path(f"{path}-wal")) == 0o600
        assert mode(app_home) == 0o700
    finally:
        again.close()


def test_the_log_folder_and_every_log_file_are_private_even_after_rotation(app_home):
    folder = log_dir()
    assert mode(folder) == 0o700
    old_backup = folder / "invoice-desktop.log.1"
    old_backup.write_text("from an older release\n")
    os.chmod(old_backup, 0o644)
    handler = PrivateRotatingFileHandler(folder / "invoice-desktop.log", maxBytes=200, backupCount=3)
    logger = logging.getLogger("test_permissions")
    logger.addHandler(handler)
    try:
        for n in range(20):  # past maxBytes several times: new files are opened at each rotation
            logger.warning("invoice %s for Erika Mustermann, Musterstraße 1", n)
    finally:
        logger.removeHandler(handler)
        handler.close()
    logs = sorted(folder.iterdir())
    assert len(logs) == 4
    assert {p.name: oct(mode(p)) for p in logs} == {p.name: oct(0o600) for p in logs}


def test_the_apps_own_log_setup_writes_a_private_file(app_home):
    root = logging.getLogger("invoice_desktop")
    before = list(root.handlers)
    try:
        path = setup_file_logging()
        logging.getLogger("invoice_desktop.test").info("hello")
        assert path.exists() and mode(path) == 0o600
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
