"""The window's layout as a clerk meets it: the form gets the height, environments look different, Production
asks first, the window opens where it fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QRect, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from invoice_desktop.core.settings import SettingsStore
from invoice_desktop.providers import all_providers
from invoice_desktop.ui import window_geometry
from invoice_desktop.ui.help_menu import TextDialog
from invoice_desktop.ui.main_window import MainWindow

from .conftest import select_provider


def choose_environment(window: MainWindow, env_id: str) -> None:
    window.environment_combo.setCurrentIndex(window.environment_combo.findData(env_id))
    assert window.environment == env_id


def test_log_and_history_start_folded_and_open_when_asked(qtbot, window):
    assert not window.tabs.expanded
    assert window.tabs.height() <= window.tabs.collapsed_height() + 2
    assert not window.log_pane.isVisible()
    window.panel_action.trigger()  # View → Log and History (Ctrl+L)
    assert window.tabs.expanded and window.log_pane.isVisible()
    qtbot.waitUntil(lambda: window.tabs.height() > 100)
    window.panel_action.trigger()
    assert not window.tabs.expanded and not window.log_pane.isVisible()
    # Showing an attempt's exchanges opens the panel on the Log.
    window.tabs.setCurrentWidget(window.history_view)
    assert window.tabs.expanded and window.history_view.isVisible()


def test_a_short_form_does_not_scroll_into_blank_space(window):
    select_provider(window, "imaterialise")
    scroll = window.scroll_for["imaterialise"]
    # The page is as tall as its own content, not as the longest provider's page.
    assert window.page.sizeHint().height() < 400
    assert scroll.verticalScrollBar().maximum() == 0


def test_practice_sandbox_and_production_look_and_read_differently(window):
    select_provider(window, "imaterialise")
    looks = {}
    for env_id in ("practice", "sandbox", "production"):
        choose_environment(window, env_id)
        looks[env_id] = (window.banner.styleSheet(), window.banner.plain_text(), window.windowTitle())
        assert window.banner.isVisible()
    assert len({style for style, _, _ in looks.values()}) == 3
    assert "nothing leaves this computer" in looks["practice"][1]
    assert "test system" in looks["sandbox"][1] and "imatsandbox.materialise.net" in looks["sandbox"][1]
    assert "PRODUCTION — real invoices" in looks["production"][1]
    assert looks["production"][2] == "i.materialise — PRODUCTION"
    assert looks["sandbox"][2] == "i.materialise — Sandbox"
    # The app's name is added by Qt, not repeated in the title.
    assert all("Invoice Desktop" not in title for _, _, title in looks.values())


def test_the_first_production_send_in_a_session_asks_and_no_sends_nothing(qtbot, window, monkeypatch):
    select_provider(window, "imaterialise")
    choose_environment(window, "production")
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        box.done(0)
        return 0  # neither button clicked: Don't send

    monkeypatch.setattr(QMessageBox, "exec", answer)
    provider = window.provider
    assert window.confirm_production(provider, "production") is False
    assert "PRODUCTION" in asked[0] and "real invoice" in asked[0]
    assert provider.id not in window.production_confirmed
    # Practice and sandbox never ask.
    assert window.confirm_production(provider, "sandbox") is True
    assert len(asked) == 1

    def send(box: QMessageBox) -> int:
        asked.append(box.text())
        send_button = next(b for b in box.buttons() if b.text() == "Send for real")
        send_button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", send)
    assert window.confirm_production(provider, "production") is True
    assert window.confirm_production(provider, "production") is True
    assert len(asked) == 2  # asked once per session


def test_upload_to_production_declined_sends_nothing(qtbot, window, services, monkeypatch):
    select_provider(window, "imaterialise")
    choose_environment(window, "production")
    window.page.form.editors["order_id"].set_value("ORD-1001")
    services.credentials.set_many("imaterialise", "production", {"api_code": "3f2504e0-4f89-41d3-9a0c-0305e82c3301"})
    window.address.setText("http://127.0.0.1:9/")  # were anything sent, it would fail loudly
    window.page.file_url.setText("https://example.com/invoice.pdf")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or 0)
    qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(asked) and not window.flow.active, timeout=10000)
    assert not window.outcome.isVisible()
    assert services.history.recent() == []


def test_window_opens_at_a_size_that_fits_its_screen(window):
    free = window.screen().availableGeometry()
    assert free.contains(window.frameGeometry())
    assert window.geometry().top() - free.top() >= window_geometry.FRAME_ALLOWANCE


def test_last_geometry_is_restored_only_when_on_screen(qtbot, services, runner, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    store = SettingsStore(tmp_path / "app-settings.json")
    free = QGuiApplication.primaryScreen().availableGeometry()
    first = MainWindow(services, all_providers(), runner, settings, store)
    qtbot.addWidget(first)
    inside = QRect(free.x() + 20, free.y() + 60, 700, 500)
    first.setGeometry(inside)
    window_geometry.remember(first, settings)
    second = MainWindow(services, all_providers(), runner, settings, store)
    qtbot.addWidget(second)
    assert second.geometry() == inside
    # Saved on a bigger monitor that is gone now: larger than this screen, partly beyond it.
    first.setGeometry(QRect(free.x() + 200, free.y() + 60, free.width() + 400, free.height() + 300))
    window_geometry.remember(first, settings)
    third = MainWindow(services, all_providers(), runner, settings, store)
    qtbot.addWidget(third)
    assert third.geometry() == window_geometry.fitting_rect(free)
    assert free.contains(third.geometry().adjusted(0, -window_geometry.FRAME_ALLOWANCE, 0, 0))
    # A saved value that is not a geometry at all is ignored too.
    settings.setValue(window_geometry.GEOMETRY_KEY, QByteArray(b"garbage"))
    fourth = MainWindow(services, all_providers(), runner, settings, store)
    qtbot.addWidget(fourth)
    assert fourth.geometry() == window_geometry.fitting_rect(free)


def test_the_confirmation_speaks_in_the_forms_words(qtbot, window):
    from invoice_desktop.ui.upload_flow import _shown

    select_provider(window, "ddapi")
    assert window.page.form.label_of("ReverseTax") == "Reverse VAT (omvänd moms)"
    assert (_shown(False), _shown(True), _shown(None)) == ("off", "on", "(empty)")


def test_help_shows_the_readmes_usage_text():
    from invoice_desktop.usage import USAGE

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "## Using it\n\n" + USAGE in readme, (
        "The README's 'Using it' section and invoice_desktop/usage.py (the Help menu's text) must say the same: "
        "change both."
    )


def test_help_menu_has_usage_files_and_about(window):
    titles = [a.text().replace("&", "") for a in window.help_menu.actions() if not a.isSeparator()]
    assert any(t.startswith("How to use") for t in titles)
    assert any(t.startswith("Where files are kept") for t in titles)
    assert any(t.startswith("About") for t in titles)


def test_about_names_the_installed_version(window, monkeypatch):
    """The version is read from the installed metadata when About opens (not at every start)."""
    from importlib import metadata

    from PySide6.QtWidgets import QMessageBox

    from invoice_desktop.ui.help_menu import show_about

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    show_about(window, [p.name for p in window.providers])
    assert f"</b> {metadata.version('invoice-desktop')}<br>" in shown[0]


def test_settings_dialog_is_built_from_the_declarations_and_saves(qtbot, window, tmp_path: Path):
    from PySide6.QtWidgets import QCheckBox

    from invoice_desktop.core.settings import SETTINGS
    from invoice_desktop.ui.settings_dialog import SettingsDialog

    assert window.settings_action.menuRole().name == "PreferencesRole"
    store = SettingsStore(tmp_path / "s.json")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    assert set(dialog.editors) == {s.key for s in SETTINGS}
    box = dialog.editors["window.show_log_at_start"]
    assert isinstance(box, QCheckBox) and not box.isChecked()
    assert box.accessibleName() == box.text()
    box.setChecked(True)
    dialog.accept()
    assert SettingsStore(tmp_path / "s.json").get("window.show_log_at_start") is True


@pytest.mark.parametrize("app_start", [False, True], ids=["window", "app start"])
def test_the_log_panel_starts_open_when_the_setting_says_so(qtbot, services, runner, tmp_path: Path, app_start):
    store = SettingsStore(tmp_path / "s.json")
    store.set("window.show_log_at_start", True)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(services, all_providers(), runner, settings, store, defer_first_page=app_start)
    qtbot.addWidget(w)
    assert w.tabs.expanded and w.panel_action.isChecked()
    # Open from the start, the Log is in the first frame (folded, the app builds it after the first paint).
    painted: list[bool] = []
    w.first_painted.connect(lambda: painted.append(w.tabs.stack.currentWidget() is w.log_pane))
    with qtbot.waitSignal(w.first_painted, timeout=10000):
        w.show()
    assert painted == [True] and w.log_pane.isVisible()


def test_forms_speak_to_the_clerk_and_the_readings_are_behind_how_this_is_sent(qtbot, window):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How this is sent", 1)[1]
    for info in window.providers:
        select_provider(window, info.id)
        page, provider = window.page, window.provider
        assert provider.guide and page.guide is not None and page.guide.text() == provider.guide
        # The integrator's readings are not on the form...
        assert provider.notes not in "".join(label.text() for label in page.findChildren(QLabel))
        # ...but one click away, and in the README.
        window.how_sent.linkActivated.emit("#how")
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TextDialog) and w.isVisible())
        assert provider.notes.split(".")[0] in dialog.browser.toPlainText()
        dialog.close()
        assert f"### {provider.name}" in section
