"""The History on the office's shared server: everyone's attempts with who made each, "Mine" in one choice, and a
filter by colleague; this computer's own history shows none of it (every attempt there is the clerk's own)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.history import History
from invoice_desktop.core.history_journal import Journal
from invoice_desktop.core.history_shared import SharedHistory
from invoice_desktop.providers import infos
from invoice_desktop.ui.history_view import HistoryView

NAMES = {i.id: i.name for i in infos()}


@pytest.fixture
def office(pg_server, app_home: Path):
    url = pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    for clerk, invoices in (("anna@FRONTDESK-1", ["INV-1", "INV-2"]), ("ben@FRONTDESK-2", ["INV-3"])):
        h = SharedHistory(url, clerk=clerk, journal=Journal(app_home / clerk))
        for invoice in invoices:
            attempt = h.create(
                provider="payfabric", environment="practice", base_url="u", form={}, options={"description": invoice}
            )
            h.finish(attempt, state=hist.SUCCEEDED, summary="accepted")
        h.close()
    anna = SharedHistory(url, clerk="anna@FRONTDESK-1", journal=Journal(app_home / "anna-app"))
    yield anna
    anna.close()


def _view(qtbot, history, runner) -> HistoryView:
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(1300, 400)
    view.show()
    with qtbot.waitSignal(view.updated, timeout=10_000):
        view.bind(history, runner, NAMES)
        view.refresh()
    return view


def _descriptions(view: HistoryView) -> list[str]:
    return [view.model.index(r, 4).data() for r in range(view.model.rowCount())]


def test_mine_everyones_and_one_colleagues_attempts(qtbot, office, runner):
    view = _view(qtbot, office, runner)
    try:
        assert not view.clerk_filter.isHidden() and not view.table.isColumnHidden(view.model.CLERK_COLUMN)
        assert _descriptions(view) == ["INV-3", "INV-2", "INV-1"]  # everyone's, by default
        assert view.model.index(0, view.model.CLERK_COLUMN).data() == "ben@FRONTDESK-2"
        qtbot.waitUntil(lambda: view.clerk_filter.findData("ben@FRONTDESK-2") >= 0, timeout=10_000)
        assert view.clerk_filter.itemText(1) == "Mine (anna@FRONTDESK-1)"

        with qtbot.waitSignal(view.updated, timeout=10_000):
            view.clerk_filter.setCurrentIndex(1)  # Mine
        assert _descriptions(view) == ["INV-2", "INV-1"] and view.status.text() == "2 attempts match"

        with qtbot.waitSignal(view.updated, timeout=10_000):
            view.clerk_filter.setCurrentIndex(view.clerk_filter.findData("ben@FRONTDESK-2"))
        assert _descriptions(view) == ["INV-3"]

        with qtbot.waitSignal(view.updated, timeout=10_000):
            view.clear_search()
        assert view.clerk_filter.currentIndex() == 0 and len(_descriptions(view)) == 3
    finally:
        view.close()


def test_this_computers_history_shows_no_clerk_choice(qtbot, app_home, runner):
    history = History(app_home / "h.sqlite3")
    view = _view(qtbot, history, runner)
    try:
        assert view.clerk_filter.isHidden() and view.table.isColumnHidden(view.model.CLERK_COLUMN)
    finally:
        view.close()
        history.close()
