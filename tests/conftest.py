"""Every test: offscreen Qt, an in-memory keyring, a fresh data folder, and its own practice server."""

from __future__ import annotations

import os

# Before anything imports Qt: without a display a whole run would abort.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# English words and the C locale's numbers and dates for every test (they compare English text and "1234.50"),
# whatever the machine's locale, in this process and in every CLI or app a test starts; a test that wants another
# language or region chooses it (monkeypatch.setenv, `--language`, i18n.set_language, local_format.set_region).
os.environ["LANGUAGE"] = "en"
os.environ["LC_ALL"] = "C.UTF-8"

import json
import struct
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from invoice_desktop.core import i18n, local_format
from invoice_desktop.core.credentials import CredentialStore, accept_backend_for_tests
from invoice_desktop.core.history import History
from invoice_desktop.core.services import Services
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.practice import PracticeEnvironment
from invoice_desktop.providers import registry

from . import documents
from .memory_keyring import LockedKeyring, MemoryKeyring
from .pg_server import PgServer, start_server

# The one explicit way past the keyring allow-list: the tests' in-memory keyrings, registered by class here and
# nowhere in the app.
accept_backend_for_tests(MemoryKeyring)
accept_backend_for_tests(LockedKeyring)


@pytest.fixture(autouse=True)
def english_and_c_region() -> Iterator[None]:
    """Each test starts, and leaves, in English with the C region, even after one switched them."""
    i18n.set_language(i18n.SOURCE_LANGUAGE)
    local_format.set_region(local_format.C_REGION)
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)
    local_format.set_region(local_format.C_REGION)


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server for the whole run (tests/pg_server.py); each test gets databases of its own."""
    server = start_server()
    yield server
    server.close()


@pytest.fixture
def history_engine() -> str:
    """Where `open_history` keeps the history: "sqlite" here; modules that run on both engines override this with
    a fixture parametrised over "sqlite" and "postgresql"."""
    return "sqlite"


@pytest.fixture
def open_history(history_engine: str, app_home: Path, request: pytest.FixtureRequest) -> Callable[..., History]:
    """open_history(name="history", **options) → the history called `name` on the test's engine: a file in the
    test's data folder, or a database of the test's own on the PostgreSQL server. The same name opens the same
    history again (a restart, a second app)."""
    if history_engine == "sqlite":
        return lambda name="history", **options: History(app_home / f"{name}.sqlite3", **options)
    from invoice_desktop.core.history_pg import PgHistory

    server: PgServer = request.getfixturevalue("pg_server")
    urls: dict[str, str] = {}

    def open_pg(name: str = "history", **options: Any) -> History:
        if name not in urls:
            urls[name] = server.create_database(f"t_{uuid.uuid4().hex[:16]}")
        return PgHistory(urls[name], **options)

    return open_pg


@pytest.fixture
def services(
    practice: PracticeEnvironment, memory_keyring: MemoryKeyring, open_history: Callable[..., History]
) -> Iterator[Services]:
    credentials = CredentialStore(memory_keyring)
    history = open_history("history")
    uploads = UploadService(
        credentials,
        history,
        providers=registry(),
        practice=lambda: practice,
        timeouts=Timeouts(connect=5, read=20, deadline=60),
    )
    svc = Services(credentials, history, uploads)
    yield svc
    history.close()


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[..., Path]:
    """make_file("inv.pdf") → a real document of that kind (tests/documents.py); make_file("inv.pdf", size=N) → the
    same, padded to exactly N bytes in a way its kind allows (after a PDF's end, in a ZIP's comment…);
    make_file("x.pdf", content=b"...") → exactly those bytes."""

    def make(name: str, size: int | None = None, content: bytes | None = None) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is not None:
            path.write_bytes(content)
            return path
        ext = Path(name).suffix.lower()
        real = documents.sample(ext)
        size = len(real) if size is None else size
        if size < len(real):
            raise ValueError(f"make_file: the smallest real {ext or 'file'} here is {len(real):,} bytes, not {size:,}")
        extra = size - len(real)
        if extra and ext in (".docx", ".xlsx"):
            if extra > 0xFFFF:
                raise ValueError(f"make_file: a {ext} can be padded by at most 65,535 bytes (its ZIP comment)")
            path.write_bytes(real[:-2] + struct.pack("<H", extra) + b"c" * extra)  # the ZIP's comment
            return path
        with path.open("wb") as fh:
            fh.write(real)
            if extra and ext == ".txt":
                fh.write(b" " * extra)
            elif extra:  # after the document's end, sparse: nothing is written for a big file
                fh.truncate(size)
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
