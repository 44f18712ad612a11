"""Settings → History chooses where the history lives: this computer (the default), or the office's shared server
signed in with the password kept in the OS keyring, libpq's password file, or a client certificate; TLS verified
for any other computer; INVOICE_DESKTOP_DATABASE_URL still wins; switching back is one setting."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.history import History
from invoice_desktop.core.history_location import (
    ENV,
    HistoryLocationError,
    SharedServer,
    check_server,
    open_default,
    save_password,
)
from invoice_desktop.core.history_pg import PgHistory
from invoice_desktop.core.settings import SettingsStore
from invoice_desktop.wiring import create_services

from ..pg_server import PgServer


@pytest.fixture
def clerk(pg_server: PgServer) -> Iterator[tuple[str, str, str]]:
    """A database and a clerk's role that must sign in with a password (scram), on the test server."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    user = f"pw_{uuid.uuid4().hex[:8]}"
    password = f"s3cret-{uuid.uuid4().hex[:6]}"
    pg_server.create_database(database)
    hba = pg_server.folder / "data" / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all {user} 127.0.0.1/32 scram-sha-256\n" + original)
    with psycopg.connect(pg_server.url(), autocommit=True) as db:
        db.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{password}'")
        db.execute(f'ALTER DATABASE "{database}" OWNER TO {user}')
        db.execute("SELECT pg_reload_conf()")
    yield database, user, password
    hba.write_text(original)
    with psycopg.connect(pg_server.url(), autocommit=True) as db:
        db.execute("SELECT pg_reload_conf()")


def _choose_shared(app_home: Path, server: PgServer, database: str, user: str) -> SettingsStore:
    store = SettingsStore.default()
    store.set("history.location", "shared")
    store.set("history.host", server.host)
    store.set("history.port", server.port)
    store.set("history.database", database)
    store.set("history.user", user)
    store.save()
    return store


def _server(store: SettingsStore) -> SharedServer:
    found = SharedServer.from_settings(store)
    assert found is not None
    return found


def test_this_computers_history_is_the_default(app_home):
    history = open_default()
    try:
        assert type(history) is History and history.path == app_home / "history.sqlite3"
    finally:
        history.close()


def test_the_shared_server_chosen_in_settings_signs_in_with_the_password_in_the_keyring(
    app_home, pg_server, clerk, memory_keyring
):
    database, user, password = clerk
    store = _choose_shared(app_home, pg_server, database, user)
    save_password(CredentialStore(), _server(store), password)
    assert password not in (app_home / "settings.json").read_text()  # never in the settings file
    services = create_services()
    try:
        assert isinstance(services.history, PgHistory)
        attempt = services.history.create(provider="payfabric", environment="practice", base_url="u", form={})
    finally:
        services.close()
    with psycopg.connect(pg_server.url(database)) as db:
        assert db.execute("SELECT db_user FROM attempts WHERE id=%s", (attempt,)).fetchone() == (user,)


def test_a_wrong_or_missing_password_is_said_plainly_with_the_way_back(app_home, pg_server, clerk, monkeypatch):
    database, user, _ = clerk
    monkeypatch.setenv("PGPASSFILE", str(app_home / "no-such-pgpass"))
    store = _choose_shared(app_home, pg_server, database, user)
    save_password(CredentialStore(), _server(store), "wrong")
    with pytest.raises(HistoryLocationError) as refused:
        create_services()
    message = refused.value.message
    assert "did not accept the sign-in" in message and "nothing was sent" in message
    assert "File → Settings" in message and "wrong" not in message


def test_libpqs_password_file_serves_when_the_keyring_holds_none(app_home, pg_server, clerk, monkeypatch):
    database, user, password = clerk
    pgpass = app_home / "pgpass"
    pgpass.parent.mkdir(parents=True, exist_ok=True)
    pgpass.write_text(f"{pg_server.host}:{pg_server.port}:{database}:{user}:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    store = _choose_shared(app_home, pg_server, database, user)
    assert "Connected to PostgreSQL" in check_server(_server(store), None)
    history = open_default()
    try:
        assert isinstance(history, PgHistory)
    finally:
        history.close()


def test_the_address_in_the_environment_wins_over_the_settings(app_home, pg_server, monkeypatch):
    _choose_shared(app_home, pg_server, "no_such_database", "nobody")
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv(ENV, url)
    history = open_default()
    try:
        assert isinstance(history, PgHistory) and "no_such_database" not in history.url
    finally:
        history.close()


def test_switching_back_to_this_computer_is_one_setting(app_home, pg_server):
    store = _choose_shared(app_home, pg_server, "no_such_database", "nobody")
    with pytest.raises(HistoryLocationError):
        open_default()
    store.set("history.location", "local")
    store.save()
    history = open_default()
    try:
        assert type(history) is History
    finally:
        history.close()


def test_a_server_that_is_not_this_computer_gets_verified_tls_from_the_settings():
    office = SharedServer(host="db.office.lan", port=5432, database="invoices", user="anna")
    assert office.params()["sslmode"] == "verify-full" and office.params()["sslrootcert"] == "system"
    with_ca = SharedServer("db.office.lan", 5432, "invoices", "anna", ca_file="/etc/office-ca.pem")
    assert with_ca.params()["sslrootcert"] == "/etc/office-ca.pem"
    cert = SharedServer("db.office.lan", 5432, "invoices", "anna", client_cert="/c.pem", client_key="/k.pem")
    assert cert.params()["sslcert"] == "/c.pem" and cert.params()["sslkey"] == "/k.pem"
    assert "sslmode" not in SharedServer("localhost", 5432, "invoices", "anna").params()
    with pytest.raises(HistoryLocationError, match="no server"):
        SharedServer("", 5432, "invoices", "anna").params()
