"""Issue 11 item 7: a refused drop changes nothing (the attached file stays) and says why; Shopwave says it takes
no file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from invoice_desktop.core.results import Outcome

from .conftest import select_provider
from .test_main_window import drop_file, order_input, sandbox, upload


def drop_urls(qtbot, target, *paths: Path, leave: bool = False) -> tuple[bool, str]:
    """Drag `paths` over `target` and drop them; (accepted, message) of the zone's check."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, QDragEnterEvent(QPoint(5, 5), *args))
    zone = target if not hasattr(target, "page") else target.page.drop_zone
    with qtbot.waitSignal(zone.checked, timeout=5000) as signal:
        QApplication.sendEvent(target, QDropEvent(QPointF(5, 5), *args))
    if leave:
        QApplication.sendEvent(target, QDragLeaveEvent())
    return signal.args[0], signal.args[1]


def attached(qtbot, window, make_file) -> Path:
    select_provider(window, "imaterialise")
    pdf = make_file("invoice.pdf")
    drop_file(qtbot, window, pdf)
    return pdf


def dropped_batch(qtbot, window, target, *paths: Path) -> list[str]:
    """Drop `paths` (several, or a folder) on a provider that takes batches: the batch window's paths."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, QDragEnterEvent(QPoint(5, 5), *args))
    zone = window.page.drop_zone
    with qtbot.waitSignal(zone.batch_dropped, timeout=5000) as signal:
        QApplication.sendEvent(target, QDropEvent(QPointF(5, 5), *args))
    for opened in window.batch_launcher.windows:  # the batch itself is tested in test_batch_window.py
        qtbot.waitUntil(lambda w=opened: w.task is None, timeout=20000)
    return signal.args[0]


def test_dropping_a_folder_opens_a_batch_and_keeps_the_attached_file(qtbot, window, make_file, tmp_path):
    pdf = attached(qtbot, window, make_file)
    folder = tmp_path / "invoices"
    folder.mkdir()
    assert dropped_batch(qtbot, window, window.page.drop_zone, folder) == [str(folder)]
    zone = window.page.drop_zone
    assert zone.path == str(pdf) and zone.state == "ready", "the attached file was thrown away"
    assert len(window.batch_launcher.windows) == 1


def test_dropping_several_files_or_a_wrong_type_keeps_the_attached_file(qtbot, window, make_file):
    pdf = attached(qtbot, window, make_file)
    zone = window.page.drop_zone
    assert len(dropped_batch(qtbot, window, window, make_file("a.pdf"), make_file("b.pdf"))) == 2
    assert zone.path == str(pdf)
    ok, message = drop_urls(qtbot, window, make_file("scan.zip", content=b"PK\x03\x04"), leave=True)
    assert not ok and ".zip" in message and zone.path == str(pdf)
    assert ".zip" in zone.detail.text()


def test_a_new_file_refused_by_its_content_leaves_the_earlier_one_to_send(qtbot, window, services, make_file):
    pdf = attached(qtbot, window, make_file)
    zone = window.page.drop_zone
    fake = make_file("fake.pdf", content=b"<html>not a pdf</html>")
    ok, message = drop_urls(qtbot, zone, fake)
    assert not ok and "not a PDF document" in message
    assert zone.path == str(pdf) and "“fake.pdf” was not attached" in zone.detail.text()
    qtbot.keyClicks(order_input(window), "ORD-1001")
    assert upload(qtbot, window).outcome is Outcome.SUCCEEDED
    assert sandbox(services).received[-1]["filename"] == "invoice.pdf"


def test_a_refused_drop_on_an_empty_zone_still_blocks_the_upload(qtbot, window, make_file):
    select_provider(window, "imaterialise")
    ok, message = drop_urls(qtbot, window.page.drop_zone, make_file("scan.zip", content=b"PK\x03\x04"))
    assert not ok and ".zip" in message
    assert window.page.drop_zone.path is None and window.page.drop_zone.state == "reject"


def test_a_file_dropped_on_shopwave_says_it_takes_no_file(qtbot, window, make_file):
    select_provider(window, "shopwave")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(make_file("invoice.pdf")))])
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.outcome.shown, timeout=2000):
        QApplication.sendEvent(window, QDragEnterEvent(QPoint(300, 300), *args))
    assert "Shopwave takes no file" in window.outcome.text()
    shown: list[object] = []
    window.outcome.shown.connect(shown.append)
    QApplication.sendEvent(window, QDropEvent(QPointF(300, 300), *args))
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert "Shopwave takes no file" in window.outcome.text()
    assert shown == [], "the same message was said again"
