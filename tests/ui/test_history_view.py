"""The History over a clerk's real month: 10,000 attempts open a page at a time and every one can be reached;
the search finds the one the clerk asks about; the newest attempt is shown selected; CSV holds what is shown."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QDate

from invoice_desktop.core import history as hist
from invoice_desktop.core import local_format
from invoice_desktop.core.history import History
from invoice_desktop.providers import infos
from invoice_desktop.ui.history_view import HistoryView
from tests.core.test_history_search import seed

NAMES = {i.id: i.name for i in infos()}


@pytest.fixture
def history(app_home: Path):
    h = History(app_home / "h.sqlite3")
    yield h
    h.close()


@pytest.fixture
def view(qtbot, history, runner):
    v = HistoryView()
    v.bind(history, runner, NAMES)
    qtbot.addWidget(v)
    v.resize(1200, 400)
    v.show()
    yield v
    v.close()
    shiboken6.delete(v)  # now, not at interpreter exit, where PySide 6.12 can crash freeing 10,000 rows' view


def refresh(qtbot, view, **kwargs):
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.refresh(**kwargs)


def test_10000_attempts_open_one_page_at_a_time_and_all_can_be_reached(qtbot, view, history):
    local_format.set_region(local_format.region_named("en_US"))  # the count is grouped the region's way
    seed(history, 10_000)
    refresh(qtbot, view)
    assert view.model.rowCount() == view.model.PAGE  # not 10,000 rows built at once
    assert view.status.text() == "10,000 attempts in the history"
    assert view.model.index(0, 0).data() == "10000"
    assert view.model.index(0, 2).data() == "PayFabric Receivables"  # the provider's name, not its id

    while view.model.rowCount() < 10_000:  # what scrolling to the end does: the view asks for the next page
        with qtbot.waitSignal(view.model.rowsInserted, timeout=10000):
            view.table.scrollToBottom()
    assert view.model.index(9_999, 0).data() == "1"
    assert not view.model.canFetchMore()


def test_the_search_finds_one_attempt_among_10000(qtbot, view, history):
    seed(history, 10_000)
    refresh(qtbot, view)
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.search.setText("INV-4242")  # typed: one search after a short pause
    assert view.model.rowCount() == 1
    assert view.model.index(0, 4).data() == "invoice INV-4242 for C-0 — invoice-4242.pdf"
    assert view.status.text() == "1 attempt matches"

    with qtbot.waitSignal(view.updated, timeout=10000):
        view.search.setText("no such invoice")
    assert view.table.isHidden() and "No attempt matches this search" in view.empty.text()

    with qtbot.waitSignal(view.updated, timeout=10000):
        view.clear_search_button.click()
    assert view.model.total == 10_000 and view.table.isVisible()


def test_the_search_filters_by_outcome_provider_and_dates(qtbot, view, history):
    seed(history, 48, start=date(2026, 11, 30))  # hourly, ending 2026-11-30 22:00
    seed(history, 3, provider="skypostal", start=date(2026, 11, 30))
    refresh(qtbot, view)
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.provider_filter.setCurrentIndex(view.provider_filter.findData("skypostal"))
    assert view.model.total == 3 and view.model.index(0, 2).data() == "SkyPostal API-BOX"
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.provider_filter.setCurrentIndex(view.provider_filter.findData("payfabric"))
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.state_filter.setCurrentIndex(view.state_filter.findData(hist.REJECTED))
    assert view.model.total == 16
    assert all("refused" in view.model.index(r, 5).data() for r in range(view.model.rowCount()))

    view.state_filter.setCurrentIndex(0)
    view.since.setDate(QDate(2026, 11, 30))
    view.until.setDate(QDate(2026, 11, 30))
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.period.setCurrentIndex(view.period.findData("between"))
    assert view.since.isVisible() and view.until.isVisible()
    assert view.model.total == 23
    assert all(view.model.index(r, 1).data().startswith("2026-11-30") for r in range(23))


def test_after_an_attempt_its_row_is_selected_even_when_a_search_hid_it(qtbot, view, history):
    seed(history, 500)
    refresh(qtbot, view)
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.search.setText("INV-42")
    new = history.create(provider="imaterialise", environment="practice", base_url="u", form={}, targets=["ORD-9"])
    history.finish(new, state=hist.SUCCEEDED, summary="accepted")

    with qtbot.waitSignal(view.updated, timeout=10000):
        view.refresh(select=new)
    qtbot.waitUntil(lambda: view.selected() is not None, timeout=10000)
    assert view.search.text() == "" and view.selected().id == new  # the search gave way to the new attempt
    assert view.table.rowAt(0) == 0  # scrolled to the top, where the newest is


def test_a_retry_reads_as_a_new_attempt_that_names_the_one_it_retried(qtbot, view, history):
    first = history.create(provider="skypostal", environment="practice", base_url="u", form={}, file_path=Path("a.pdf"))
    history.finish(first, state=hist.FAILED, summary="no answer")
    again = history.create(provider="skypostal", environment="practice", base_url="u", form={}, retry_of=first)
    refresh(qtbot, view)
    assert [view.model.index(r, 0).data() for r in (0, 1)] == [str(again), str(first)]
    assert view.model.index(0, 4).data().startswith(f"retry of #{first}")
    view.table.selectRow(1)
    assert view.retry_button.isEnabled()  # failed: may be sent again
    view.table.selectRow(0)
    assert not view.retry_button.isEnabled()  # still sending


def test_export_writes_every_attempt_the_search_shows_not_only_the_loaded_page(qtbot, view, history, tmp_path):
    seed(history, 1_000)
    refresh(qtbot, view)
    with qtbot.waitSignal(view.updated, timeout=10000):
        view.state_filter.setCurrentIndex(view.state_filter.findData(hist.SUCCEEDED))
    assert view.model.rowCount() < view.model.total == 666
    target = tmp_path / "month-end.csv"
    with qtbot.waitSignal(view.exported, timeout=10000) as exported:
        view.export_to(target)
    assert exported.args == [666]
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 666 and {r["Outcome"] for r in rows} == {"succeeded"}
    assert rows[0]["Provider"] == "PayFabric Receivables" and rows[0]["What"] == "invoice INV-998 for C-4"
    assert not (tmp_path / "month-end.csv.part").exists()


def test_count_and_date_filters_follow_the_region(qtbot, history, runner):
    local_format.set_region(local_format.region_named("de_DE"))
    v = HistoryView()
    v.bind(history, runner, NAMES)
    qtbot.addWidget(v)
    seed(history, 1_234)
    refresh(qtbot, v)
    assert v.status.text() == "1.234 attempts in the history"  # German grouping, not English "1,234"
    v.since.setDate(QDate(2026, 3, 31))
    assert v.since.text() == "31.03.2026"  # shown the region's way; the search itself stays ISO
    v.close()
