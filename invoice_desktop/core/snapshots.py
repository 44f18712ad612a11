"""Private snapshots: what is checked is what is sent.

The clerk's file may change after it was checked: replaced by another export, still being written by a download,
truncated, deleted. Checking a hash while streaming notices only after the body has gone, so the file is copied
once, at the check, into the app's data folder (0700; the copy 0600), with its size and SHA-256; the checks run
on the copy and the upload (and any Retry) sends the copy. A file that changes while it is being copied is refused
with a plain message. The copy is removed once the attempt succeeded; it is kept while the attempt may be retried.

Each copy lives in a folder of its own under the original file's name, so check messages and the name the provider
sees stay those of the clerk's file.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .attachments import AttachmentRefused, AttachmentRules, CheckedAttachment, check_attachment
from .i18n import N_, Msg
from .paths import PRIVATE_FILE_MODE, private_dir, remove_unused_folders

log = logging.getLogger("invoice_desktop.snapshots")

CHUNK = 1024 * 1024
# A snapshot no attempt refers to is one whose upload was prepared but never started (the clerk said no to a
# warning, or the app stopped): removed at start-up once it is this old (another app may have just taken it).
ORPHAN_AGE_S = 3600.0


@dataclass(frozen=True)
class Snapshot:
    """The private copy of a clerk's file that is checked and sent, with its size and SHA-256."""

    path: Path  # the private copy, which is checked and sent
    original: Path  # the clerk's file, as it was picked
    size: int
    sha256: str


def snapshots_dir() -> Path:
    from .paths import data_dir

    return private_dir(data_dir() / "snapshots")


def _changed(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        "changed",
        Msg(
            "“{name}” changed while it was being read (is it still being saved, downloaded or "
            "synced?). Wait until it is complete, then pick it again.",
            name=name,
        ),
    )


def _read(fh: BinaryIO, size: int) -> bytes:
    """One chunk of the clerk's file (a seam for the tests that change the file mid-copy)."""
    return fh.read(size)


def take(original: str | os.PathLike[str], rules: AttachmentRules, folder: Path | None = None) -> Snapshot:
    """Copy `original` privately, refusing it when it changes during the copy. Files the checks would refuse
    before reading them (missing, a folder, the wrong extension, too big) are refused with the checks' own
    message, without being copied."""
    path = Path(original)
    try:
        before = path.stat()
    except OSError:
        before = None
    if (
        before is None
        or not stat.S_ISREG(before.st_mode)
        or before.st_size == 0
        or before.st_size > rules.max_bytes
        or path.suffix.lower() not in rules.accepted_extensions
    ):
        check_attachment(path, rules)  # raises the rule the clerk broke, in the checks' words
        raise _changed(path.name)  # it passed after all: it changed between two looks
    home = private_dir((folder or snapshots_dir()) / os.urandom(16).hex())  # as uuid4().hex, without uuid's imports
    copy = home / path.name
    try:
        digest, size = _copy(path, copy, before, rules.max_bytes)
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    return Snapshot(copy, path, size, digest)


def _copy(path: Path, copy: Path, before: os.stat_result, max_bytes: int) -> tuple[str, int]:
    import hashlib  # here, not with the module: it loads OpenSSL's libcrypto, needed only once a file is sent

    digest = hashlib.sha256()
    size = 0
    try:
        src = path.open("rb")
    except OSError as exc:
        raise AttachmentRefused(
            "unreadable", Msg("“{name}” cannot be read: {reason}.", name=path.name, reason=exc.strerror or str(exc))
        ) from None
    with src:
        opened = os.fstat(src.fileno())
        if not _same_file(opened, before):
            raise _changed(path.name)
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as dst:
            while chunk := _read(src, CHUNK):
                size += len(chunk)
                if size > max_bytes:  # it grew past the limit while being read
                    raise _changed(path.name)
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        after = os.fstat(src.fileno())
    try:
        still_there = path.stat()
    except OSError:
        still_there = None  # deleted or moved away during the copy
    if (
        size != before.st_size
        or not _same_file(after, before)
        or still_there is None
        or not _same_file(still_there, before)
    ):
        raise _changed(path.name)
    return digest.hexdigest(), size


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file, unchanged: same identity, size and modification time."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def take_and_check(original: str | os.PathLike[str], rules: AttachmentRules) -> tuple[CheckedAttachment, Snapshot]:
    """Snapshot the clerk's file and check the snapshot: the attachment that is sent is the one that was checked."""
    snapshot = take(original, rules)
    try:
        return check_attachment(snapshot.path, rules), snapshot
    except BaseException:
        discard(snapshot.path)
        raise


def reuse(
    snapshot_path: str, sha256: str, original: str | None, rules: AttachmentRules
) -> tuple[CheckedAttachment, Snapshot]:
    """The snapshot an earlier attempt sent, for its Retry: the same bytes, whatever became of the original."""
    path = Path(snapshot_path)
    name = Path(original).name if original else path.name
    import hashlib  # see _copy

    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except OSError:
        raise AttachmentRefused(
            "snapshot-missing",
            Msg("The copy of “{name}” kept for sending it again is gone. Start a new upload with the file.", name=name),
        ) from None
    if digest.hexdigest() != sha256:
        raise AttachmentRefused(
            "snapshot-changed",
            Msg(
                "The copy of “{name}” kept for sending it again was changed on disk. Start a new upload with the file.",
                name=name,
            ),
        )
    checked = check_attachment(path, rules)
    return checked, Snapshot(path, Path(original) if original else path, checked.size, sha256)


def discard(snapshot_path: str | os.PathLike[str] | None) -> None:
    """Remove a snapshot (its own folder with it). Never touches anything outside the snapshots folder layout."""
    if not snapshot_path:
        return
    home = Path(snapshot_path).parent
    shutil.rmtree(home, ignore_errors=True)


def sweep(in_use: Callable[[], Iterable[str]], folder: Path | None = None, orphan_age_s: float = ORPHAN_AGE_S) -> int:
    """Remove snapshots no attempt that may still be retried refers to, once they are `orphan_age_s` old.

    `in_use` gives the snapshot paths of attempts that are not settled (read after listing the folder, so a
    snapshot taken meanwhile is either listed as in use or too young to be removed).
    """
    root = folder or snapshots_dir()
    removed = remove_unused_folders(root, orphan_age_s, in_use)
    if removed:
        log.info(N_("Snapshots of settled or abandoned uploads removed: %(count)s"), {"count": removed})
    return removed
