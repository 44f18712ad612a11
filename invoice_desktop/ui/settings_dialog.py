"""File → Settings… (Preferences on macOS): the app-wide choices, built from the core's declared settings.

Per-account choices (keys, addresses, technical options) stay in Credentials…; this is for how the app behaves.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.credentials import CredentialStore
from ..core.i18n import LANGUAGE_NAMES, N_, _
from ..core.settings import Setting, SettingsStore
from .history_location_box import HistoryLocationBox
from .tasks import TaskRunner

# Sections shown on a tab of their own, with the tab's title (its mnemonic).
_OWN_TAB = {"History": N_("&History")}


def _editor_for(setting: Setting, value: Any, parent: QWidget) -> QWidget:
    kind = setting.kind
    editor: QWidget
    if kind == "bool":
        box = QCheckBox(_(setting.label), parent)
        box.setChecked(bool(value))
        editor = box
    elif kind == "int":
        spin = QSpinBox(parent)
        spin.setRange(setting.minimum, setting.maximum)
        spin.setValue(int(value))
        editor = spin
    elif kind == "choice":
        combo = QComboBox(parent)
        for stored, label in setting.choices:
            # A language is named in its own words, never translated: a clerk must find their own in the list.
            combo.addItem(label if LANGUAGE_NAMES.get(stored) == label else _(label), stored)
        combo.setCurrentIndex(max(combo.findData(value), 0))
        editor = combo
    else:
        editor = QLineEdit(str(value), parent)
    editor.setAccessibleName(_(setting.label))
    if setting.help:
        editor.setToolTip(_(setting.help))
        editor.setAccessibleDescription(_(setting.help))
    return editor


def _value_of(editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()


class SettingsDialog(QDialog):
    applied = Signal()  # the values were saved

    def __init__(
        self,
        store: SettingsStore,
        parent: QWidget | None = None,
        *,
        credentials: CredentialStore | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.saved_message = _("Settings saved.")
        self._own_runner = runner is None
        self.runner = runner or TaskRunner(self)
        self.setWindowTitle(_("Settings"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "How the app behaves, for every provider. A provider's keys, address and technical options are "
                "under Credentials… in the main window."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.editors: dict[str, QWidget] = {}
        sections: dict[str, QFormLayout] = {}
        # The small sections share the first tab; a section with many fields (the history's server) has its own,
        # so the dialog fits a 1366×768 screen.
        self.tabs = QTabWidget(self)
        general = QWidget(self.tabs)
        general_layout = QVBoxLayout(general)
        self.tabs.addTab(general, _("&General"))
        layout.addWidget(self.tabs, 1)
        for setting in store.declarations.values():
            form = sections.get(setting.section)
            if form is None:
                if setting.section in _OWN_TAB:
                    page = QWidget(self.tabs)
                    form = QFormLayout(page)
                    self.tabs.addTab(page, _(_OWN_TAB[setting.section]))
                else:
                    group = QGroupBox(_(setting.section), general)
                    form = QFormLayout(group)
                    general_layout.addWidget(group)
                sections[setting.section] = form
            editor = _editor_for(setting, store.get(setting.key), self)
            self.editors[setting.key] = editor
            if isinstance(editor, QCheckBox):
                form.addRow(editor)
            else:
                # TRANSLATORS: a label before its input, e.g. "Language:"; {label} is the setting's name.
                label = QLabel(_("{label}:").format(label=_(setting.label)), self)
                label.setBuddy(editor)
                form.addRow(label, editor)
            if setting.help:
                note = QLabel(_(setting.help), self)
                note.setWordWrap(True)
                note.setStyleSheet("color: #555;")
                form.addRow(note)
        self.history_box: HistoryLocationBox | None = None
        if "history.location" in self.editors:
            self.history_box = HistoryLocationBox(
                sections["History"], self.editors, credentials or CredentialStore(), self.runner, self
            )
        general_layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        # Wrapped notes under-report their height in a tab: give the first tab the height its content needs.
        general.setMinimumHeight(general_layout.totalHeightForWidth(540) + 12)

    def accept(self) -> None:
        history_before = {k: v for k, v in self.store.values().items() if k.startswith("history.")}
        try:
            for key, editor in self.editors.items():
                self.store.set(key, _value_of(editor))
            self.store.save()
            if self.history_box is not None:
                self.history_box.save()
        except (OSError, ValueError) as exc:
            said = _("The settings could not be saved: {error}").format(error=exc)
            QMessageBox.warning(self, _("Settings not saved"), said)
            return
        except Exception as exc:  # the keyring refused the password (locked, dismissed)
            QMessageBox.warning(
                self,
                _("Password not saved"),
                _("The password could not be kept in the keyring: {error}").format(error=exc),
            )
            return
        history_after = {k: v for k, v in self.store.values().items() if k.startswith("history.")}
        if history_after != history_before:
            self.saved_message = (
                _("Settings saved. The app uses the shared server from its next start.")
                if history_after["history.location"] == "shared"
                else _("Settings saved. The app uses this computer's history from its next start.")
            )
        self.applied.emit()
        super().accept()

    def done(self, result: int) -> None:
        if self._own_runner:
            self.runner.shutdown(timeout=2.0)
        super().done(result)
