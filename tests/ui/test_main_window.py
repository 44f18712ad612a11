"""The window end to end against the practice sandbox: drop, check, upload, answer, log, history."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.providers import get_provider
from invoice_desktop.ui.form_fields import ScalarEditor

from .conftest import select_provider


def sandbox(services):
    return services.uploads.practice.sandbox_for(get_provider("imaterialise"))


def order_input(window) -> QLineEdit:
    editor = window.page.form.editors["order_id"]
    assert isinstance(editor, ScalarEditor)
    return editor.input  # type: ignore[return-value]


def drop_file(qtbot, window, path: Path, expect_ok: bool = True) -> None:
    zone = window.page.drop_zone
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(zone, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(zone.checked, timeout=5000) as signal:
        QApplication.sendEvent(zone, event)
    assert signal.args[0] is expect_ok, signal.args


def upload(qtbot, window, timeout: int = 10000):
    with qtbot.waitSignal(window.outcome.shown, timeout=timeout) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    return signal.args[0]


def test_practice_is_the_default_and_says_nothing_leaves_the_computer(window):
    select_provider(window, "imaterialise")
    assert window.environment == "practice"
    assert window.banner.isVisible()
    assert "nothing leaves this computer" in window.banner.text()


def test_upload_round_trip_shows_the_answer_the_exchange_and_the_history(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("Rechnung_Müller_№5.pdf", size=4096))
    with qtbot.waitSignal(window.history_view.updated, timeout=10000):
        result = upload(qtbot, window)
    assert result.outcome is Outcome.SUCCEEDED
    assert "accepted the invoice" in window.outcome.text()
    log_text = window.log_pane.all_text()
    assert "POST http://127.0.0.1" in log_text and "/web-api/order/ORD-1001/invoice" in log_text
    assert "← HTTP 200" in log_text
    assert "File: file “Rechnung_Müller_№5.pdf”, application/pdf, 4,096 bytes" in log_text
    assert DEMO_API_CODE not in log_text
    assert window.history_view.model.rowCount() == 1
    assert "accepted" in window.history_view.model.index(0, 5).data()
    assert sandbox(services).received[-1]["filename"] == "Rechnung_Müller_№5.pdf"


def test_provider_refusal_is_shown_plainly_with_its_code(qtbot, window, make_file):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-2001")
    drop_file(qtbot, window, make_file("invoice.pdf"))
    result = upload(qtbot, window)
    assert result.outcome is Outcome.REJECTED
    text = window.outcome.text()
    assert "already shipped or cancelled" in text
    assert "code 103" in text
    assert "i.materialise said: 103 Order is already shipped or cancelled" in window.log_pane.all_text()


def test_incomplete_form_is_marked_inline_and_nothing_is_sent(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    order_input(window).setFocus()
    qtbot.keyClicks(order_input(window), "ORD 1")
    error = window.page.form.error_labels["order_id"]
    assert error.isVisible() and "no spaces" in error.text()
    order_input(window).clear()
    drop_file(qtbot, window, make_file("invoice.pdf"))
    upload(qtbot, window)
    assert "not complete" in window.outcome.text()
    assert error.isVisible() and "Required" in error.text()
    assert sandbox(services).requests_seen == []


def test_a_refused_file_is_explained_and_blocks_the_upload(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf", content=b"<html>not a pdf</html>"), expect_ok=False)
    assert "not a PDF document" in window.page.drop_zone.detail.text()
    upload(qtbot, window)
    assert "can't be used" in window.outcome.text()
    assert sandbox(services).requests_seen == []


def test_cancel_stops_an_upload_in_flight(qtbot, window, services, make_file):
    select_provider(window, "imaterialise")
    box = sandbox(services)
    release = threading.Event()
    box.before_handle = lambda _request: release.wait(10)  # the server does not read the body yet
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("big.pdf", size=10 * 1024 * 1024))
    with qtbot.waitSignal(window.outcome.shown, timeout=15000) as signal:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.cancel_button.isEnabled() and window.progress.value() > 0, timeout=5000)
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert signal.args[0].outcome is Outcome.CANCELLED
    assert box.received == []
    attempt = services.history.recent()[0]
    assert attempt.state == "cancelled"


def test_closing_during_an_upload_neither_crashes_nor_hangs(qtbot, window, services, make_file, monkeypatch):
    select_provider(window, "imaterialise")
    box = sandbox(services)
    arrived = threading.Event()
    box.before_handle = lambda _request: arrived.set()
    hold = box.hold_answers()
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf"))
    qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(arrived.is_set, timeout=5000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    started = time.monotonic()
    window.close()
    # Cancel breaks off the wait for the answer at once: the worker has ended while the sandbox still holds the
    # answer, well before the close's 3 s bound (a Cancel that does nothing would leave it waiting there).
    assert time.monotonic() - started < 2
    assert not window.isVisible()
    assert window.runner.running_tasks() == []
    assert [a.state for a in services.history.recent()] != ["sending"]
    hold.set()


def test_every_control_is_reachable_with_the_keyboard(window):
    select_provider(window, "imaterialise")
    reachable = set()
    widget = window.provider_list
    for _ in range(5000):  # the whole tab chain, once around
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            reachable.add(widget)
        widget = widget.nextInFocusChain()
        if widget is window.provider_list:
            break
    needed = [
        window.provider_list,
        window.environment_combo,
        window.credentials_button,
        order_input(window),
        window.page.drop_zone.browse_button,
        window.page.file_url,
        window.upload_button,
    ]
    missing = [w.accessibleName() or type(w).__name__ for w in needed if w not in reachable]
    assert not missing, missing


def test_a_file_dropped_anywhere_on_the_window_is_attached(qtbot, window, make_file):
    select_provider(window, "imaterialise")
    pdf = make_file("invoice.pdf")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf))])
    enter = QDragEnterEvent(
        QPoint(20, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and window.page.drop_zone.state == "accept"
    drop = QDropEvent(
        QPointF(20, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.page.drop_zone.checked, timeout=5000) as signal:
        QApplication.sendEvent(window, drop)
    assert signal.args[0] is True and window.page.drop_zone.path == str(pdf)


def test_a_password_saved_in_an_address_is_scrubbed_and_never_saved_again(qtbot, services, runner, tmp_path):
    from PySide6.QtCore import QSettings

    from invoice_desktop.providers import all_providers
    from invoice_desktop.ui.main_window import MainWindow

    path = str(tmp_path / "settings.ini")
    earlier = QSettings(path, QSettings.Format.IniFormat)
    earlier.setValue("ddapi/production/address", "https://bob:hunter2-Zq9@ddapi.example.com")  # an earlier release
    earlier.sync()
    settings = QSettings(path, QSettings.Format.IniFormat)
    w = MainWindow(services, all_providers(), runner, settings)
    qtbot.addWidget(w)
    assert settings.value("ddapi/production/address") == "https://ddapi.example.com"
    settings.sync()
    assert "hunter2" not in Path(path).read_text(encoding="utf-8")

    w.address.setEnabled(True)
    w.address.setText("https://carol:s3cret-77@ddapi.example.com")
    w._address_changed()
    settings.sync()
    assert "s3cret-77" not in Path(path).read_text(encoding="utf-8")


def test_the_apps_start_paints_the_window_first_then_builds_the_visible_page(qtbot, services, runner, tmp_path):
    """The app's start (`defer_first_page`): the window is on screen before the visible provider's page (its module,
    pydantic, the form) is built; the page follows at once, as complete as one built up front."""
    from PySide6.QtCore import QSettings

    from invoice_desktop.providers import all_providers
    from invoice_desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("provider", "ddapi")
    w = MainWindow(services, all_providers(), runner, settings, defer_first_page=True)
    qtbot.addWidget(w)
    assert w.page_for == {}
    assert w.provider_list.currentItem().text() == w.title.text() == "DäckData DDAPI"
    at_paint: list[tuple[list[str], int]] = []
    w.first_painted.connect(lambda: at_paint.append((list(w.page_for), w.tabs.stack.count())))
    with qtbot.waitSignal(w.first_page_shown, timeout=10000):
        w.show()
    # Nor the folded Log and History: their tabs only, the panes come with the page.
    assert at_paint == [([], 0)]
    assert [w.tabs.stack.widget(i) for i in range(w.tabs.stack.count())] == [w.log_pane, w.history_view]
    assert list(w.page_for) == ["ddapi"]
    assert w.pages.currentWidget() is w.scroll_for["ddapi"] and w.page.isVisible()
    ddapi = get_provider("ddapi")
    offered = [w.environment_combo.itemData(i) for i in range(w.environment_combo.count())]
    assert offered == [env.id for env in ddapi.environments] and w.environment == "practice"
    assert "nothing leaves this computer" in w.banner.text()
    assert w.upload_button.text() == "&" + ddapi.action_label
    with qtbot.waitSignal(w.history_view.updated, timeout=5000):
        pass


def test_asking_for_the_page_before_the_first_paint_builds_it_at_once(qtbot, services, runner, tmp_path):
    from PySide6.QtCore import QSettings

    from invoice_desktop.providers import all_providers
    from invoice_desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(services, all_providers(), runner, settings, defer_first_page=True)
    qtbot.addWidget(w)
    assert w.page.info.id == "imaterialise"  # a file given on the command line is opened this early
    assert w.pages.currentWidget() is w.scroll_for["imaterialise"]
    assert w.environment_combo.count() > 0 and w.windowTitle().startswith("i.materialise")


def test_files_dropped_in_a_row_are_checked_only_while_they_are_the_newest(qtbot, window, make_file, monkeypatch):
    """Each file dropped replaces the one before: a check still waiting for its turn when a newer file arrives is
    skipped (its answer would be dropped anyway), and the newest one ends up attached."""
    from invoice_desktop.ui import upload_flow

    release = threading.Event()
    checked: list[str] = []
    real_check = upload_flow.check_attachment

    def slow_check(path, rules):
        checked.append(Path(path).name)
        release.wait(10)  # the lane's threads stay busy while the other files queue up behind them
        return real_check(path, rules)

    monkeypatch.setattr(upload_flow, "check_attachment", slow_check)
    select_provider(window, "imaterialise")
    files = [make_file(f"invoice-{n}.pdf", size=2048) for n in range(20)]
    zone = window.page.drop_zone
    for path in files:
        window.flow.check_file(str(path))
    with qtbot.waitSignal(zone.checked, timeout=10000) as signal:
        release.set()
    assert signal.args[0] is True and zone.path == str(files[-1])
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert checked[-1] == "invoice-19.pdf"
    assert len(checked) <= 4  # at most the three the lane had started, and the newest
