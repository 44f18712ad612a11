"""Tab follows the eye: the main window's Tab order, worked out when Tab is pressed.

Pages are built on demand, after the rest of the window, so Qt's focus chain puts their inputs last (after the Log
and History). Re-linking that chain with setTabOrder on every provider switch crashed Qt inside processEvents, so
the chain is never edited: the window answers Tab itself (focusNextPrevChild) from an order read off the screen —
providers, the top bar, the page's inputs top to bottom and left to right, its file, Upload, then the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractItemView, QAbstractSpinBox, QComboBox, QWidget


def takes_tab(widget: QWidget) -> bool:
    """A widget Tab may stop at now: shown, enabled, taking focus by Tab, and not a part of another input."""
    if not (widget.isVisible() and widget.isEnabled()):
        return False
    if not widget.focusPolicy() & QtCore.Qt.FocusPolicy.TabFocus or widget.focusProxy() is not None:
        return False
    parent = widget.parentWidget()
    # A spin box's or combo box's own line edit, a table's cell editor: the box or the table is the stop.
    if isinstance(parent, QAbstractSpinBox | QComboBox):
        return False
    while parent is not None:
        if isinstance(parent, QAbstractItemView):
            return False
        parent = parent.parentWidget()
    return True


def natural_chain(window: QWidget) -> list[QWidget]:
    """Qt's own focus chain of `window`, in order (creation order, roughly)."""
    found: list[QWidget] = []
    widget = window.nextInFocusChain()
    while widget is not None and widget is not window and len(found) < 10_000:
        found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def in_reading_order(widgets: Iterable[QWidget], root: QWidget) -> list[QWidget]:
    """`widgets` (inside `root`) in the order a clerk reads them: row by row, top to bottom, left to right in a
    row. Widgets share a row when one's middle lies within the other's height (a button beside a field)."""

    def rect(w: QWidget) -> QRect:
        return QRect(w.mapTo(root, QPoint(0, 0)), w.size())

    placed = sorted(((rect(w), w) for w in widgets), key=lambda item: (item[0].top(), item[0].left()))
    rows: list[tuple[QRect, list[tuple[QRect, QWidget]]]] = []
    for r, w in placed:
        if rows and rows[-1][0].top() <= r.center().y() <= rows[-1][0].bottom():
            rows[-1][1].append((r, w))
        else:
            rows.append((r, [(r, w)]))
    return [w for _, row in rows for _, w in sorted(row, key=lambda item: item[0].left())]


def stops_inside(root: QWidget, chain: Sequence[QWidget]) -> list[QWidget]:
    # (Qt's isAncestorOf counts the widget itself: the scroll area holding a page is not a stop of its own.)
    return in_reading_order((w for w in chain if w is not root and root.isAncestorOf(w) and takes_tab(w)), root)


def tab_order(
    head: Sequence[QWidget],
    areas: Sequence[QWidget],
    tail: Sequence[QWidget],
    chain: Sequence[QWidget],
    skip: Sequence[QWidget] = (),
) -> list[QWidget]:
    """`head`, then each of `areas` read on screen, then `tail`, then every other stop of `chain` in Qt's order.
    Stops inside `skip` (pages not on show) are left out."""
    order = [w for w in head if takes_tab(w)]
    for area in areas:
        order += stops_inside(area, chain)
    order += [w for w in tail if takes_tab(w)]
    placed = set(order)
    order += [
        w
        for w in chain
        if w not in placed
        and takes_tab(w)
        and not any(a.isAncestorOf(w) for a in areas)  # the areas themselves too
        and not any(s.isAncestorOf(w) for s in skip)
    ]
    return order


def stop_of(widget: QWidget | None, order: Sequence[QWidget]) -> QWidget | None:
    """The stop in `order` that has the focus when `widget` has it (a spin box's line edit: the spin box)."""
    while widget is not None:
        if widget in order:
            return widget
        widget = widget.parentWidget()
    return None


def next_stop(order: Sequence[QWidget], current: QWidget, forward: bool) -> QWidget:
    index = order.index(current)
    step = 1 if forward else -1
    return order[(index + step) % len(order)]
