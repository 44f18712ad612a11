"""The administrator's script (packaging/postgresql/setup.sql) against the real server: clerks add and settle their
own attempts, add exchanges and targets only to their own, may only mark a colleague's lapsed attempt interrupted
(nothing else of it), keep their batch outbox to themselves, and nobody deletes anything."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import psycopg
import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core import outbox, schema_pg
from invoice_desktop.core.exchange import Exchange
from invoice_desktop.core.history_pg import PgHistory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(pg_server) -> dict[str, str]:
    """A database set up by the administrator's script, with two clerks' login roles."""
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    with psycopg.connect(url, autocommit=True) as db:
        db.execute((ROOT / schema_pg.ADMIN_SCRIPT).read_text())
        for clerk in ("anna", "ben"):
            db.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{clerk}') THEN "
                f"CREATE ROLE {clerk} LOGIN IN ROLE invoice_desktop_clerk; END IF; END $$"
            )
    return {"admin": url, **{c: url.replace("postgres@", f"{c}@", 1) for c in ("anna", "ben")}}


def _exchange(attempt_id: int) -> Exchange:
    return Exchange(
        attempt_id=attempt_id, label="upload", method="POST", url="http://x", started_at="now", request_headers={}
    )


def _refused(url: str, sql: str, args: tuple = ()) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(url, autocommit=True) as db:
        db.execute(sql, args)


def test_exchanges_and_targets_go_only_onto_ones_own_attempts(office):
    anna = PgHistory(office["anna"])
    try:
        mine = anna.create(provider="payfabric", environment="practice", base_url="u", form={}, targets=["INV-1"])
        anna.add_exchange(mine, _exchange(mine))  # her own: fine
        _refused(office["ben"], "INSERT INTO exchanges (attempt_id, exchange_json) VALUES (%s, '{}')", (mine,))
        _refused(office["ben"], "INSERT INTO attempt_targets (attempt_id, target) VALUES (%s, 'INV-2')", (mine,))
        _refused(office["ben"], "DELETE FROM attempt_targets")
        assert anna.targets(mine) == ["INV-1"] and len(anna.exchanges(mine)) == 1
    finally:
        anna.close()


def test_a_colleague_may_mark_a_lapsed_attempt_interrupted_and_change_nothing_else(office):
    anna = PgHistory(office["anna"], lease_s=0.2)
    try:
        attempt = anna.create(provider="payfabric", environment="practice", base_url="u", form={})
        assert anna._keeper is not None
        anna._keeper.stop()  # Anna's app dies: her lease lapses
        time.sleep(0.4)
        _refused(
            office["ben"],
            "UPDATE attempts SET state='interrupted', result_json='{\"outcome\": \"forged\"}' WHERE id=%s",
            (attempt,),
        )
        _refused(office["ben"], "UPDATE attempts SET state='succeeded' WHERE id=%s", (attempt,))
        ben = PgHistory(office["ben"])
        try:
            assert ben.mark_interrupted() == 1  # what the app does: allowed
        finally:
            ben.close()
        assert anna.get(attempt).state == hist.INTERRUPTED  # type: ignore[union-attr]
        assert anna.get(attempt).result == {}  # type: ignore[union-attr]
    finally:
        anna.close()


def test_each_clerk_keeps_their_batch_outbox_to_themselves(office):
    anna, ben = PgHistory(office["anna"]), PgHistory(office["ben"])
    try:
        box = outbox.Outbox(anna)
        batch = box.insert(
            outbox.Batch("payfabric", "practice", [outbox.BatchRow(1, "INV-1.pdf", "/home/anna/INV-1.pdf", "ready")])
        )
        assert batch.id is not None
        assert box.claim(batch.rows[0], (outbox.READY,), lease_s=30)  # her own row: she may send it
        assert outbox.Outbox(ben).summaries() == [] and outbox.Outbox(ben).load(batch.id) is None
        with psycopg.connect(office["ben"], autocommit=True) as db:
            assert db.execute("UPDATE batch_rows SET status='ready'").rowcount == 0  # hidden from him
        _refused(office["ben"], "DELETE FROM batch_rows")
        _refused(office["anna"], "DELETE FROM batches")
        assert [s.rows for s in box.summaries()] == [1]
    finally:
        anna.close()
        ben.close()


def test_the_script_runs_again_as_the_upgrade_and_keeps_the_history(pg_server):
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    with psycopg.connect(url, autocommit=True) as db:
        # A server the administrator set up with an older release: schema version 1, one attempt in it.
        db.execute(
            "BEGIN;"
            + schema_pg._ROLES
            + "SET ROLE invoice_desktop_owner;"
            + schema_pg.MIGRATIONS[0]
            + "UPDATE invoice_desktop_schema SET version = 1;"
            "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, form_json, state) "
            "VALUES ('2026-01-01', '2026-01-01', 'payfabric', 'practice', 'u', '{}', 'succeeded'); RESET ROLE; COMMIT;"
        )
        script = (ROOT / schema_pg.ADMIN_SCRIPT).read_text()
        db.execute(script)  # the upgrade
        db.execute(script)  # and once more: nothing changes
        assert schema_pg.version_of(db) == schema_pg.LATEST
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone() == (1,)
        db.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'carla') THEN "
            "CREATE ROLE carla LOGIN IN ROLE invoice_desktop_clerk; END IF; END $$"
        )
    carla = PgHistory(url.replace("postgres@", "carla@", 1))  # a clerk's app: nothing left to migrate
    try:
        assert len(carla.recent()) == 1
        box = outbox.Outbox(carla)
        box.insert(outbox.Batch("payfabric", "practice", [outbox.BatchRow(1, "a.pdf", "/a.pdf", "ready")]))
        assert [s.rows for s in box.summaries()] == [1]
    finally:
        carla.close()


def _role(url: str, name: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
            f"CREATE ROLE {name} LOGIN; END IF; END $$"
        )


def test_where_pg_trgm_cannot_be_added_the_search_works_and_the_script_adds_its_indexes(pg_server):
    """A role that may make tables but not add extensions makes the schema without the search's indexes (the search
    reads every attempt, with the same answers); the administrator's script, run by a superuser, adds them."""
    _role(pg_server.url(), "table_maker")
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("GRANT CREATE, USAGE ON SCHEMA public TO table_maker")

    def indexes(db: psycopg.Connection) -> list[tuple[str]]:
        return db.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%search' ORDER BY indexname"
        ).fetchall()

    maker = PgHistory(url.replace("postgres@", "table_maker@", 1))
    try:
        made = maker.create(provider="payfabric", environment="practice", base_url="u", form={}, targets=["INV-9"])
        assert [r.id for r in maker.rows(hist.HistoryQuery(text="INV-9"))] == [made]
        assert maker.count(hist.HistoryQuery(text="INV-9")) == 1
    finally:
        maker.close()
    with psycopg.connect(url, autocommit=True) as db:
        assert schema_pg.version_of(db) == schema_pg.LATEST and indexes(db) == []
        db.execute((ROOT / schema_pg.ADMIN_SCRIPT).read_text())
        assert indexes(db) == [("attempt_targets_search",), ("attempts_search",)]
