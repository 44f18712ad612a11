"""The drop zone: accept/reject while dragging (by name), the full check on drop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from invoice_desktop.core.attachments import MB, AttachmentRules
from invoice_desktop.ui.drop_zone import DropZone

RULES = AttachmentRules((".pdf", ".doc", ".docx", ".xls", ".xlsx"), 10 * MB)


def make_zone(qtbot) -> DropZone:
    zone = DropZone()
    zone.configure(RULES, "i.materialise", optional=False)
    qtbot.addWidget(zone)
    zone.resize(400, 200)
    zone.show()
    qtbot.waitExposed(zone)  # drops are delivered only inside a laid-out, visible widget
    return zone


def mime_for(*urls: QUrl) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def drag_enter(zone: DropZone, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(zone, event)
    return event


def drop(zone: DropZone, mime: QMimeData) -> QDropEvent:
    drag_enter(zone, mime)  # as in a real drag: Qt delivers the drop to the widget that took the drag-enter
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(zone, event)
    return event


def test_dragging_an_allowed_file_is_accepted_whatever_the_case(qtbot, tmp_path: Path):
    zone = make_zone(qtbot)
    event = drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "INVOICE.PDF"))))
    assert event.isAccepted()
    assert event.dropAction() == Qt.DropAction.CopyAction
    assert zone.state == "accept"
    assert "INVOICE.PDF" in zone.headline.text()


def test_dragging_a_wrong_type_shows_the_refusal_and_refuses_the_drop(qtbot, tmp_path: Path):
    zone = make_zone(qtbot)
    event = drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "photos.zip"))))
    assert event.dropAction() == Qt.DropAction.IgnoreAction
    assert zone.state == "reject"
    assert ".zip" in zone.detail.text() and ".pdf" in zone.detail.text()


def test_dragging_a_web_link_or_several_files_is_refused_with_a_reason(qtbot, tmp_path: Path):
    zone = make_zone(qtbot)
    drag_enter(zone, mime_for(QUrl("https://example.com/invoice.pdf")))
    assert zone.state == "reject" and "download it first" in zone.detail.text()
    drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "a.pdf")), QUrl.fromLocalFile(str(tmp_path / "b.pdf"))))
    assert zone.state == "reject" and "one file at a time" in zone.detail.text()


def test_outlook_attachments_get_a_plain_hint(qtbot):
    zone = make_zone(qtbot)
    mime = QMimeData()
    mime.setData('application/x-qt-windows-mime;value="FileGroupDescriptorW"', b"\x01")
    drag_enter(zone, mime)
    assert zone.state == "reject" and "save the attachment" in zone.detail.text()


def test_dropping_a_real_pdf_attaches_it(qtbot, make_file):
    zone = make_zone(qtbot)
    pdf = make_file("Rechnung_Müller_№5.pdf", size=2048)
    checks = []
    zone.file_dropped.connect(lambda p: (checks.append(p), zone.show_accepted(p, 2048, Path(p).name)))
    with qtbot.waitSignal(zone.checked, timeout=2000) as signal:
        drop(zone, mime_for(QUrl.fromLocalFile(str(pdf))))
    assert signal.args[0] is True
    assert checks == [str(pdf)]
    assert zone.path == str(pdf)


def test_dropping_a_wrong_type_never_reaches_the_check(qtbot, make_file):
    zone = make_zone(qtbot)
    zipped = make_file("scan.zip", content=b"PK\x03\x04")
    with qtbot.assertNotEmitted(zone.file_dropped):
        drop(zone, mime_for(QUrl.fromLocalFile(str(zipped))))
    assert zone.state == "reject" and zone.path is None
    assert ".zip" in zone.detail.text()


def test_a_refusal_stays_on_show_when_the_drag_leaves(qtbot, tmp_path: Path):
    zone = make_zone(qtbot)
    drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "photos.zip"))))
    QApplication.sendEvent(zone, QDragLeaveEvent())
    assert zone.state == "reject" and ".zip" in zone.detail.text()
    drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "invoice.pdf"))))
    QApplication.sendEvent(zone, QDragLeaveEvent())
    assert zone.state == "idle" and "Drop the invoice file here" in zone.headline.text()


def test_each_state_has_its_own_colours_without_restyling_the_zones_children(qtbot, tmp_path: Path):
    """Idle, accepting, refusing, checking and attached each look different (border and background). The look
    follows a property of one style sheet set once: setting a new style sheet per state re-styled every child,
    three times per dropped file (100 files dropped in a row froze the window)."""
    zone = make_zone(qtbot)
    sheet = zone.styleSheet()

    def look() -> tuple[str, str]:
        image = zone.grab().toImage()
        return image.pixelColor(1, 100).name(), image.pixelColor(200, 100).name()

    seen = {"idle": look()}
    drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "a.pdf"))))
    seen["accept"] = look()
    drag_enter(zone, mime_for(QUrl.fromLocalFile(str(tmp_path / "a.zip"))))
    seen["reject"] = look()
    zone.show_checking(str(tmp_path / "a.pdf"))
    seen["checking"] = look()
    zone.show_accepted(str(tmp_path / "a.pdf"), 2048, "a.pdf")
    seen["ready"] = look()
    assert seen == {
        "idle": ("#8a94a6", "#f7f9fc"),
        "accept": ("#1e8e3e", "#e6f4ea"),
        "reject": ("#c5221f", "#fce8e6"),
        "checking": ("#1a73e8", "#f7f9fc"),
        "ready": ("#1a73e8", "#e8f0fe"),
    }
    assert zone.styleSheet() == sheet
