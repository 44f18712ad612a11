"""Choosing the shared history by INVOICE_DESKTOP_DATABASE_URL: a password in the address is refused, a server that
is not this computer is reached only over verified TLS (a plain message when its certificate is not trusted), and an
unreachable server stops the app before anything is sent, saying what to check."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from invoice_desktop.cli import main
from invoice_desktop.core import history as hist
from invoice_desktop.core.history_location import ENV, HistoryLocationError, connection_string, open_shared
from invoice_desktop.core.history_pg import PgHistory
from invoice_desktop.wiring import create_services

from ..pg_server import PgServer, start_server

# `main` without services sets up the app's log file in the test's folder: take it down again after each test.
pytestmark = pytest.mark.usefixtures("no_lasting_log_file")


def test_a_password_in_the_address_is_refused_before_connecting(monkeypatch, capsys):
    monkeypatch.setenv(ENV, "postgresql://anna:secret@127.0.0.1:1/invoices")
    with pytest.raises(HistoryLocationError, match="contains a password, which is refused") as refused:
        create_services()
    assert "secret" not in refused.value.message and ".pgpass" in refused.value.message
    # The CLI says the same, plainly, and does nothing else.
    assert main(["history"]) != 0
    err = capsys.readouterr().err
    assert "contains a password" in err and "secret" not in err and "Traceback" not in err


def test_a_server_that_is_not_this_computer_is_reached_only_over_verified_tls():
    assert "sslmode=verify-full sslrootcert=system" in connection_string("postgresql://anna@db.office.lan/invoices")
    given = connection_string("postgresql://anna@db.office.lan/invoices?sslrootcert=/etc/office-ca.pem")
    assert "sslrootcert=/etc/office-ca.pem" in given and "sslmode=verify-full" in given
    for weak in ("disable", "prefer", "require", "verify-ca"):
        with pytest.raises(HistoryLocationError, match=f"sslmode={weak} is refused"):
            connection_string(f"postgresql://anna@db.office.lan/invoices?sslmode={weak}")
    # This computer's own server needs no TLS.
    assert "sslmode" not in connection_string("postgresql://anna@localhost/invoices")
    assert "sslmode" not in connection_string("postgresql://anna@127.0.0.1:5432/invoices")


def test_an_unreachable_server_stops_the_app_before_anything_is_sent_saying_what_to_check(monkeypatch, capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(ENV, f"postgresql://anna@127.0.0.1:{port}/invoices?connect_timeout=2")
    with pytest.raises(HistoryLocationError) as refused:
        create_services()
    message = refused.value.message
    assert f"127.0.0.1:{port} cannot be reached" in message and "nothing was sent" in message
    assert "office network" in message and f"remove {ENV}" in message
    assert main(["history"]) != 0
    assert "cannot be reached" in capsys.readouterr().err


def test_the_address_in_the_environment_chooses_the_shared_history(monkeypatch, pg_server):
    url = pg_server.create_database("chosen_by_env")
    monkeypatch.setenv(ENV, url)
    services = create_services()
    try:
        assert isinstance(services.history, PgHistory)
        attempt = services.history.create(provider="payfabric", environment="practice", base_url="u", form={})
    finally:
        services.close()
    seen = PgHistory(url)  # another clerk's app sees it (interrupted: its app closed mid-upload)
    try:
        assert seen.get(attempt).state == hist.INTERRUPTED
    finally:
        seen.close()


# -- TLS against a test server with a test CA (ssl=on) --------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[tuple[PgServer, Path]]:
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    cert = ca.issue_cert("clerks-db.test")
    chain, key, ca_file = folder / "chain.pem", folder / "key.pem", folder / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(chain))
    cert.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    server = start_server(tls=(chain, key))
    yield server, ca_file
    server.close()


def _address(server: PgServer, name: str = "clerks-db.test", **params: str) -> str:
    # The name on the certificate, reached at the test server's loopback address (hostaddr): a "remote" server.
    query = "&".join([f"hostaddr={server.host}", *(f"{k}={v}" for k, v in params.items())])
    return f"postgresql://postgres@{name}:{server.port}/postgres?{query}"


def test_tls_with_the_administrators_ca_file_connects_encrypted(tls_server):
    server, ca_file = tls_server
    history = open_shared(_address(server, sslrootcert=str(ca_file)))
    try:
        assert history._db.connection.info.pgconn.ssl_in_use  # type: ignore[attr-defined]
        assert history.create(provider="payfabric", environment="practice", base_url="u", form={}) == 1
    finally:
        history.close()


def test_a_certificate_this_computer_does_not_trust_is_said_plainly(tls_server):
    server, _ = tls_server
    with pytest.raises(HistoryLocationError) as refused:
        open_shared(_address(server))  # the system's CA store does not know the test CA
    assert "certificate this computer does not trust" in refused.value.message
    assert "sslrootcert=" in refused.value.message


def test_a_certificate_for_another_name_is_refused(tls_server):
    server, ca_file = tls_server
    with pytest.raises(HistoryLocationError) as refused:
        open_shared(_address(server, name="other-db.test", sslrootcert=str(ca_file)))
    assert "certificate for another name" in refused.value.message
