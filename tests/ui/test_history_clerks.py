"""The History on the office's shared server: everyone's attempts with who made each, "Mine" in one choice, and a
filter by colleague; this computer's own history shows none of it (every attempt there is the clerk's own)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core import i18n
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


def test_the_clerk_choices_read_as_a_spanish_office_says_them_and_fit(qtbot, office, runner):
    """Spanish: "Todos los envíos" / "Solo los míos (…)" beside "Todos los proveedores" (glossary), not the
    fragments "De todos" / "Míos"; each shown whole in the box, in a History as wide as the window's on a 1366×768
    screen, built as the window builds it (bound to the history, then shown)."""
    i18n.set_language("es")
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(1366 - 12, 400)
    with qtbot.waitSignal(view.updated, timeout=10_000):
        view.bind(office, runner, NAMES)
        view.show()
        view.refresh()
    try:
        box = view.clerk_filter
        qtbot.waitUntil(lambda: box.findData("ben@FRONTDESK-2") >= 0, timeout=10_000)
        choices = [box.itemText(i) for i in range(box.count()) if box.itemText(i)]  # not the separator
        assert choices == ["Todos los envíos", "Solo los míos (anna@FRONTDESK-1)", "ben@FRONTDESK-2"]
        frame = box.sizeHint().width() - box.fontMetrics().horizontalAdvance(max(choices, key=len))
        for choice in choices:
            assert box.fontMetrics().horizontalAdvance(choice) + frame <= box.width(), choice
    finally:
        view.close()
