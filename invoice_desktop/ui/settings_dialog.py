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
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import LANGUAGE_NAMES, _
from ..core.settings import Setting, SettingsStore


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

    def __init__(self, store: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        for setting in store.declarations.values():
            form = sections.get(setting.section)
            if form is None:
                group = QGroupBox(_(setting.section), self)
                form = QFormLayout(group)
                sections[setting.section] = form
                layout.addWidget(group)
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
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def accept(self) -> None:
        try:
            for key, editor in self.editors.items():
                self.store.set(key, _value_of(editor))
            self.store.save()
        except (OSError, ValueError) as exc:
            said = _("The settings could not be saved: {error}").format(error=exc)
            QMessageBox.warning(self, _("Settings not saved"), said)
            return
        self.applied.emit()
        super().accept()
