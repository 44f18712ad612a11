"""One send at a time, with the file the clerk sees: no double sends, no stale file."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from invoice_desktop.core import attachments
from invoice_desktop.providers import get_provider

from .conftest import select_provider
from .test_main_window import order_input


def sandbox(services):
    return services.uploads.practice.sandbox_for(get_provider("imaterialise"))


def attach(qtbot, window, path) -> None:
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000):
        window.open_file(str(path))


def test_pressing_upload_twice_quickly_sends_once(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    order_input(window).setText("ORD-1001")
    attach(qtbot, window, make_file("invoice.pdf"))
    with qtbot.waitSignal(window.outcome.shown, timeout=10000):
        window.flow.upload()
        window.flow.upload()  # Ctrl+Enter again while the first is still being checked
        assert not window.history_view.retry_button.isEnabled()
    qtbot.waitUntil(lambda: not window.flow.active, timeout=5000)
    assert len(sandbox(services).received) == 1
    assert len(services.history.recent()) == 1


def test_upload_waits_for_the_check_of_a_newly_dropped_file(qtbot, window, services, make_file, monkeypatch):
    select_provider(window, "imaterialise")
    order_input(window).setText("ORD-1001")
    attach(qtbot, window, make_file("old-invoice.pdf"))
    release = threading.Event()
    real_check = attachments.check_attachment

    def slow_check(path, rules):
        release.wait(10)  # a file on a slow network share
        return real_check(path, rules)

    monkeypatch.setattr("invoice_desktop.ui.upload_flow.check_attachment", slow_check)
    new = make_file("new-invoice.pdf")
    window.open_file(str(new))
    with qtbot.waitSignal(window.outcome.shown, timeout=5000):
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert "still being checked" in window.outcome.text()
    assert sandbox(services).requests_seen == []
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=10000):
        release.set()
    assert window.page.drop_zone.path == str(new)


def test_a_slow_check_of_an_earlier_file_does_not_replace_the_latest(qtbot, window, make_file, monkeypatch):
    select_provider(window, "imaterialise")
    release = threading.Event()
    real_check = attachments.check_attachment
    first, second = make_file("first.pdf"), make_file("second.pdf")

    def check(path, rules):
        if str(path) == str(first):
            release.wait(10)
        return real_check(path, rules)

    monkeypatch.setattr("invoice_desktop.ui.upload_flow.check_attachment", check)
    window.open_file(str(first))
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000):
        window.open_file(str(second))
    with qtbot.waitSignal(window.runner.all_done, timeout=5000):  # the first check's outcome arrives too
        release.set()
    assert window.page.drop_zone.path == str(second)
