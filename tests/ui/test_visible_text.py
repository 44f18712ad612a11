"""The pseudo-locale test's eyes (visible_text.py) see what a person would: text that skipped the catalog, and a
label or column header too narrow for its text."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from invoice_desktop.core import i18n

from . import visible_text


def test_it_finds_english_text_and_a_label_cut_short(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    translated = QLabel(i18n.pseudo_translate("Order ID"), root)
    english = QPushButton("Upload", root)
    english.setToolTip(i18n.pseudo_translate("Send it"))
    cut = QLabel(i18n.pseudo_translate("A long label that needs room"), root)
    cut.setFixedWidth(40)
    table = QTableView(root)
    model = QStandardItemModel(0, 2, table)
    model.setHorizontalHeaderLabels([i18n.pseudo_translate("Amount"), i18n.pseudo_translate("A very long header")])
    table.setModel(model)
    table.horizontalHeader().resizeSection(1, 30)
    table.horizontalHeader().setStretchLastSection(False)
    for widget in (translated, english, cut, table):
        layout.addWidget(widget)
    root.show()
    qtbot.waitExposed(root)

    untranslated = [seen for seen in visible_text.read(root) if visible_text.escapes_translation(seen.text)]
    assert [(seen.what, seen.text) for seen in untranslated] == [("text", "Upload")]
    cut_short = visible_text.clipped(root)
    assert len(cut_short) == 2, cut_short
    assert cut.text() in cut_short[0] or cut.text() in cut_short[1]
    assert any(i18n.pseudo_translate("A very long header") in found for found in cut_short)


def test_a_text_set_just_before_the_measure_is_measured_at_the_width_it_is_shown_with(qtbot):
    # As the status bar's keyring state arrives from a worker: the label has a text and a width, a new text comes
    # and its layout request is still pending when the check runs. The next paint shows it whole: so must the check.
    root = QWidget()
    qtbot.addWidget(root)
    row = QHBoxLayout(root)
    row.addStretch(1)
    state = QLabel("…", root)
    row.addWidget(state)
    root.resize(600, 40)
    root.show()
    qtbot.waitExposed(root)
    qtbot.waitUntil(lambda: state.width() == state.sizeHint().width())
    state.setText(i18n.pseudo_translate("Keyring: in use"))
    assert visible_text.clipped(root) == []
    assert state.width() >= state.sizeHint().width()
