"""A provider's page is shown from its generated description before the provider's module (and pydantic) is imported;
the module comes on a worker at the first edit, file or Upload, and nothing the clerk sees is lost or wrong meanwhile:
inline errors appear once it is here, Upload still validates with pydantic, practice hints show without it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from invoice_desktop.core.registry import ProviderRegistry
from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import BUILT_IN, get_provider
from invoice_desktop.ui.main_window import MainWindow

from .test_main_window import drop_file, order_input


@pytest.fixture
def fresh(qtbot, services, runner, tmp_path: Path) -> Iterator[tuple[MainWindow, ProviderRegistry]]:
    """A window over the declarations only, as the app starts: no provider imported into its registry yet."""
    providers = ProviderRegistry(BUILT_IN)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(services, providers, runner, settings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.history_view.updated, timeout=5000):
        pass
    yield w, providers


def show(window: MainWindow, provider_id: str) -> None:
    window.provider_list.setCurrentRow(next(i for i, p in enumerate(window.providers) if p.id == provider_id))


def received(services) -> list:
    return services.uploads.practice.sandbox_for(get_provider("imaterialise")).received


def test_the_page_and_its_practice_hint_show_without_the_provider(qtbot, fresh, services):
    window, providers = fresh
    show(window, "payfabric")
    page = window.page
    assert "Invoice ID *" in [label.text().replace("&", "") for label in page.findChildren(type(window.title))]
    assert page.form.editors["Status"].input.itemText(2) == "Pending"  # a choice, with its declared label
    assert window.environment_combo.count() == 3 and window.environment == "practice"
    qtbot.waitUntil(lambda: "What to try" in window.banner.text(), timeout=10000)
    window.banner._toggle_hint("#hint")
    assert services.uploads.practice.hint(get_provider("payfabric")) in window.banner.plain_text()
    assert providers.loaded("payfabric") is None and page.form.model is None


def test_the_first_edit_brings_the_model_and_its_inline_errors(qtbot, fresh):
    window, providers = fresh
    show(window, "imaterialise")
    error = window.page.form.error_labels["order_id"]
    qtbot.keyClicks(order_input(window), "x" * 101)  # the API takes at most 100 characters
    qtbot.waitUntil(lambda: window.page.form.model is not None, timeout=10000)
    assert providers.loaded("imaterialise") is not None
    assert error.isVisible() and "100" in error.text()
    order_input(window).clear()
    qtbot.keyClicks(order_input(window), "ORD-1")
    assert not error.isVisible()  # checked at once from now on


def test_upload_first_imports_the_provider_then_checks_the_form_and_sends_nothing(qtbot, fresh, services):
    window, providers = fresh
    show(window, "imaterialise")
    assert providers.loaded("imaterialise") is None
    with qtbot.waitSignal(window.outcome.shown, timeout=10000):
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert "The form is not complete" in window.outcome.text()
    assert window.page.form.error_labels["order_id"].isVisible()  # pydantic's check, shown under the field
    assert window.upload_button.isEnabled() and received(services) == []


def test_a_whole_upload_from_a_page_shown_before_its_provider(qtbot, fresh, services, make_file):
    window, _providers = fresh
    show(window, "imaterialise")
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf", size=2048))
    with qtbot.waitSignal(window.outcome.shown, timeout=15000) as shown:
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    assert shown.args[0].outcome is Outcome.SUCCEEDED
    assert received(services)[-1]["filename"] == "invoice.pdf"


def test_a_folder_dropped_before_the_provider_is_imported_opens_its_batch(qtbot, fresh, tmp_path):
    from tests.ui.test_batch_window import invoice, urls
    from tests.ui.test_drop_zone import drop

    window, providers = fresh
    folder = tmp_path / "month-end"
    folder.mkdir()
    invoice(folder, "INV-1")
    invoice(folder, "INV-2")
    show(window, "payfabric")
    zone = window.page.drop_zone
    zone.resize(400, 200)
    qtbot.waitExposed(window)
    drop(zone, urls(folder))
    qtbot.waitUntil(lambda: len(window.batch_launcher.windows) == 1, timeout=10000)  # once the module is here
    assert providers.loaded("payfabric") is not None
    batch_window = window.batch_launcher.windows[0]
    qtbot.waitUntil(lambda: batch_window.batch is not None, timeout=20000)
    assert {row.file_name for row in batch_window.batch.rows} == {"INV-1.pdf", "INV-2.pdf"}
