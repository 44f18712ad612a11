"""What is checked is what is sent: the file is copied privately at the check and the copy is sent, so a file
swapped, grown, shrunk or deleted after the check changes nothing, a file that changes while being copied is
refused plainly, and Retry sends the same copy whatever became of the original."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from invoice_desktop.core import snapshots
from invoice_desktop.core.attachments import AttachmentRefused
from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

PROVIDER = get_provider("imaterialise")
MB = 1024 * 1024


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)


def prepare(services, path: Path):
    return services.uploads.prepare(PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=path)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def snapshot_folders(app_home: Path) -> list[Path]:
    root = app_home / "snapshots"
    return sorted(root.iterdir()) if root.exists() else []


# -- changed after the check: the checked bytes are sent ------------------------------------------------------


def _swap(path: Path) -> None:  # another export under the same name: an 11 MB file that is not a PDF
    path.write_bytes(b"MZ" + b"\0" * (11 * MB))


def _grow(path: Path) -> None:  # a download still being written
    with path.open("ab") as fh:
        fh.write(b"more bytes " * 10_000)


def _shrink(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _delete(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("change", [_swap, _grow, _shrink, _delete], ids=["swapped", "grows", "shrinks", "deleted"])
def test_a_file_changed_after_the_check_sends_exactly_the_checked_bytes(services, sandbox, make_file, change):
    pdf = make_file("Rechnung_Müller_№5.pdf", size=300_000)
    checked = pdf.read_bytes()
    prepared = prepare(services, pdf)
    change(pdf)
    result = services.uploads.run(prepared)
    assert result.ok, result
    [received] = sandbox.received
    assert (received["size"], received["sha256"]) == (len(checked), sha(checked))
    assert received["filename"] == "Rechnung_Müller_№5.pdf"  # the provider sees the clerk's file name
    attempt = services.history.get(result.attempt_id)
    assert attempt.file_path == str(pdf) and attempt.snapshot_sha256 == sha(checked)


# -- changed while being copied: refused plainly, nothing recorded or sent -------------------------------------


def _while_copying(monkeypatch, change) -> None:
    """Change the clerk's file right after the first chunk is read, as a save or download in progress would."""
    real = snapshots._read
    calls: list[int] = []

    def read(fh, size):
        chunk = real(fh, size)
        if not calls:
            calls.append(1)
            change(Path(fh.name))
        return chunk

    monkeypatch.setattr(snapshots, "CHUNK", 64 * 1024)
    monkeypatch.setattr(snapshots, "_read", read)


def _replace(path: Path) -> None:  # saved by an editor that writes a new file and renames it over the old one
    other = path.with_name("other.tmp")
    other.write_bytes(path.read_bytes())
    os.replace(other, path)


@pytest.mark.parametrize("change", [_grow, _shrink, _replace, _delete], ids=["grows", "shrinks", "replaced", "deleted"])
def test_a_file_that_changes_while_being_copied_is_refused_plainly(
    services, sandbox, make_file, monkeypatch, app_home, change
):
    pdf = make_file("invoice.pdf", size=300_000)
    _while_copying(monkeypatch, change)
    with pytest.raises(AttachmentRefused) as refused:
        prepare(services, pdf)
    assert refused.value.rule == "changed"
    assert "“invoice.pdf” changed while it was being read" in refused.value.message
    assert "pick it again" in refused.value.message
    assert services.history.recent() == [] and sandbox.requests_seen == []
    assert snapshot_folders(app_home) == []  # the half copy is not left behind


def test_the_checks_read_the_snapshot_not_the_original(services, make_file, monkeypatch):
    # The content check and the copy see the same bytes: a file that is a PDF only until it is copied is refused.
    pdf = make_file("invoice.pdf", size=300_000)
    checked_paths: list[Path] = []
    real_check = snapshots.check_attachment

    def spy(path, rules):
        checked_paths.append(Path(path))
        return real_check(path, rules)

    monkeypatch.setattr(snapshots, "check_attachment", spy)
    prepared = prepare(services, pdf)
    assert checked_paths == [prepared.snapshot.path]
    assert prepared.attachment.path == prepared.snapshot.path
    assert prepared.snapshot.path.read_bytes() == pdf.read_bytes()


# -- Retry sends the snapshot; the snapshot lives as long as the attempt may be sent again -----------------


def test_retry_sends_the_snapshot_even_after_the_original_changed_or_went(services, sandbox, make_file, app_home):
    pdf = make_file("invoice.pdf", size=200_000)
    checked = pdf.read_bytes()
    sandbox.answer_next(429, "Too many requests")  # busy: turned away, nothing stored
    failed = services.uploads.run(prepare(services, pdf))
    assert failed.outcome is Outcome.FAILED
    attempt = services.history.get(failed.attempt_id)
    assert Path(attempt.snapshot_path).read_bytes() == checked  # kept: it may be sent again

    _swap(pdf)
    retried = services.uploads.run(services.uploads.prepare_retry(failed.attempt_id))
    assert retried.ok, retried
    assert sandbox.received[-1]["sha256"] == sha(checked)
    assert services.history.get(retried.attempt_id).snapshot_path == attempt.snapshot_path
    assert not Path(attempt.snapshot_path).exists() and snapshot_folders(app_home) == []  # settled: removed


def test_retry_of_a_snapshot_changed_on_disk_is_refused(services, sandbox, make_file):
    sandbox.answer_next(500, "Internal server error")
    failed = services.uploads.run(prepare(services, make_file("invoice.pdf")))
    snapshot = Path(services.history.get(failed.attempt_id).snapshot_path)
    snapshot.write_bytes(snapshot.read_bytes() + b"tampered")
    with pytest.raises(AttachmentRefused, match="was changed on disk"):
        services.uploads.prepare_retry(failed.attempt_id)
    snapshot.parent.joinpath(snapshot.name).unlink()
    with pytest.raises(AttachmentRefused, match="is gone"):
        services.uploads.prepare_retry(failed.attempt_id)


def test_the_snapshot_is_removed_after_success_and_when_the_upload_is_not_sent(services, make_file, app_home):
    assert services.uploads.run(prepare(services, make_file("a.pdf"))).ok
    assert snapshot_folders(app_home) == []
    not_sent = prepare(services, make_file("b.pdf"))
    assert len(snapshot_folders(app_home)) == 1
    services.uploads.discard(not_sent)  # the clerk said no to a warning
    assert snapshot_folders(app_home) == []


@pytest.mark.skipif(os.name != "posix", reason="Windows keeps AppData private with ACLs")
def test_snapshots_are_private(services, make_file, app_home):
    old = os.umask(0o022)
    try:
        prepared = prepare(services, make_file("a.pdf"))
    finally:
        os.umask(old)
    modes = [
        stat.S_IMODE(p.stat().st_mode) for p in (prepared.snapshot.path.parent.parent, prepared.snapshot.path.parent)
    ]
    assert modes == [0o700, 0o700]
    assert stat.S_IMODE(prepared.snapshot.path.stat().st_mode) == 0o600


def test_start_up_removes_abandoned_snapshots_but_keeps_those_that_may_be_sent_again(services, sandbox, make_file):
    sandbox.answer_next(500, "Internal server error")
    failed = services.uploads.run(prepare(services, make_file("kept.pdf")))
    kept = Path(services.history.get(failed.attempt_id).snapshot_path)
    abandoned = prepare(services, make_file("abandoned.pdf")).snapshot.path  # prepared, never sent
    young = prepare(services, make_file("young.pdf")).snapshot.path  # being prepared by another app right now
    for old in (kept, abandoned):
        os.utime(old.parent, (0, 0))
    assert snapshots.sweep(services.history.snapshots_in_use) == 1
    assert kept.exists() and young.exists() and not abandoned.exists()
