"""The window sends the private snapshot taken at the check, and a snapshot it will not send (the clerk said no
to a warning) does not stay behind in the data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

from .conftest import select_provider
from .test_main_window import drop_file, order_input, sandbox, upload


def snapshot_folders(app_home: Path) -> list[Path]:
    root = app_home / "snapshots"
    return sorted(root.iterdir()) if root.exists() else []


def test_the_window_sends_the_checked_copy_and_removes_it_once_accepted(qtbot, window, services, make_file, app_home):
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    pdf = make_file("invoice.pdf", size=4096)
    checked = pdf.read_bytes()
    drop_file(qtbot, window, pdf)
    assert upload(qtbot, window).outcome is Outcome.SUCCEEDED
    import hashlib

    assert sandbox(services).received[-1]["sha256"] == hashlib.sha256(checked).hexdigest()
    assert snapshot_folders(app_home) == []  # settled: its snapshot is gone


def test_declining_the_warning_removes_the_snapshot_and_sends_nothing(
    qtbot, window, services, make_file, monkeypatch, app_home
):
    provider = get_provider("imaterialise")
    monkeypatch.setattr(type(provider), "warnings", lambda self, form, history, env: ["Please confirm this."])
    asked: list[str] = []

    def decline(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", decline)
    select_provider(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf", size=4096))
    qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked) and window.upload_button.isEnabled(), timeout=10000)
    assert "Please confirm this." in asked[0]
    assert sandbox(services).requests_seen == []
    assert snapshot_folders(app_home) == []
