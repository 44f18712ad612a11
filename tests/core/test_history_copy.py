"""`invoice-desktop history copy --to URL` / `--from URL`: a computer's history moves into the shared server (and
back) without duplicates, however often it runs: attempts renumbered (a retry still points at what it retried),
exchanges and targets along, local file paths and snapshots left behind, an unfinished attempt arriving as
interrupted."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from invoice_desktop.cli import main
from invoice_desktop.core import history as hist
from invoice_desktop.core.exchange import Exchange
from invoice_desktop.core.history import History
from invoice_desktop.core.history_pg import PgHistory

# `main` without services sets up the app's log file in the test's folder: take it down again after each test.
pytestmark = pytest.mark.usefixtures("no_lasting_log_file")


@pytest.fixture
def server_url(pg_server) -> str:
    return pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


def _exchange(attempt_id: int, label: str) -> Exchange:
    return Exchange(
        attempt_id=attempt_id, label=label, method="POST", url="http://x", started_at="now", request_headers={}
    )


def _local_history(app_home: Path, tmp_path: Path) -> dict[str, int]:
    """This computer's history: a success with a file, a failure and its retry, one left sending."""
    local = History(app_home / "history.sqlite3", clerk="anna@FRONTDESK-2")
    try:
        pdf = tmp_path / "INV-1.pdf"
        ok = local.create(
            provider="payfabric",
            environment="practice",
            base_url="http://127.0.0.1:1/pf",
            form={"InvoiceId": "INV-1"},
            options={"description": "INV-1"},
            file_path=pdf,
            file_size=1234,
            targets=["INV-1"],
            snapshot_path=tmp_path / "snapshots" / "abc.pdf",
            snapshot_sha256="ab" * 32,
        )
        local.add_exchange(ok, _exchange(ok, "upload"))
        local.finish(ok, state=hist.SUCCEEDED, summary="accepted", provider_code="201", result={"outcome": "x"})
        failed = local.create(
            provider="imaterialise", environment="practice", base_url="u", form={"order_id": "ORD-9"}, targets=["ORD-9"]
        )
        local.finish(failed, state=hist.FAILED, summary="did not arrive")
        retry = local.create(
            provider="imaterialise", environment="practice", base_url="u", form={"order_id": "ORD-9"}, retry_of=failed
        )
        local.finish(retry, state=hist.SUCCEEDED, summary="accepted")
        sending = local.create(provider="shopwave", environment="practice", base_url="u", form={})
    finally:
        local._keeper.stop() if local._keeper else None
        local._db.close()  # as a crash would: the last one stays `sending`
    return {"ok": ok, "failed": failed, "retry": retry, "sending": sending}


def test_a_computers_history_is_copied_into_the_shared_server_once(app_home, tmp_path, server_url, capsys):
    local_ids = _local_history(app_home, tmp_path)
    native = PgHistory(server_url)  # the server already has a colleague's attempt
    colleague = native.create(provider="payfabric", environment="practice", base_url="u", form={"InvoiceId": "X"})
    native.finish(colleague, state=hist.SUCCEEDED, summary="accepted")

    assert main(["history", "copy", "--to", server_url]) == 0
    assert "Copied 4 attempts (1 exchanges)" in capsys.readouterr().out
    try:
        copied = [a for a in native.recent() if a.id != colleague]
        by_form = {(a.provider, a.retry_of is not None): a for a in copied}
        ok = by_form[("payfabric", False)]
        assert ok.state == hist.SUCCEEDED and ok.provider_code == "201" and ok.summary == "accepted"
        assert (ok.file_name, ok.file_size, ok.snapshot_sha256) == ("INV-1.pdf", 1234, "ab" * 32)
        assert ok.file_path is None and ok.snapshot_path is None  # left behind on the computer
        assert ok.clerk == "anna@FRONTDESK-2"  # who made it travels with it, whoever copies
        assert native.targets(ok.id) == ["INV-1"] and [e.label for e in native.exchanges(ok.id)] == ["upload"]
        retry, failed = by_form[("imaterialise", True)], by_form[("imaterialise", False)]
        assert failed.id != local_ids["failed"] and retry.retry_of == failed.id  # renumbered, still linked
        assert native.latest_retry(failed.id) == retry.id
        assert by_form[("shopwave", False)].state == hist.INTERRUPTED  # its lease cannot be renewed on the server
        # The duplicate check on the server finds the copied success.
        assert [a.id for a in native.with_target("payfabric", "practice", "INV-1", hist.SUCCEEDED)] == [ok.id]

        # Run again: nothing new.
        assert main(["history", "copy", "--to", server_url]) == 0
        assert "Copied 0 attempts (0 exchanges)" in capsys.readouterr().out
        assert len(native.recent()) == 5
    finally:
        native.close()


def test_the_reverse_copies_only_what_this_computer_lacks(app_home, tmp_path, server_url, capsys):
    _local_history(app_home, tmp_path)
    assert main(["history", "copy", "--to", server_url]) == 0
    native = PgHistory(server_url)
    try:
        colleague = native.create(provider="payfabric", environment="practice", base_url="u", form={"InvoiceId": "Y"})
        native.finish(colleague, state=hist.SUCCEEDED, summary="accepted by a colleague")
    finally:
        native.close()
    capsys.readouterr()
    # Back from the server: only the colleague's attempt is new here (the others came from this computer).
    assert main(["history", "copy", "--from", server_url]) == 0
    assert "Copied 1 attempt (0 exchanges)" in capsys.readouterr().out
    assert main(["history", "copy", "--from", server_url]) == 0
    assert main(["history", "copy", "--to", server_url]) == 0  # and back again: still nothing doubled
    with psycopg.connect(server_url) as db:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone() == (5,)
    local = History(app_home / "history.sqlite3")
    try:
        assert len(local.recent()) == 5
        assert [a.summary for a in local.recent(limit=1)] == ["accepted by a colleague"]
    finally:
        local.close()


def test_an_address_with_a_password_is_refused_and_nothing_is_copied(app_home, capsys):
    assert main(["history", "copy", "--to", "postgresql://anna:secret@127.0.0.1:1/invoices"]) == 2
    err = capsys.readouterr().err
    assert "contains a password" in err and "secret" not in err


def test_the_cli_lists_mine_or_one_clerks_attempts_on_the_shared_history(app_home, tmp_path, server_url, capsys):
    from invoice_desktop.core.credentials import CredentialStore
    from invoice_desktop.wiring import create_services

    for clerk, invoice in (("anna@FRONTDESK-1", "INV-A"), ("ben@FRONTDESK-2", "INV-B")):
        h = PgHistory(server_url, clerk=clerk)
        attempt = h.create(
            provider="payfabric", environment="practice", base_url="u", form={}, options={"description": invoice}
        )
        h.finish(attempt, state=hist.SUCCEEDED, summary="accepted")
        h.close()
    services = create_services(CredentialStore(), PgHistory(server_url, clerk="anna@FRONTDESK-1"))
    try:
        capsys.readouterr()
        assert main(["history", "--mine"], services=services) == 0
        out = capsys.readouterr().out
        assert "INV-A" in out and "INV-B" not in out and "(anna@FRONTDESK-1)" in out
        assert main(["history", "--clerk", "ben@FRONTDESK-2"], services=services) == 0
        out = capsys.readouterr().out
        assert "INV-B" in out and "INV-A" not in out
    finally:
        services.close()
