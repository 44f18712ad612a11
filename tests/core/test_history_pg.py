"""The shared history on PostgreSQL: its schema is made on first connect, or refused plainly when the clerk's role
may not make it; the administrator's script sets up the schema and least-privilege roles with which clerks add and
settle their own attempts but cannot edit or delete anyone's."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core import schema_pg
from invoice_desktop.core.history_pg import PgHistory
from invoice_desktop.core.schema import NewerSchemaError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(pg_server) -> str:
    import uuid

    return pg_server.create_database(f"t_{uuid.uuid4().hex[:16]}")


def _as(url: str, user: str) -> str:
    return url.replace("postgres@", f"{user}@", 1)


def _admin_setup(url: str, *clerks: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute((ROOT / schema_pg.ADMIN_SCRIPT).read_text())
        for clerk in clerks:
            db.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{clerk}') THEN "
                f"CREATE ROLE {clerk} LOGIN IN ROLE invoice_desktop_clerk; END IF; END $$"
            )


def _sending(history: PgHistory) -> int:
    return history.create(provider="payfabric", environment="practice", base_url="u", form={}, targets=["INV-1"])


def test_the_administrators_script_is_generated_from_the_migrations():
    assert (ROOT / schema_pg.ADMIN_SCRIPT).read_text() == schema_pg.admin_sql(), (
        "regenerate it: python -m invoice_desktop.core.schema_pg > packaging/postgresql/setup.sql"
    )


def test_the_schema_is_made_on_first_connect_and_versioned(database):
    PgHistory(database).close()
    with psycopg.connect(database) as db:
        assert schema_pg.version_of(db) == schema_pg.LATEST
    again = PgHistory(database)  # a second start finds nothing to do
    again.close()


def test_a_history_from_a_newer_release_is_refused(database):
    PgHistory(database).close()
    with psycopg.connect(database, autocommit=True) as db:
        db.execute("UPDATE invoice_desktop_schema SET version = 99")
    with pytest.raises(NewerSchemaError, match="newer release"):
        PgHistory(database)


def test_a_role_that_may_not_make_the_schema_is_refused_with_what_to_do(database):
    with psycopg.connect(database, autocommit=True) as db:
        db.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lowly') THEN "
            "CREATE ROLE lowly LOGIN; END IF; END $$"
        )
    with pytest.raises(schema_pg.SchemaNotAllowed) as refused:
        PgHistory(_as(database, "lowly"))
    assert "“lowly” may not change them" in refused.value.message
    assert schema_pg.ADMIN_SCRIPT in refused.value.message
    with psycopg.connect(database) as db:
        assert schema_pg.version_of(db) == 0  # nothing half made


def test_clerks_add_and_settle_their_own_attempts_but_cannot_edit_or_delete_anyones(database):
    _admin_setup(database, "anna", "ben")
    anna, ben = PgHistory(_as(database, "anna")), PgHistory(_as(database, "ben"))
    try:
        mine = _sending(anna)
        anna.add_exchange(mine, _exchange(mine))
        anna.finish(mine, state=hist.SUCCEEDED, summary="accepted")
        assert ben.get(mine).state == hist.SUCCEEDED  # everyone reads the office's history
        # Ben cannot change Anna's attempt: row policies hide it from his UPDATE…
        ben.finish(mine, state=hist.FAILED, summary="tampered")
        assert anna.get(mine).state == hist.SUCCEEDED and anna.get(mine).summary == "accepted"
        # … nor delete anything, nor touch columns nobody settles.
        for statement in ("DELETE FROM attempts", "DELETE FROM exchanges", "UPDATE attempts SET provider='x'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(_as(database, "ben")) as db:
                db.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(_as(database, "anna")) as db:
            db.execute("DELETE FROM attempts")
    finally:
        anna.close()
        ben.close()


def test_a_crashed_clerks_attempt_can_be_marked_interrupted_by_a_colleague_once_its_lease_lapsed(database):
    _admin_setup(database, "anna", "ben")
    anna, ben = PgHistory(_as(database, "anna"), lease_s=0.3), PgHistory(_as(database, "ben"))
    try:
        attempt = _sending(anna)
        assert ben.mark_interrupted() == 0  # Anna's lease is live
        anna._keeper.stop()  # Anna's app dies: no heartbeat
        import time

        time.sleep(0.5)
        assert ben.mark_interrupted() == 1
        assert anna.get(attempt).state == hist.INTERRUPTED
    finally:
        anna.close()
        ben.close()


def _exchange(attempt_id: int):
    from invoice_desktop.core.exchange import Exchange

    return Exchange(
        attempt_id=attempt_id, label="upload", method="POST", url="http://x", started_at="now", request_headers={}
    )


def test_clerks_with_least_privilege_roles_claim_targets_and_a_crashed_clerks_claim_expires(database):
    from invoice_desktop.core.history import BeingSent

    _admin_setup(database, "anna", "ben")
    # Anna's lease is long enough to stay live (renewed every third) on a busy machine while Ben is refused.
    anna = PgHistory(_as(database, "anna"), lease_s=3.0, clerk="anna@FRONTDESK-2")
    ben = PgHistory(_as(database, "ben"), clerk="ben@BACKOFFICE")
    try:
        annas = _sending(anna)
        with pytest.raises(BeingSent, match="being sent by anna@FRONTDESK-2 right now"):
            _sending(ben)  # refused and recorded as not sent, under Ben's role
        anna._keeper.stop()  # Anna's app dies
        import time

        time.sleep(3.5)  # her lease lapses by the server's clock
        bens = _sending(ben)  # her claim lapsed: marked interrupted (the trigger frees the target), Ben's now
        assert ben.get(annas).state == hist.INTERRUPTED
        ben.finish(bens, state=hist.SUCCEEDED, summary="accepted")  # settling frees it again, by the trigger
        _sending(anna)
        # Nobody but the schema's owner changes targets: the trigger does it for them.
        with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(_as(database, "ben")) as db:
            db.execute("UPDATE attempt_targets SET sending_key = NULL")
    finally:
        anna.close()
        ben.close()
