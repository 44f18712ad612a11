"""Tab follows the eye: from the providers, through the top bar, into the form's first field, down the form in
reading order, to its file and Upload, for every provider (pages are built lazily, after the rest)."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from .conftest import select_provider

PROVIDERS = ["imaterialise", "skypostal", "payfabric", "shopwave", "ddapi"]
STOPS = (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit, QAbstractSpinBox, QAbstractItemView, QAbstractButton)


def focused(window) -> QWidget:
    widget = QApplication.focusWidget() or window.focusWidget()
    assert widget is not None
    return widget


def owner(widget: QWidget, stops: list[QWidget]) -> QWidget:
    """The input a focused part belongs to (a spin box for its line edit)."""
    probe = widget
    while probe is not None and probe not in stops:
        probe = probe.parentWidget()
    return probe or widget


def rect_in(widget: QWidget, root: QWidget) -> QRect:
    return QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())


def walk_tabs(window, count: int, key=Qt.Key.Key_Tab) -> list[QWidget]:
    seen = []
    for _ in range(count):
        QTest.keyClick(focused(window), key)
        seen.append(focused(window))
    return seen


def page_inputs(window) -> list[QWidget]:
    page = window.page
    editors = list(page.form.editors.values())
    return [w for w in editors if w.isVisible() and w.isEnabled()]


def inputs_on(page: QWidget) -> list[QWidget]:
    """What a clerk fills in or presses on the page (a spin box, not its line edit; a table, not its cells)."""
    found = []
    for widget in page.findChildren(QWidget):
        if not (isinstance(widget, STOPS) and widget.isVisible() and widget.isEnabled()):
            continue
        parent, part = widget.parentWidget(), False
        while parent is not None and parent is not page:
            part = part or isinstance(parent, QAbstractItemView | QAbstractSpinBox | QComboBox)
            parent = parent.parentWidget()
        if not part:
            found.append(widget)
    return found


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_tab_walks_the_window_in_visual_order(window, qtbot, provider_id):
    select_provider(window, provider_id)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.provider_list.setFocus()
    qtbot.waitUntil(lambda: focused(window) is window.provider_list)
    editors = page_inputs(window)
    first_field = editors[0]
    raw_seen = walk_tabs(window, 150)
    seen = [owner(w, editors) for w in raw_seen]

    # The top bar first (the address is skipped in Practice: it cannot be edited there), then the form.
    top_bar = [window.environment_combo]
    if window.address.isEnabled():
        top_bar.append(window.address)
    top_bar.append(window.credentials_button)
    assert seen[: len(top_bar)] == top_bar
    assert seen[len(top_bar)] is first_field, (first_field, seen[len(top_bar)])

    # Every input of the page, each once, before Upload; in reading order: never back up the page, and within a
    # row left to right.
    upload_at = seen.index(window.upload_button)
    page = window.page
    raw = raw_seen[len(top_bar) : upload_at]
    expected = inputs_on(page)
    assert expected
    # A grid is one stop however many cells Tab walks through inside it.
    on_page = [e for w in raw for e in expected if e.isAncestorOf(w)]
    on_page = [w for i, w in enumerate(on_page) if i == 0 or on_page[i - 1] is not w]
    for widget in expected:
        assert on_page.count(widget) == 1, widget.accessibleName()
    for before, after in itertools.pairwise(on_page):
        a, b = rect_in(before, page), rect_in(after, page)
        same_row = a.top() <= b.center().y() <= a.bottom()
        assert (same_row and b.left() > a.left()) or b.center().y() > a.bottom(), (
            before.accessibleName(),
            after.accessibleName(),
        )
    # The file (if the provider takes one) between the form and Upload; nothing of another provider's page.
    assert all(page.isAncestorOf(w) or window.attachments.isAncestorOf(w) for w in raw), raw
    if page.drop_zone is not None:
        assert page.drop_zone.browse_button in raw

    # Shift+Tab comes back from Upload the same way to the providers.
    window.upload_button.setFocus()
    back = walk_tabs(window, upload_at + 1, Qt.Key.Key_Backtab)
    assert owner(back[-1], editors) is window.provider_list


def test_tab_order_holds_after_switching_back_and_forth(window, qtbot):
    """Pages built later slot in where they show, whichever was built first."""
    for provider_id in reversed(PROVIDERS):
        select_provider(window, provider_id)
    select_provider(window, "imaterialise")
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.credentials_button.setFocus()
    qtbot.waitUntil(lambda: focused(window) is window.credentials_button)
    QTest.keyClick(window.credentials_button, Qt.Key.Key_Tab)
    assert owner(focused(window), page_inputs(window)) is page_inputs(window)[0]
