"""Keyboard and screen readers: names are labels, Tab follows the eye, Alt+letters never clash."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from invoice_desktop.ui.accessibility import label_words
from invoice_desktop.ui.mnemonics import mnemonic

from .conftest import select_provider

PROVIDERS = ["imaterialise", "skypostal", "payfabric", "shopwave", "ddapi"]
INPUTS = (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit, QSpinBox)


def accessible_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def buddy_labels(root: QWidget) -> dict[int, QLabel]:
    """{id(input): its label}: a label's buddy, or the input its buddy hands focus to."""
    found = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is None:
            continue
        found[id(buddy)] = label
        if buddy.focusProxy() is not None:
            found[id(buddy.focusProxy())] = label
    return found


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_every_inputs_accessible_name_is_its_label(window, provider_id):
    select_provider(window, provider_id)
    labels = buddy_labels(window)
    checked = 0
    for widget in window.centralWidget().findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisibleTo(window) or window.tabs.isAncestorOf(widget):
            continue
        if isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the editor inside a spin or combo box: the box is named
        if isinstance(widget.parentWidget(), QAbstractItemView) or isinstance(
            widget.parentWidget() and widget.parentWidget().parentWidget(), QAbstractItemView
        ):
            continue  # a table's cell editor: the table is named
        # A combo box's accessible interface on Linux reports its value as the name by Qt's design (the label is
        # a relation there); the name the app sets is what Windows and macOS read.
        name = widget.accessibleName() if isinstance(widget, QComboBox) else accessible_name(widget)
        label = labels.get(id(widget))
        if label is not None:
            assert name == label_words(label.text()), (type(widget).__name__, name, label.text())
        elif isinstance(widget, QCheckBox) and widget.text():
            assert name == label_words(widget.text())
        else:
            assert name, f"{type(widget).__name__} in {widget.parentWidget()} has no name"
        # Never its value (a combo box read out as "—" or "JSON" says nothing).
        value = widget.currentText() if isinstance(widget, QComboBox) else ""
        assert not value or name != value
        checked += 1
    assert checked >= 2


def visible_mnemonics(window) -> list[tuple[str, str]]:
    found = [(m, a.text()) for a in window.menuBar().actions() if (m := mnemonic(a.text()))]
    bar = window.tabs.tab_bar
    found += [(m, bar.tabText(i)) for i in range(bar.count()) if (m := mnemonic(bar.tabText(i)))]
    for widget in window.centralWidget().findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        if m := mnemonic(text):
            found.append((m, text))
    return found


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_no_two_alt_letters_alike(window, provider_id):
    select_provider(window, provider_id)
    for expanded in (False, True):
        window.tabs.set_expanded(expanded)
        found = visible_mnemonics(window)
        letters = [m for m, _ in found]
        clashes = sorted({(m, t) for m, t in found if letters.count(m) > 1})
        assert not clashes, (clashes, sorted(letters))
    # Help and History, the example.
    assert mnemonic(window.tabs.tab_bar.tabText(1)) != "h"


@pytest.mark.parametrize("language", ["de", "es", "fr", "sv"])
@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_no_two_alt_letters_alike_in_every_language(window_in, language, provider_id):
    # The send button's words change with the language: German "Hochladen" must not take Alt+H from "Hilfe".
    window = window_in(language)
    select_provider(window, provider_id)
    assert window.upload_button.text().replace("&", "") != "Upload" or language == "en"
    found = visible_mnemonics(window)
    letters = [m for m, _ in found]
    clashes = sorted({(m, t) for m, t in found if letters.count(m) > 1})
    assert not clashes, (clashes, sorted(letters))
