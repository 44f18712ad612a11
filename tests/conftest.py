"""Every test: offscreen Qt, an in-memory keyring, a fresh data folder, and its own practice server."""

from __future__ import annotations

import os

# Before anything imports Qt: without a display a whole run would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest

from invoice_desktop.core.credentials import CredentialStore, accept_backend_for_tests
from invoice_desktop.core.history import History
from invoice_desktop.core.services import Services
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.practice import PracticeEnvironment

from .memory_keyring import LockedKeyring, MemoryKeyring

# The one explicit way past the keyring allow-list: the tests' in-memory keyrings, registered by class here and
# nowhere in the app.
accept_backend_for_tests(MemoryKeyring)
accept_backend_for_tests(LockedKeyring)

PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
HEADS = {
    ".pdf": PDF_HEAD,
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ".xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpeg": b"\xff\xd8\xff\xe0",
    ".jpg": b"\xff\xd8\xff\xe0",
    ".txt": b"Invoice 42\n",
}


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("INVOICE_DESKTOP_HOME", str(home))
    return home


@pytest.fixture
def practice() -> Iterator[PracticeEnvironment]:
    env = PracticeEnvironment()
    yield env
    env.stop()


@pytest.fixture
def services(practice: PracticeEnvironment, memory_keyring: MemoryKeyring, app_home: Path) -> Iterator[Services]:
    credentials = CredentialStore(memory_keyring)
    history = History(app_home / "history.sqlite3")
    uploads = UploadService(credentials, history, practice=practice, timeouts=Timeouts(connect=5, read=20, deadline=60))
    svc = Services(credentials, history, uploads)
    yield svc
    history.close()


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[..., Path]:
    """make_file("inv.pdf", size=1000) → a file whose leading bytes match its extension, padded to `size`."""

    def make(name: str, size: int | None = None, content: bytes | None = None) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            head = HEADS.get(Path(name).suffix.lower(), b"data")
            size = len(head) + 100 if size is None else size
            with path.open("wb") as fh:
                fh.write(head[:size])
                if size > len(head):
                    fh.seek(size - 1)
                    fh.write(b"\n")
        else:
            path.write_bytes(content)
        return path

    return make


@pytest.fixture
def run_cli(
    services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """run_cli(["send", ...], stdin=None) → (exit code, stdout, stderr), with the test's services."""
    import io

    from invoice_desktop.cli import main

    def run(args: list[str], stdin: str | dict | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            text = stdin if isinstance(stdin, str) else json.dumps(stdin)
            monkeypatch.setattr("sys.stdin", io.StringIO(text))
        capsys.readouterr()
        code = main(args, services=services)
        out, err = capsys.readouterr()
        return code, out, err

    return run
