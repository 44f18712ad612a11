"""A main window over the test's services (in-memory keyring, temp history, own practice server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from invoice_desktop.providers import all_providers
from invoice_desktop.ui.main_window import MainWindow
from invoice_desktop.ui.tasks import TaskRunner


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    # Leftover worker threads abort whole runs: wait for them.
    assert tasks.shutdown(timeout=10), "a worker thread did not finish"


@pytest.fixture
def window(qtbot, services, runner, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(services, all_providers(), runner, settings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.history_view.updated, timeout=5000):
        pass
    yield w


def select_provider(window: MainWindow, provider_id: str) -> None:
    row = next(i for i, p in enumerate(window.providers) if p.id == provider_id)
    window.provider_list.setCurrentRow(row)
    assert window.provider.id == provider_id


@pytest.fixture
def window_in(qtbot, services, runner, tmp_path):
    """A window built in `language` (before any widget is made, as the app does)."""
    from invoice_desktop.core import i18n

    def make(language: str) -> MainWindow:
        i18n.set_language(language)
        settings = QSettings(str(tmp_path / f"settings-{language}.ini"), QSettings.Format.IniFormat)
        w = MainWindow(services, all_providers(), runner, settings)
        qtbot.addWidget(w)
        w.show()
        with qtbot.waitSignal(w.history_view.updated, timeout=5000):
            pass
        return w

    return make
