"""The window's language and region: Qt's own words from PySide6's catalogs, Settings → Language remembered, and
amounts and dates typed and shown the region's way whatever the language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from invoice_desktop.core import i18n, local_format
from invoice_desktop.core.settings import LANGUAGE_SETTING, SettingsStore
from invoice_desktop.ui import language
from invoice_desktop.ui.form_fields import FieldSpec, ScalarEditor, field_specs


@pytest.mark.parametrize(
    ("code", "cancel"), [("de", "Abbrechen"), ("fr", "Annuler"), ("es", "Cancelar"), ("sv", "Avbryt")]
)
def test_qts_own_dialog_words_come_in_the_chosen_language(qtbot, code, cancel):
    app = QCoreApplication.instance()
    translator = language.install_qt_translations(app, code)
    assert translator is not None, f"PySide6 ships no qtbase_{code}.qm"
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == cancel
    finally:
        app.removeTranslator(translator)


def test_english_needs_no_qt_catalog(qtbot):
    assert language.install_qt_translations(QCoreApplication.instance(), "en") is None


def test_the_language_is_the_override_then_the_setting_then_the_system():
    assert i18n.choose_language("fr", "de", ["sv-SE"]) == "fr"
    assert i18n.choose_language(None, "de", ["sv-SE"]) == "de"
    assert i18n.choose_language(None, "", ["pt-BR", "sv-SE", "de"]) == "sv"  # "" = System default
    assert i18n.choose_language(None, "", ["ja-JP"]) == "en"


def test_settings_offer_system_default_and_each_language_in_its_own_words_and_remember_the_choice(qtbot, tmp_path):
    from invoice_desktop.ui.settings_dialog import SettingsDialog

    store = SettingsStore(tmp_path / "settings.json")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    combo = dialog.editors[LANGUAGE_SETTING]
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "System default",
        "English",
        "Deutsch",
        "Español",
        "Français",
        "Svenska",
    ]
    assert combo.currentData() == ""
    combo.setCurrentIndex(combo.findData("de"))
    dialog.accept()
    assert SettingsStore(tmp_path / "settings.json").get(LANGUAGE_SETTING) == "de"
    assert "next time" in store.declarations[LANGUAGE_SETTING].help  # said in the dialog: applies at next start


def test_the_windows_region_comes_from_qlocale_with_its_separators_and_date_order():
    region = language.region_from_qlocale(QLocale("de_DE"))
    assert (region.decimal, region.group, region.date_format) == (",", ".", "%d.%m.%Y")
    region = language.region_from_qlocale(QLocale("sv_SE"))
    assert region.decimal == "," and region.group in (local_format.NBSP, local_format.NNBSP)
    assert region.date_format == "%Y-%m-%d"


def _editor(qtbot, kind: str, placeholder: str = "") -> ScalarEditor:
    spec = FieldSpec(name="Amount", label="Amount", kind=kind, required=True, optional=False, placeholder=placeholder)
    editor = ScalarEditor(spec)
    qtbot.addWidget(editor)
    return editor


def test_an_english_ui_on_a_german_computer_types_and_shows_german_numbers_and_dates(qtbot):
    i18n.set_language("en")
    local_format.set_region(language.region_from_qlocale(QLocale("de_DE")))
    amount = _editor(qtbot, "decimal", placeholder="e.g. 30.00")
    assert amount.input.placeholderText() == "e.g. 30,00"
    qtbot.keyClicks(amount.input, "1.234,50")
    assert amount.value() == "1234.50"
    amount.set_value(Decimal("98765.4"))
    assert amount.input.text() == "98.765,4"
    day = _editor(qtbot, "date")
    assert day.input.placeholderText() == "31.12.2026"
    qtbot.keyClicks(day.input, "31.03.2026")
    assert day.value() == "2026-03-31"
    day.set_value(dt.date(2026, 4, 1))
    assert day.input.text() == "01.04.2026"
    moment = _editor(qtbot, "datetime", placeholder="{date} or {date} {time}")
    assert moment.input.placeholderText() == "31.12.2026 or 31.12.2026 14:30"
    qtbot.keyClicks(moment.input, "31.03.2026 14:30")
    assert moment.value() == "2026-03-31 14:30:00"


def test_a_swedish_amount_typed_with_a_plain_space_reads_as_one_number(qtbot):
    local_format.set_region(local_format.region_named("sv_SE"))
    amount = _editor(qtbot, "decimal")
    qtbot.keyClicks(amount.input, "1 234,50")
    assert amount.value() == "1234.50"


@pytest.mark.parametrize(
    ("code", "region", "shown"),
    [
        ("sv", "sv_SE", "2026-12-31 eller 2026-12-31 14:30"),
        ("sv", "fi_FI", "31.12.2026 eller 31.12.2026 14:30"),  # a Swedish-speaking office in Finland
        ("de", "de_DE", "31.12.2026 oder 31.12.2026 14:30"),
        ("es", "es_MX", "31/12/2026 o 31/12/2026 14:30"),
        ("fr", "fr_BE", "31/12/2026 ou 31/12/2026 14:30"),
    ],
)
def test_payfabrics_date_fields_show_examples_the_field_reads_in_every_language(qtbot, code, region, shown):
    """The placeholder under Due date is an example of what to type, the way the region writes dates (as the
    field shows a loaded date), in the clerk's language; not a translated mask ("ÅÅÅÅ-MM-DD … TT:mm:ss") that
    only the English text had replaced by the region's example. Each example, typed, is read as that day."""
    from invoice_desktop.providers import page_description

    i18n.set_language(code)
    local_format.set_region(language.region_from_qlocale(QLocale(region)))
    due = next(s for s in field_specs(page_description("payfabric").form) if s.name == "DueDate")
    editor = ScalarEditor(due)
    qtbot.addWidget(editor)
    assert editor.input.placeholderText() == shown
    day, _or, _day, clock = shown.split(" ")
    for example, read in ((day, "2026-12-31"), (f"{day} {clock}", "2026-12-31 14:30:00")):
        editor.input.setText(example)
        assert editor.value() == read
