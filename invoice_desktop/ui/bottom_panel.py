"""The Log and History, in a panel at the bottom of the window that starts small.

Collapsed, only its tab bar shows (one line), so the form gets the height; choosing a tab, the Show button or
View → Log and History opens it. The window gives it a share of the height when it opens and takes it back when
it closes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QTabBar, QToolButton, QVBoxLayout, QWidget

from ..core.i18n import _


class BottomPanel(QWidget):
    """Tabs over a stack, collapsible to the tab bar. `expanded_changed(bool)` when it opens or closes."""

    expanded_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bottomPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        self.tab_bar = QTabBar(self)
        self.tab_bar.setDrawBase(False)
        self.tab_bar.setExpanding(False)
        self.tab_bar.setAccessibleName(_("Log and History"))
        self.toggle_button = QToolButton(self)
        self.toggle_button.setAutoRaise(True)
        head.addWidget(self.tab_bar)
        head.addStretch(1)
        head.addWidget(self.toggle_button)
        layout.addLayout(head)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack, 1)
        self._expanded = True
        # A click on any tab (also the current one) opens the panel; switching tabs shows that page.
        self.tab_bar.tabBarClicked.connect(lambda _i: self.set_expanded(True))
        self.tab_bar.currentChanged.connect(self.stack.setCurrentIndex)
        self.toggle_button.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self.set_expanded(False)

    def addTab(self, widget: QWidget | None, label: str) -> int:
        """A tab and its page; None: the page comes later (add_page), while the panel is folded."""
        if widget is not None:
            self.stack.addWidget(widget)
        return self.tab_bar.addTab(label)

    def add_page(self, widget: QWidget) -> None:
        """The page of the first tab added without one."""
        self.stack.addWidget(widget)
        self.stack.setCurrentIndex(self.tab_bar.currentIndex())

    def currentWidget(self) -> QWidget | None:
        return self.stack.currentWidget()

    def setCurrentWidget(self, widget: QWidget) -> None:
        """Show this page, opening the panel: the clerk asked to see it."""
        self.tab_bar.setCurrentIndex(self.stack.indexOf(widget))
        self.set_expanded(True)

    @property
    def expanded(self) -> bool:
        return self._expanded

    def collapsed_height(self) -> int:
        return max(self.tab_bar.sizeHint().height(), self.toggle_button.sizeHint().height())

    def set_expanded(self, expanded: bool) -> None:
        if expanded == self._expanded:
            return
        self._expanded = expanded
        self.stack.setVisible(expanded)
        if expanded:
            # TRANSLATORS: the button that folds the Log and History panel away.
            self.toggle_button.setText(_("Hide ▾"))
            self.toggle_button.setToolTip(_("Hide the Log and History (Ctrl+L)"))
            self.toggle_button.setAccessibleName(_("Hide the Log and History"))
        else:
            # TRANSLATORS: the button that opens the folded Log and History panel.
            self.toggle_button.setText(_("Show ▴"))
            self.toggle_button.setToolTip(_("Show the Log and History (Ctrl+L)"))
            self.toggle_button.setAccessibleName(_("Show the Log and History"))
        # Collapsed, the panel is exactly its tab bar, so a splitter cannot give it blank space.
        self.setMaximumHeight(16777215 if expanded else self.collapsed_height())
        self.expanded_changed.emit(expanded)
