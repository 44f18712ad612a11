"""The history's schema is versioned: a database written by an older release opens, migrates forward without
losing a row, and one written by a newer release is refused with a plain message instead of being written to."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from invoice_desktop.core import schema
from invoice_desktop.core.history import History

RELEASE_0_1_0 = Path(__file__).parent / "data" / "history_release_0_1_0.sql"


def _database_from_release_0_1_0(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(RELEASE_0_1_0.read_text(encoding="utf-8"))
    db.close()


def test_a_history_from_release_0_1_0_migrates_to_the_latest_schema_without_loss(tmp_path):
    path = tmp_path / "history.sqlite3"
    _database_from_release_0_1_0(path)

    history = History(path)
    try:
        with sqlite3.connect(path) as raw:
            assert schema.version_of(raw) == schema.LATEST
        attempts = {a.id: a for a in history.recent()}
        assert set(attempts) == {1, 2}
        assert attempts[1].state == "succeeded" and attempts[1].form == {"order_id": "ORD-1001"}
        assert attempts[1].file_name == "Rechnung_1001.pdf"
        assert attempts[2].state == "rejected" and attempts[2].provider_code == "103"
        assert len(history.exchanges(1)) == 1 and history.exchanges(1)[0].status == 200
        # Made before clerks were recorded: nobody is named, and new attempts name theirs.
        assert attempts[1].clerk is None and history.clerks() == []
        new = history.create(provider="imaterialise", environment="practice", base_url="u", form={})
        assert history.get(new).clerk == history.clerk
    finally:
        history.close()


def test_a_new_history_starts_at_the_latest_version_and_reopens_without_migrating(tmp_path):
    path = tmp_path / "history.sqlite3"
    History(path).close()
    with sqlite3.connect(path, isolation_level=None) as raw:
        assert schema.version_of(raw) == schema.LATEST
        assert schema.migrate(raw) == schema.LATEST  # nothing left to do


def test_a_history_from_a_newer_release_is_refused_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    History(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    with pytest.raises(schema.NewerSchemaError, match="newer release"):
        History(path)
    with sqlite3.connect(path) as raw:
        assert schema.version_of(raw) == schema.LATEST + 1


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "history.sqlite3"
    History(path).close()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    with pytest.raises(RuntimeError):
        History(path)
    with sqlite3.connect(path) as raw:
        assert schema.version_of(raw) == schema.LATEST - 1
        assert raw.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None


def test_attempts_made_before_targets_were_recorded_get_them_from_their_forms(tmp_path):
    """Version 2 fills each old attempt's target from its form, so the duplicate check covers them too."""
    path = tmp_path / "history.sqlite3"
    _database_from_release_0_1_0(path)
    with sqlite3.connect(path) as raw:
        forms = {
            "payfabric": {"InvoiceId": "INV-7", "CustomerId": "C-1"},
            "skypostal": {"trck_nmr_fol": "13869085"},
            "shopwave": {"invoices": [{"id": None, "reference": "R-1"}, {"id": 4001, "reference": None}]},
            "ddapi": {"CustomerNumber": 1},
        }
        for provider, form in forms.items():
            raw.execute(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, form_json, state) "
                "VALUES ('2026-12-01T10:00:00+00:00', '2026-12-01T10:00:00+00:00', ?, 'practice', 'u', ?, "
                "'succeeded')",
                (provider, json.dumps(form)),
            )

    history = History(path)
    try:
        assert [a.id for a in history.with_target("imaterialise", "practice", "ORD-1001")] == [1]
        assert [a.id for a in history.succeeded_with("payfabric", "practice", "InvoiceId", "INV-7")] == [3]
        assert [a.id for a in history.with_target("skypostal", "practice", "13869085")] == [4]
        assert history.targets(5) == ["R-1", "4001"]
        assert history.targets(6) == []  # customer settings are no duplicate
        assert all(a.retry_of is None for a in history.recent())
    finally:
        history.close()
