"""What a person reads on a shown window or dialog, and which of it is clipped: for the pseudo-locale test.

`read(root)` walks the visible widgets under `root` and lists every text a person reads or hears: labels, buttons,
group titles, tab texts, column headers, menu entries, placeholders, tooltips, accessible names, window titles.
`clipped(root)` lists the labels, buttons, group titles and column headers narrower than their text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

_TAG = re.compile(r"<[^>]+>")
_LETTER = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Seen:
    where: str  # "QLabel 'name'" / "column header"
    what: str  # "text" / "tooltip" / "accessible name" / ...
    text: str

    def __str__(self) -> str:
        return f"{self.where} {self.what}: {self.text!r}"


def _plain(text: str) -> str:
    text = _TAG.sub(" ", text).replace("&nbsp;", " ").replace("&amp;", "&")
    return text.replace("&&", "&").replace("&", "")


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or ''}".strip()


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and (widget is root or widget.isVisible())


def read(root: QWidget) -> list[Seen]:
    seen: list[Seen] = []

    def add(widget: QWidget | None, where: str, what: str, text: str | None) -> None:
        if text and text.strip():
            seen.append(Seen(where or (_name(widget) if widget else "?"), what, _plain(text).strip()))

    add(root, _name(root), "window title", root.windowTitle())
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _shown(widget, root):
            continue
        where = _name(widget)
        add(widget, where, "tooltip", widget.toolTip())
        add(widget, where, "accessible name", widget.accessibleName())
        if isinstance(widget, QLabel) or (isinstance(widget, QAbstractButton) and not _qt_standard(widget)):
            add(widget, where, "text", widget.text())
        elif isinstance(widget, QGroupBox):
            add(widget, where, "title", widget.title())
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                add(widget, where, "tab", widget.tabText(i))
                add(widget, where, "tab tooltip", widget.tabToolTip(i))
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            add(widget, where, "placeholder", widget.placeholderText())
        elif isinstance(widget, QTextEdit) and widget.isReadOnly():
            add(widget, where, "text", widget.toPlainText())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, where, "choice", widget.itemText(i))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for orientation, header in (
                (Qt.Orientation.Horizontal, getattr(widget, "horizontalHeader", lambda: None)()),
            ):
                if header is None or not header.isVisible():
                    continue
                for column in range(model.columnCount()):
                    if header.isSectionHidden(column):
                        continue
                    add(widget, f"{where} column {column}", "header", str(model.headerData(column, orientation) or ""))
                    tip = model.headerData(column, orientation, Qt.ItemDataRole.ToolTipRole)
                    add(widget, f"{where} column {column}", "header tooltip", str(tip or ""))
            if isinstance(widget, QListWidget):
                for row in range(widget.count()):
                    item = widget.item(row)
                    add(widget, where, "item", item.text())
                    add(widget, where, "item tooltip", item.toolTip())
    if isinstance(root, QMainWindow):
        for action in root.menuBar().actions():
            add(root, "menu bar", "menu", action.text())
            menu = action.menu()
            for entry in menu.actions() if menu is not None else []:
                if not entry.isSeparator():
                    add(root, f"menu {_plain(action.text())!r}", "entry", entry.text())
        add(root, "status bar", "message", root.statusBar().currentMessage())
    return seen


def _qt_standard(button: QAbstractButton) -> bool:
    """OK, Cancel, Close, Open… of a QDialogButtonBox: Qt's own words, from Qt's catalogs (qtbase_<lang>.qm)."""
    box = button.parentWidget()
    return isinstance(box, QDialogButtonBox) and box.standardButton(button) != QDialogButtonBox.StandardButton.NoButton


def escapes_translation(text: str) -> bool:
    """Text with words but no pseudo-translated part ("[Úplóád ~~~]"): it did not go through the catalog."""
    return bool(_LETTER.search(text)) and "~]" not in text


def settle_layouts() -> None:
    """Apply the layout changes Qt still has pending. A text set a moment ago (the keyring's state in the status
    bar, which a worker reads after the first paint and which arrives whenever the machine's load lets it) posts a
    LayoutRequest; Qt applies it in its next pass, before painting, so a person never sees the old width, but a
    measure taken in between did: "clipped QLabel 'Keyring: in use': 6 px of 163". Each pass may post more (a
    label's new width resizes its parent's layout): a few passes settle them."""
    for _pass in range(5):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def clipped(root: QWidget) -> list[str]:
    """Labels, buttons, group titles and column headers shown narrower than their text needs, once the layouts
    have settled (as the next paint would show them)."""
    settle_layouts()
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        one_line_label = isinstance(widget, QLabel) and not widget.wordWrap() and widget.pixmap().isNull()
        if (one_line_label or isinstance(widget, QAbstractButton)) and widget.text():  # type: ignore[attr-defined]
            if widget.sizeHint().width() > widget.width() + 1:
                found.append(f"{_name(widget)} {widget.text()!r}: {widget.width()} px of {widget.sizeHint().width()}")
        elif isinstance(widget, QGroupBox) and widget.title():
            need = widget.fontMetrics().horizontalAdvance(_plain(widget.title())) + 16
            if need > widget.width():
                found.append(f"{_name(widget)} title {widget.title()!r}: {widget.width()} px of {need}")
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            model = widget.model()
            if model is None:
                continue
            for column in range(widget.count()):
                if widget.isSectionHidden(column):
                    continue
                text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
                need = widget.sectionSizeFromContents(column).width()  # Qt's own measure of the heading
                size = widget.sectionSize(column)
                if text and need > size:
                    found.append(f"column header {text!r}: {size} px of {need}")
    return found
