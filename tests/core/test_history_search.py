"""The whole history answers fast: a duplicate check finds an earlier success however old it is, and the History's
search finds one attempt among 10,000 by what the clerk knows of it (an invoice or order id, a file name, a date)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.history import History, HistoryQuery
from invoice_desktop.core.history_pg import PgHistory
from invoice_desktop.providers import get_provider

TODAY = date(2026, 12, 2)


def seed(history: History, count: int, provider: str = "payfabric", start: date = TODAY) -> None:
    """`count` finished attempts, one per hour going back from `start`, oldest first, in one transaction (the
    app writes one at a time; a test has no time for 10,000 commits)."""
    db = history._db
    with history._lock:
        db.execute("BEGIN")
        for n in range(count):
            when = (datetime(start.year, start.month, start.day, 23) - timedelta(hours=count - n)).isoformat()
            cur = db.execute(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, "
                "form_json, options_json, state, summary) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    when,
                    when,
                    provider,
                    "practice",
                    "http://127.0.0.1:1",
                    f"invoice-{n}.pdf",
                    json.dumps({"InvoiceId": f"INV-{n}"}),
                    json.dumps({"description": f"invoice INV-{n} for C-{n % 7}"}),
                    hist.SUCCEEDED if n % 3 else hist.REJECTED,
                    "done",
                ),
            )
            [attempt_id] = cur.fetchone()
            db.execute("INSERT INTO attempt_targets (attempt_id, target) VALUES (?, ?)", (attempt_id, f"INV-{n}"))
        db.execute("COMMIT")
    if isinstance(history, PgHistory):
        # PostgreSQL's autovacuum analyses a history that grows one attempt at a time (and moves the new entries of
        # the search's indexes into place); a bulk load in a test outruns it, and stale statistics would plan a scan.
        db.execute("VACUUM ANALYZE")


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def history(open_history):
    h = open_history("h")
    yield h
    h.close()


def test_the_duplicate_warning_finds_a_success_older_than_the_newest_5000_attempts(history):
    seed(history, 10_000)
    provider = get_provider("payfabric")
    form = provider.form_model.model_validate(
        {"InvoiceId": "INV-4", "CustomerId": "C-1", "Amount": "1.00", "BalanceDue": "1.00"}
    )
    [warning, *_] = provider.warnings(form, history, "practice")
    assert "INV-4" in warning and "already uploaded" in warning and "attempt 5" in warning
    # Not in another environment, and not for a refusal (attempt 4, INV-3, was refused).
    assert history.succeeded_with("payfabric", "sandbox", "InvoiceId", "INV-4") == []
    assert history.succeeded_with("payfabric", "practice", "InvoiceId", "INV-3") == []


def test_the_duplicate_lookup_is_flat_as_the_history_grows(history):
    def lookup_ms() -> float:
        start = time.perf_counter()
        for _ in range(50):
            history.succeeded_with("payfabric", "practice", "InvoiceId", "INV-1")
        return (time.perf_counter() - start) * 1000 / 50

    seed(history, 100)
    small = lookup_ms()
    seed(history, 10_000)
    large = lookup_ms()
    # An index lookup: a scan of 100× the rows would take far more than the goal (and than a few times `small`).
    # Goals: 5 ms on this computer's SQLite (issue 12), 20 ms over a server round trip (issue 15); PostgreSQL
    # here shares 2 cores with the suite and once took 7.4 ms under load.
    goal_ms = 20 if type(history).__name__ == "PgHistory" else 5
    assert large < goal_ms, (small, large)
    assert large < small * 5 + 1, (small, large)


def test_the_search_finds_one_attempt_among_10000_by_invoice_id_file_name_or_number(history):
    seed(history, 10_000)
    [row] = history.rows(HistoryQuery(text="INV-4242"))
    assert (row.id, row.file_name, row.description) == (4243, "invoice-4242.pdf", "invoice INV-4242 for C-0")
    assert [r.id for r in history.rows(HistoryQuery(text="invoice-4242.pdf"))] == [4243]
    assert 4243 in [r.id for r in history.rows(HistoryQuery(text="#4243"))]
    assert history.rows(HistoryQuery(text="nothing like this")) == []
    assert history.count(HistoryQuery(text="INV-424")) == 11  # INV-424 and INV-4240 … INV-4249


def test_the_search_treats_wildcards_as_plain_text(history):
    history.create(provider="imaterialise", environment="practice", base_url="u", form={}, targets=["A_1%"])
    history.create(provider="imaterialise", environment="practice", base_url="u", form={}, targets=["AB1x"])
    assert [r.id for r in history.rows(HistoryQuery(text="A_1%"))] == [1]


def test_the_search_filters_by_provider_state_and_dates(history):
    seed(history, 48, start=TODAY)  # two days of hourly attempts ending on TODAY 22:00
    seed(history, 5, provider="skypostal")
    assert history.count(HistoryQuery(provider="skypostal")) == 5
    assert history.count(HistoryQuery(provider="payfabric", state=hist.REJECTED)) == 16
    today = HistoryQuery(provider="payfabric", since=TODAY, until=TODAY)
    rows = history.rows(today, limit=100)
    assert len(rows) == 23 and all(r.created_at.startswith(TODAY.isoformat()) for r in rows)
    assert history.count(HistoryQuery(until=TODAY - timedelta(days=1), provider="payfabric")) == 25


def test_pages_of_rows_reach_every_attempt_newest_first(history):
    seed(history, 1_050)
    seen: list[int] = []
    page = history.rows(HistoryQuery(), limit=200)
    while page:
        seen.extend(r.id for r in page)
        page = history.rows(HistoryQuery(), before_id=page[-1].id, limit=200)
    assert seen == list(range(1_050, 0, -1))


def test_each_attempt_records_what_its_provider_declares_as_its_target(services, make_file):
    provider = get_provider("imaterialise")
    prepared = services.uploads.prepare(provider, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    result = services.uploads.run(prepared)
    assert services.history.targets(result.attempt_id) == ["ORD-1001"]
    assert [a.id for a in services.history.with_target("imaterialise", "practice", "ORD-1001")] == [result.attempt_id]
    # DäckData's customer settings replace themselves: saving them again is no duplicate, so they declare none.
    ddapi = get_provider("ddapi")
    assert ddapi.targets_of(ddapi.form_model.model_validate({"CustomerNumber": 1})) == ()


def _mixed(history: History) -> None:
    """Attempts matching the text in every way the search looks: by a target (one of two, or none), by a file name
    (or none), by a description (or none), by provider, by number; with wildcard characters in some."""
    db = history._db
    with history._lock:
        db.execute("BEGIN")
        for n in range(300):
            options = {"description": f"order {n % 17} for 50%_off"} if n % 4 else {}
            file_name = None if n % 5 == 0 else f"scan_{n % 23}.pdf"
            cur = db.execute(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, "
                "form_json, options_json, state, summary) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (
                    f"2026-11-{1 + n % 28:02}T10:00:00+01:00",
                    "2026-11-30T10:00:00+01:00",
                    ("payfabric", "shopwave", "ddapi")[n % 3],
                    "practice",
                    "u",
                    file_name,
                    "{}",
                    json.dumps(options),
                    (hist.SUCCEEDED, hist.FAILED)[n % 2],
                    "done",
                ),
            )
            [attempt_id] = cur.fetchone()
            for target in [f"INV-{n % 41}", f"A_1%{n % 3}"][: n % 3]:
                db.execute("INSERT INTO attempt_targets (attempt_id, target) VALUES (?, ?)", (attempt_id, target))
        db.execute("COMMIT")
    if isinstance(history, PgHistory):
        db.execute("VACUUM ANALYZE")


def test_the_search_finds_what_one_condition_over_targets_and_columns_finds(history):
    """On PostgreSQL the search is asked as two halves (a target matches; a column of the attempt matches), each
    answered from its own index: the rows, their order, the pages and the counts are the single condition's."""
    _mixed(history)
    texts = ["INV-1", "INV-4", "scan_2", "order 1", "50%_", "A_1%", "%", "_", "\\", "pay", "fabric", "#17", "17", "zzz"]
    filters: list[dict] = [{}, {"provider": "shopwave"}, {"state": hist.FAILED}, {"since": date(2026, 11, 10)}]
    for text in texts:
        for extra in filters:
            query = HistoryQuery(text=text, **extra)
            assert history.count(query) == History.count(history, query), query
            assert history.rows(query, limit=7) == History.rows(history, query, limit=7), query
            older = {"before_id": 150, "limit": 400}
            assert history.rows(query, **older) == History.rows(history, query, **older), query


def test_a_rare_text_is_found_through_the_indexes_not_by_reading_every_attempt(history):
    if not isinstance(history, PgHistory):
        pytest.skip("the trigram indexes are PostgreSQL's (SQLite reads its local file)")
    seed(history, 10_000)
    asked: list[tuple[str, tuple]] = []
    execute = history._db.execute

    def spy(sql: str, args=()):  # type: ignore[no-untyped-def]
        asked.append((sql, tuple(args)))
        return execute(sql, args)

    history._db.execute = spy  # type: ignore[method-assign]
    for text in ("INV-4242", "inv-4242"):  # in any case (ILIKE), from the same indexes
        assert history.count(HistoryQuery(text=text)) == 1
        assert [r.id for r in history.rows(HistoryQuery(text=text))] == [4243]
    history._db.execute = execute  # type: ignore[method-assign]
    for sql, args in asked:
        plan = "\n".join(r[0] for r in execute("EXPLAIN " + sql, args).fetchall())
        assert "Seq Scan" not in plan, plan
        assert "attempts_search" in plan and "attempt_targets_search" in plan, plan


# What clerks type, in another case than the history holds it, and the wildcard characters of both engines.
CASED = [
    ("payfabric", "Örebro Bygg AB", "Faktura_ÖREBRO.pdf", "INV-Å17"),
    ("shopwave", "Ärende für Müller", "rechnung-müller.PDF", "ord-ä2"),
    ("ddapi", "50%_off [Q4] *draft? Å", "scan_[1].pdf", "A_1%"),
    ("imaterialise", "", "Übersicht.pdf", "ORD-1001"),
]


def _cased(history: History) -> list[int]:
    ids = []
    for provider, description, file_name, target in CASED:
        attempt_id = history.create(
            provider=provider,
            environment="practice",
            base_url="u",
            form={},
            options={"description": description} if description else {},
            file_path=Path(file_name),
            targets=[target],
        )
        history.finish(attempt_id, state=hist.SUCCEEDED, summary="done")
        ids.append(attempt_id)
    return ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("örebro", [0]),  # the description and the file name, by a lower-case Ö
        ("ÖREBRO BYGG", [0]),
        ("inv-å17", [0]),  # the target
        ("MÜLLER", [1]),
        ("ärende FÜR", [1]),
        ("ORD-Ä2", [1]),
        (".pdf", [0, 1, 2, 3]),
        ("PAYFABRIC", [0]),  # the provider
        ("übersicht", [3]),
        ("[q4]", [2]),  # wildcards of either engine are plain text
        ("*DRAFT?", [2]),
        ("a_1%", [2]),
        ("[1]", [2]),
        ("[q4] *DRAFT? å", [2]),  # with a letter SQLite's LIKE cannot fold: its GLOB wildcards are plain text too
        ("d?aft? å", []),
        ("? å", [2]),
        ("_[", [2]),
        ("ord-1001", [3]),
        ("a?1", []),
        ("strasse", []),
    ],
)
def test_the_search_ignores_case_in_any_alphabet_alike_on_both_engines(app_home, pg_server, text, expected):
    """SQLite's LIKE ignores the case of ASCII letters only, PostgreSQL's LIKE of none: a clerk typing "örebro"
    found "Örebro AB" on neither, and "inv-7" found "INV-7" on this computer's history only."""
    local = History(app_home / "cased.sqlite3")
    shared = PgHistory(pg_server.create_database(f"t_{uuid.uuid4().hex[:16]}"))
    try:
        for history in (local, shared):
            ids = _cased(history)
            query = HistoryQuery(text=text)
            found = [r.id for r in history.rows(query)]
            assert found == sorted((ids[n] for n in expected), reverse=True), (type(history).__name__, text)
            assert history.count(query) == len(expected)
            # The single condition (History's own) finds the same on PostgreSQL as its two halves.
            assert History.rows(history, query) == history.rows(query)
    finally:
        local.close()
        shared.close()
