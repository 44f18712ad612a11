"""A file that passes its checks with a warning (an encrypted PDF): the drop zone says so at once, and the clerk
confirms before anything is sent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

from .. import documents
from .conftest import select_provider
from .test_main_window import drop_file, order_input, upload


def encrypted_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "protected invoice.pdf"
    path.write_bytes(documents.pdf(owner_password="owner"))
    return path


def test_an_encrypted_pdf_is_attached_with_a_warning_and_sent_only_when_confirmed(
    qtbot, window, services, tmp_path, monkeypatch
):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, encrypted_pdf(tmp_path))
    zone = window.page.drop_zone
    assert "ready to upload" in zone.detail.text()
    assert "⚠ “protected invoice.pdf” is an encrypted PDF" in zone.detail.text()

    asked: list[str] = []

    def decline(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    monkeypatch.setattr(QMessageBox, "question", decline)
    qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked) and window.upload_button.isEnabled(), timeout=10000)
    assert "the provider may not be able to open it" in asked[0]
    assert window.statusBar().currentMessage() == "Not sent."
    assert sandbox.received == []

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert upload(qtbot, window).outcome is Outcome.SUCCEEDED
    assert sandbox.received[-1]["filename"] == "protected invoice.pdf"
