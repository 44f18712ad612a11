"""The shared history on PostgreSQL with 100,000 attempts: the duplicate check before a send and the History view's
first page, as the app runs them, beside their references measured in the same run (a bare `SELECT 1` round trip
to the same server, and the same history in this computer's SQLite file); then 50 clerks at once.

    .venv/bin/python benchmarks/shared_history.py [ATTEMPTS]

Goals (issue 15): duplicate check ≤ 20 ms, History first page ≤ 100 ms, with 100,000 attempts on the server.
Starts a throwaway PostgreSQL server (tests/pg_server.py: Debian's `postgresql` package) on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# A home of its own unless one is given, removed at the end (its SQLite copy of the history is 40 MB).
OWN_HOME = "INVOICE_DESKTOP_HOME" not in os.environ
if OWN_HOME:
    os.environ["INVOICE_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="shared-bench-")

from invoice_desktop.core.history import History, HistoryQuery  # noqa: E402  (after the home is chosen)
from invoice_desktop.core.history_shared import SharedHistory  # noqa: E402
from tests.pg_server import start_server  # noqa: E402

PROVIDERS = ("imaterialise", "skypostal", "payfabric", "shopwave", "ddapi")
CLERKS = 50
RUNS = 200


def fill_server(url: str, count: int) -> None:
    """`count` attempts by 50 clerks over a year, each with its target and one exchange, made by the server."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        columns = {
            r[0] for r in db.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'attempts'")
        }
        clerk_col, clerk_val = (
            (", clerk", ", 'clerk' || (g %% 50) || '@pc-' || (g %% 50)") if "clerk" in columns else ("", "")
        )
        db.execute(
            f"""INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, file_size,
                form_json, options_json, state, summary, snapshot_sha256{clerk_col})
            SELECT to_char(timestamp '2026-01-01' + g * interval '5 minutes', 'YYYY-MM-DD"T"HH24:MI:SS') || '+01:00',
                   to_char(timestamp '2026-01-01' + g * interval '5 minutes', 'YYYY-MM-DD"T"HH24:MI:SS') || '+01:00',
                   (ARRAY{list(PROVIDERS)})[1 + g %% 5], 'production', 'https://api.example.com',
                   'INV-' || lpad(g::text, 6, '0') || '.pdf', 50000 + g,
                   '{{"InvoiceId": "INV-' || lpad(g::text, 6, '0') || '"}}',
                   '{{"description": "INV-' || lpad(g::text, 6, '0') || '"}}',
                   CASE WHEN g %% 10 = 0 THEN 'failed' ELSE 'succeeded' END, 'The provider accepted it.',
                   md5(g::text) || md5((g + 1)::text){clerk_val}
            FROM generate_series(1, %s) AS g""",
            (count,),
        )
        db.execute("INSERT INTO attempt_targets (attempt_id, target) SELECT id, substr(file_name, 1, 10) FROM attempts")
        db.execute(
            "INSERT INTO exchanges (attempt_id, exchange_json) SELECT id, "
            '\'{"label": "upload", "method": "POST", "status": 201, "duration_ms": 420}\' FROM attempts'
        )
        db.execute("VACUUM ANALYZE")


def fill_sqlite(history: History, count: int) -> None:
    def write(db):  # type: ignore[no-untyped-def]
        db.execute("BEGIN IMMEDIATE")
        for start in range(1, count + 1, 5000):
            rows = []
            for g in range(start, min(start + 5000, count + 1)):
                name = f"INV-{g:06}"
                when = f"2026-{1 + g * 5 // 44640 % 12:02}-01T00:00:00+01:00"
                rows.append((when, when, PROVIDERS[g % 5], "production", "https://api.example.com", name + ".pdf",
                             f'{{"InvoiceId": "{name}"}}', f'{{"description": "{name}"}}',
                             "failed" if g % 10 == 0 else "succeeded", "The provider accepted it."))  # fmt: skip
            db.executemany(
                "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, file_name, form_json, "
                "options_json, state, summary) VALUES (?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
        db.execute("INSERT INTO attempt_targets (attempt_id, target) SELECT id, substr(file_name, 1, 10) FROM attempts")
        db.execute("COMMIT")
        db.execute("ANALYZE")

    history.write(write)


def timed(run: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and 95th percentile, in ms."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def duplicate_check(history: History, count: int) -> Callable[[], object]:
    """What the app asks before a send (a provider's warnings() and core/duplicates.py): a success by anyone to
    this target, and a success by anyone of this same file (SHA-256) for another target."""

    def check() -> object:
        n = random.randint(1, count)
        target = f"INV-{n:06}"
        provider = PROVIDERS[n % 5]
        sha256 = hashlib.md5(str(n).encode()).hexdigest() + hashlib.md5(str(n + 1).encode()).hexdigest()
        return (
            history.succeeded_with(provider, "production", "InvoiceId", target),
            history.succeeded_with_file(provider, "production", sha256, except_targets=[target]),
        )

    return check


def first_page(history: History, query: HistoryQuery) -> Callable[[], object]:
    """What the History view runs when it opens or the clerk searches: the count, and the first 200 rows."""
    return lambda: (history.count(query), history.rows(query, limit=200))


def fifty_clerks(url: str, count: int) -> tuple[float, float, float]:
    """50 apps at once, each on its own connection: a duplicate check and a first page, 10 times each."""
    samples: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLERKS)
    histories = [SharedHistory(url) for _ in range(CLERKS)]

    def clerk(history: History) -> None:
        barrier.wait()
        mine = []
        for _ in range(10):
            started = time.perf_counter()
            duplicate_check(history, count)()
            first_page(history, HistoryQuery())()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=clerk, args=(h,)) for h in histories]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    for h in histories:
        h.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(samples) / wall


def main() -> None:
    import psycopg

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    server = start_server()
    try:
        with psycopg.connect(server.url(), autocommit=True) as db:  # 50 clerks' apps, each with its connection
            db.execute("ALTER SYSTEM SET max_connections = 200")
        server.stop(keep=True)  # a restart: the same data, the new setting
        server.start()
        url = server.create_database("bench")
        shared = SharedHistory(url)
        started = time.perf_counter()
        fill_server(url, count)
        with psycopg.connect(url) as db:
            version = db.info.server_version // 10000
            print(f"{count:,} attempts on the server (PostgreSQL {version}) in {time.perf_counter() - started:.1f} s")
            size = int(db.execute("SELECT pg_database_size(current_database())").fetchone()[0])  # type: ignore[index]
            ping = timed(lambda: db.execute("SELECT 1").fetchone())
        print(f"database size {size / 2**20:.0f} MiB ({size / count:.0f} bytes per attempt with its exchange)\n")

        local = History(Path(os.environ["INVOICE_DESKTOP_HOME"]) / "bench.sqlite3")
        fill_sqlite(local, count)

        searches = {
            "first page (everything)": HistoryQuery(),
            "first page, one provider": HistoryQuery(provider="payfabric"),
            "first page, search “INV-04242”": HistoryQuery(text="INV-04242"),
            # A text nearly every attempt holds: the count reads them all, whichever way it is asked.
            "first page, search “INV-0” (~all)": HistoryQuery(text="INV-0"),
        }
        rows = [("duplicate check", duplicate_check(shared, count), duplicate_check(local, count), 20)]
        rows += [(name, first_page(shared, q), first_page(local, q), 100) for name, q in searches.items()]
        print(f"{'':34} {'PostgreSQL median / p95':>24} {'SQLite median / p95':>22}   goal")
        for name, pg_run, sqlite_run, goal in rows:
            pg_med, pg_p95 = timed(pg_run, 50 if "search" in name else RUNS)
            lite_med, lite_p95 = timed(sqlite_run, 50 if "search" in name else RUNS)
            verdict = "met" if pg_p95 <= goal else "MISSED"
            print(
                f"{name:34} {pg_med:10.2f} / {pg_p95:6.2f} ms {lite_med:10.2f} / {lite_p95:6.2f} ms"
                f"   ≤ {goal} ms {verdict}"
            )
        print(f"{'reference: SELECT 1 round trip':34} {ping[0]:10.2f} / {ping[1]:6.2f} ms")
        shared.close()
        local.close()

        med, p95, rate = fifty_clerks(url, count)
        print(
            f"\n{CLERKS} clerks at once (a duplicate check + the first page each, 10 times): median {med:.1f} ms, "
            f"p95 {p95:.1f} ms, {rate:.0f} per second on this machine ({os.cpu_count()} cores, shared)"
        )
    finally:
        server.close()
        if OWN_HOME:
            shutil.rmtree(os.environ["INVOICE_DESKTOP_HOME"], ignore_errors=True)


if __name__ == "__main__":
    main()
