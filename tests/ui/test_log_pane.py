"""The log pane under a busy log: it keeps the newest entries (the log file keeps all), renders an entry's full
text only when the clerk selects it, and does not yank the list away from a clerk reading an older entry."""

from __future__ import annotations

import logging
import threading

import pytest

from invoice_desktop.core.exchange import Exchange
from invoice_desktop.ui.log_pane import LogPane, QtLogHandler


def exchange(n: int, status: int | None = 200) -> Exchange:
    return Exchange(
        label=f"Upload {n}",
        method="POST",
        url=f"http://127.0.0.1:1/orders/ORD-{n}/invoice",
        started_at="2026-12-02T07:00:00+00:00",
        request_headers={"ApiCode": "•••redacted•••"},
        status=status,
        response_body='{"ok": true}' if status else "",
        duration_ms=n % 50,
        error=None if status else "connection refused",
    )


@pytest.fixture
def pane(qtbot):
    p = LogPane()
    qtbot.addWidget(p)
    p.resize(900, 500)
    p.show()
    return p


def test_the_pane_keeps_the_newest_entries_and_says_where_the_rest_are(qtbot, pane):
    for n in range(1, 1_201):
        pane.add_exchange(exchange(n))
    pane.flush()
    assert pane.model.rowCount() == LogPane.MAX_ENTRIES == 500
    assert pane.model.entry(0).what.endswith("ORD-701/invoice")  # the oldest kept
    assert pane.model.entry(499).what.endswith("ORD-1200/invoice")  # the newest, last
    assert "older ones are in the log file" in pane.status.text()


def test_an_entry_is_rendered_only_when_the_clerk_selects_it(qtbot, pane, monkeypatch):
    rendered: list[str] = []
    original = Exchange.as_text
    monkeypatch.setattr(Exchange, "as_text", lambda self: rendered.append(self.url) or original(self))
    for n in range(1, 1_001):
        pane.add_exchange(exchange(n, status=None if n == 507 else 200))
    pane.flush()
    assert rendered == [] and pane.detail.toPlainText() == ""  # nothing rendered as it arrives

    pane.table.setCurrentIndex(pane.model.index(6, 0))  # the clerk clicks the failed one (500 kept: 501 first)
    assert rendered == ["http://127.0.0.1:1/orders/ORD-507/invoice"]
    assert "no answer after 7 ms: connection refused" in pane.detail.toPlainText()
    assert pane.copy_curl_button.isEnabled()


def test_records_from_worker_threads_arrive_together_in_order(qtbot, pane):
    handler = QtLogHandler()
    pane.listen(handler)
    announced: list[int] = []
    handler.emitter.ready.connect(lambda: announced.append(1))
    log = logging.getLogger("invoice_desktop.test_log_pane")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:

        def work() -> None:
            for n in range(1, 301):
                log.info("exchange %s", n, extra={"exchange": exchange(n)})
            log.warning("the provider is slow")

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: pane.model.rowCount() == 301, timeout=5000)
    finally:
        log.removeHandler(handler)
    assert [pane.model.entry(r).what.rsplit("-", 1)[1] for r in (0, 299)] == ["1/invoice", "300/invoice"]
    assert pane.model.entry(300).what == "the provider is slow" and pane.model.entry(300).bad
    # One event per batch waiting in the handler, not one per record: the window is not flooded.
    assert len(announced) < 30


def test_the_list_follows_new_entries_unless_the_clerk_scrolled_up_to_read(qtbot, pane):
    for n in range(1, 201):
        pane.add_exchange(exchange(n))
    pane.flush()
    bar = pane.table.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0  # following the newest

    bar.setValue(0)  # the clerk reads the first entries
    for n in range(201, 221):
        pane.add_exchange(exchange(n))
    pane.flush()
    assert bar.value() == 0


def test_an_attempt_shown_from_the_history_is_selected_and_shown_in_full(qtbot, pane):
    pane.add_exchange(exchange(1))
    pane.show_exchanges([exchange(41, status=500), exchange(42)], "— attempt #41: refused")
    assert pane.model.rowCount() == 4
    assert pane.current_entry().url.endswith("ORD-41/invoice")
    assert "← HTTP 500" in pane.detail.toPlainText()
    pane.clear()
    assert pane.model.rowCount() == 0 and pane.detail.toPlainText() == "" and not pane.clear_button.isEnabled()


def test_a_batch_arriving_in_a_full_pane_does_not_make_the_list_ask_about_every_row(qtbot, monkeypatch):
    """A busy log appends a batch every 30 ms to a pane of 500 entries: the list must not lay out (and ask the model
    about) every row each time, as a QTreeView did (some 600 calls into Python per batch, the stalls of a busy log)."""
    from invoice_desktop.ui.log_pane import LogModel

    asked: list[int] = []
    row_count = LogModel.rowCount
    monkeypatch.setattr(LogModel, "rowCount", lambda self, *a: asked.append(1) or row_count(self, *a))
    full = LogPane()
    qtbot.addWidget(full)
    full.resize(900, 500)
    full.show()
    qtbot.waitExposed(full)
    for n in range(1, 501):
        full.add_exchange(exchange(n))
    full.flush()
    full.repaint()
    asked.clear()
    for batch in range(10):
        for n in range(14):
            full.add_exchange(exchange(1000 + 14 * batch + n))
        full.flush()
        full.repaint()
    assert full.model.rowCount() == 500
    assert len(asked) / 10 < 150, f"{len(asked) / 10:.0f} calls per batch"


def test_a_marked_warning_reads_in_the_clerks_language_while_the_log_file_keeps_english(qtbot, pane):
    from invoice_desktop.core import i18n

    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    record = logging.LogRecord(
        "invoice_desktop.settings",
        logging.WARNING,
        __file__,
        1,
        i18n.N_("Could not remember the file-name pattern: %(error)s"),
        ({"error": "disk full"},),
        None,
    )
    pane.add_record(record)
    pane.flush()
    shown = pane.model.entry(pane.model.rowCount() - 1).what
    assert shown == "[Cóúld ñót rémémbér thé fílé-ñámé páttérñ: disk full ~~~~~~~~~~~~~~~~~~~~]"  # translated
    assert record.getMessage() == "Could not remember the file-name pattern: disk full"  # the log file's line


def test_an_exchange_label_with_values_reads_in_the_clerks_language_while_the_record_keeps_english(qtbot, pane):
    from invoice_desktop.core import i18n
    from invoice_desktop.core.http import OutgoingRequest
    from invoice_desktop.core.transport import Transport

    label = i18n.Msg.plural_of(
        "Send {n} invoice ({objects} objects)", "Send {n} invoices ({objects} objects)", 3, objects=7
    )
    record = Transport()._start_record(OutgoingRequest("POST", "http://127.0.0.1:1/invoice", label=label), {})
    i18n.set_language("de")
    pane.add_exchange(record)
    pane.flush()
    shown = pane.model.entry(pane.model.rowCount() - 1).what
    assert shown.startswith("3 Rechnungen senden (7 Objekte): POST ")
    assert record.label == "Send 3 invoices (7 objects)"  # the log file and the history keep English
    assert record.as_text().splitlines()[0].endswith("Send 3 invoices (7 objects)")


def test_the_line_that_ends_an_attempt_says_its_outcome_in_the_clerks_language(qtbot, pane):
    from invoice_desktop.core import i18n
    from invoice_desktop.core.results import Outcome, UploadResult
    from invoice_desktop.core.upload import _log_outcome

    caught: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record)

    logger = logging.getLogger("invoice_desktop.upload")
    handler = Catch(logging.INFO)
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        _log_outcome(12, "DäckData", UploadResult(Outcome.REJECTED, "Kunde unbekannt", provider_code="404"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    (record,) = caught
    i18n.set_language("sv")
    pane.add_record(record)
    pane.flush()
    shown = pane.model.entry(pane.model.rowCount() - 1).what
    assert shown == "Försök 12 avvisades: Kunde unbekannt [DäckData svarade: 404 ]"
    assert record.getMessage() == "Attempt 12 was rejected: Kunde unbekannt [DäckData said: 404 ]"


def test_the_logs_clear_and_the_historys_clear_are_different_words_where_they_mean_different_things(window_in):
    # The Log's empties the pane; the History's only resets its search: "Leeren" is not "Zurücksetzen".
    window = window_in("de")
    assert window.log_pane.clear_button.text() == "Leeren"
    assert window.history_view.clear_search_button.text() == "Zurücksetzen"
    window = window_in("sv")
    assert (window.log_pane.clear_button.text(), window.history_view.clear_search_button.text()) == (
        "Rensa",
        "Återställ",
    )


def _rows_in_sight(pane) -> int:
    return pane.table.viewport().height() // pane.table.verticalHeader().defaultSectionSize()


def test_the_list_has_the_room_until_an_entry_is_selected_then_the_details_are_readable(qtbot, window):
    """At 1366×768 (the window 1366×728) a fixed split left the list 3 rows above an empty details box."""
    window.resize(1366, 728)
    with qtbot.waitSignal(window.tabs.expanded_changed, timeout=2000):
        window.tabs.set_expanded(True)
    pane = window.log_pane
    window.tabs.setCurrentWidget(pane)
    for n in range(12):
        pane.add_record(logging.LogRecord("invoice_desktop", logging.INFO, __file__, 1, f"entry {n}", None, None))
    pane.flush()
    qtbot.waitUntil(lambda: pane.table.viewport().height() > 0, timeout=2000)
    assert _rows_in_sight(pane) >= 5, f"only {_rows_in_sight(pane)} rows in sight"
    line = pane.detail.fontMetrics().lineSpacing()
    assert pane.detail.height() >= line, "the details' hint is not readable"

    pane.table.selectRow(3)
    qtbot.waitUntil(lambda: pane.detail.toPlainText() != "", timeout=2000)
    assert pane.detail.viewport().height() >= 3 * line, "the selected entry's details are not readable"
    assert _rows_in_sight(pane) >= 3, f"only {_rows_in_sight(pane)} rows in sight beside the details"

    pane.clear()
    assert pane.detail.height() < 3 * line, "cleared, the empty details box keeps the room"


def test_an_attempt_shown_from_the_history_opens_the_details_when_the_log_tab_appears(qtbot):
    pane = LogPane()
    qtbot.addWidget(pane)
    pane.show_exchanges([exchange(n) for n in range(3)], "— attempt #7")  # selected while the pane is not on screen
    pane.resize(900, 300)
    pane.show()
    qtbot.waitExposed(pane)
    line = pane.detail.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: pane.detail.viewport().height() >= 3 * line, timeout=2000)
    assert _rows_in_sight(pane) >= 3
