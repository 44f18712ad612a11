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


# -- another clerk's lock (or the server's maintenance): said while it lasts, given up plainly --------------------


def test_a_write_waiting_for_a_lock_on_the_server_is_said_and_given_up_as_a_busy_history(database):
    """Before, a PostgreSQL lock wait said nothing while it lasted, and when lock_timeout ended it the raw driver
    error came out (the upload path, which knows HistoryBusy, did not know it): now both are as on SQLite."""
    import threading

    from invoice_desktop.core import history_waits
    from invoice_desktop.core.history_pg import server_of

    history = PgHistory(database, busy_timeout_s=0.5)
    outcome: dict[str, BaseException | int] = {}
    seen: list[history_waits.Wait] = []
    try:
        with psycopg.connect(database) as maintenance:
            maintenance.execute("LOCK TABLE attempts IN EXCLUSIVE MODE")

            def record() -> None:
                try:
                    outcome["id"] = _sending(history)
                except BaseException as exc:
                    outcome["error"] = exc

            worker = threading.Thread(target=record)
            worker.start()
            while worker.is_alive():
                if (wait := history_waits.longest()) is not None:
                    seen.append(wait)
                worker.join(0.02)
        assert seen and seen[-1].shared and seen[-1].where == server_of(database), seen
        assert seen[-1].waited_s > 0.2
        error = outcome.get("error")
        assert isinstance(error, hist.HistoryBusy), outcome
        assert f"The shared history ({server_of(database)}) is held by another clerk's upload" in error.message
        assert history.recent() == []  # nothing recorded, so nothing may be sent
        assert history_waits.longest() is None
    finally:
        history.close()


def test_an_outcome_waits_for_the_servers_lock_beyond_the_lock_timeout_and_is_written(database):
    import threading

    history = PgHistory(database, busy_timeout_s=0.2, outcome_patience_s=30)
    try:
        attempt_id = _sending(history)
        with psycopg.connect(database) as colleague:
            colleague.execute("SELECT id FROM attempts WHERE id = %s FOR UPDATE", (attempt_id,))
            done = threading.Event()
            finishing = threading.Thread(
                target=lambda: (history.finish(attempt_id, state=hist.SUCCEEDED, summary="done"), done.set())
            )
            finishing.start()
            assert not done.wait(1.0)  # several lock timeouts long: still trying, not given up
        finishing.join(30)
        assert done.is_set()
        assert history.get(attempt_id).state == hist.SUCCEEDED
    finally:
        history.close()
