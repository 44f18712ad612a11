"""The scalar editors of a form, and what each field needs (`FieldSpec`), read from the page's description.

`FieldSpec` is a field's description (core/page_description.py) in the clerk's language; the small Qt editors share
one interface: `value()` (None when empty), `set_value(v)`, and a `changed` signal. Nothing here needs pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from ..core import local_format
from ..core.i18n import _
from ..core.page_description import SCALAR_KINDS, FieldDescription, FormDescription

__all__ = ["SCALAR_KINDS", "FieldSpec", "ScalarEditor", "choice_items", "field_specs", "spec_of", "typed_value"]


@dataclass
class FieldSpec:
    name: str  # the key in the data (alias if the model has one: the API's name)
    label: str
    kind: str  # one of SCALAR_KINDS, "model", "list"
    required: bool
    optional: bool  # None is allowed
    description: str = ""
    placeholder: str = ""
    choices: tuple[Any, ...] = ()
    # What the clerk reads for each choice, in the same order: the provider's declared labels (msgids, translated
    # where shown by `choice_items`); empty when it declares none (the API's own values are shown).
    choice_labels: tuple[str, ...] = ()
    max_length: int | None = None
    form: FormDescription | None = None  # the record's fields, for "model" and "list"
    multiline: bool = False


def field_specs(form: FormDescription) -> list[FieldSpec]:
    return [spec_of(field) for field in form.fields]


def spec_of(field: FieldDescription) -> FieldSpec:
    """A field as the clerk sees it: the provider declares its titles, descriptions and placeholders (marked N_
    there), shown in the clerk's language. An undeclared title shows the API's own name, which is never translated."""
    placeholder = _(field.placeholder) if field.placeholder else ""
    if not placeholder:  # replaced by the region's own example where shown (_region_placeholder)
        placeholder = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DD HH:MM:SS"}.get(field.kind, "")
    # Declared by the provider as {API value: N_(label)}; a value it left out shows as the API spells it.
    declared = dict(field.choice_labels)
    choice_labels = tuple(str(declared.get(c, c)) for c in field.choices) if declared else ()
    return FieldSpec(
        name=field.name,
        label=_(field.title) if field.title else field.name,
        kind=field.kind,
        required=field.required,
        optional=field.optional,
        description=_(field.description) if field.description else "",
        placeholder=placeholder,
        choices=field.choices,
        choice_labels=choice_labels,
        max_length=field.max_length,
        form=field.form,
        multiline=field.multiline,
    )


def choice_items(spec: FieldSpec) -> list[tuple[str, Any]]:
    """Each choice as (what the clerk reads, the value sent): the provider's label in the clerk's language, or the
    API's own value where it declares none."""
    labels = [_(label) for label in spec.choice_labels] if spec.choice_labels else [str(c) for c in spec.choices]
    return list(zip(labels, spec.choices, strict=True))


class ScalarEditor(QWidget):
    """One input for a scalar field, whatever its kind."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._loaded = False
        if spec.kind == "bool":
            self.input: QWidget = QCheckBox(self)
            box = self.input
            assert isinstance(box, QCheckBox)
            if spec.optional:
                # Unknown until loaded or set: partially checked means "leave as it is / not known".
                box.setTristate(True)
                box.setCheckState(Qt.CheckState.PartiallyChecked)
            box.stateChanged.connect(self._on_change)
        elif spec.kind == "choice":
            combo = QComboBox(self)
            if spec.optional or not spec.required:
                combo.addItem("—", None)
            for label, choice in choice_items(spec):
                combo.addItem(label, choice)
            combo.currentIndexChanged.connect(self._on_change)
            self.input = combo
        elif spec.multiline:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setPlaceholderText(_region_placeholder(spec))
            text.setFixedHeight(60)
            text.textChanged.connect(self._on_change)
            self.input = text
        else:
            line = QLineEdit(self)
            line.setPlaceholderText(_region_placeholder(spec))
            line.setClearButtonEnabled(True)
            if spec.kind == "int":
                line.setValidator(QIntValidator(line))
            # Decimals get no QDoubleValidator: it follows the system locale, and a clerk's "30,00" must work
            # whatever the locale (value() turns a decimal comma into a point).
            line.textChanged.connect(self._on_change)
            self.input = line
        self.setFocusProxy(self.input)
        layout.addWidget(self.input)
        if spec.description:
            self.input.setToolTip(spec.description)
        self.input.setAccessibleName(spec.label)
        self.input.setAccessibleDescription(spec.description)

    def _on_change(self, *_args: object) -> None:
        self.changed.emit()

    def value(self) -> Any:
        w = self.input
        if isinstance(w, QCheckBox):
            state = w.checkState()
            if state == Qt.CheckState.PartiallyChecked:
                return None
            return state == Qt.CheckState.Checked
        if isinstance(w, QComboBox):
            return w.currentData()
        text = w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()  # type: ignore[attr-defined]
        return typed_value(text, self.spec.kind)

    def set_value(self, value: Any) -> None:
        w = self.input
        if isinstance(w, QCheckBox):
            if value is None:
                w.setCheckState(Qt.CheckState.PartiallyChecked if w.isTristate() else Qt.CheckState.Unchecked)
            else:
                w.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                if self.spec.optional:
                    # Known now: a plain two-state box from here on (tri-state only while not loaded).
                    w.setTristate(False)
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            w.setCurrentIndex(max(index, 0))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        else:
            w.setText("" if value is None else _as_text(value, self.spec.kind))  # type: ignore[attr-defined]

    def reset(self) -> None:
        if isinstance(self.input, QCheckBox) and self.spec.optional:
            self.input.setTristate(True)
        self.set_value(None)


def typed_value(text: str, kind: str) -> str | None:
    """What a clerk typed, for the model: amounts and dates typed the region's way ("1.234,50", "31.03.2026") in
    one neutral spelling ("1234.50", "2026-03-31") that the provider formats for its API; text that is no number
    or date goes on as typed, for the model to say what is wrong. None when empty."""
    text = text.strip()
    if not text:
        return None
    if kind in ("float", "decimal"):
        return local_format.parse_amount(text) or text
    if kind == "date":
        day = local_format.parse_date(text)
        return day.isoformat() if day else text
    if kind == "datetime":
        return local_format.neutral_datetime(text) or text
    return text


def _as_text(value: Any, kind: str = "str") -> str:
    """A value as the clerk's region writes it (dates, amounts); anything else as it is."""
    if isinstance(value, dt.date):
        return local_format.format_date(value)
    if isinstance(value, str) and kind in ("date", "datetime"):
        moment = local_format.parse_datetime(value, local_format.C_REGION)  # ISO as loaded or filled in
        if moment is not None:
            timed = len(value.strip()) > 10
            return local_format.format_date(moment if timed else moment.date())
        if len(value) >= 19 and value[10] == "T":
            return value.replace("T", " ")[:19]
    amount = isinstance(value, float) or local_format.is_decimal(value)
    if amount or (kind in ("decimal", "float") and isinstance(value, (str, int))):
        neutral = local_format.parse_amount(str(value), local_format.C_REGION) if isinstance(value, str) else value
        return local_format.format_amount(neutral) if neutral is not None else str(value)
    return str(value)


def _region_placeholder(spec: FieldSpec) -> str:
    """A field's example as the region writes it: "31.12.2026" for a date (not the API's YYYY-MM-DD), "e.g. 30,00"
    for an amount in a region with a decimal comma."""
    region = local_format.current_region()
    if spec.kind in ("date", "datetime") and spec.placeholder in ("", "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS"):
        example = local_format.date_example()
        return example if spec.kind == "date" else example + " 14:30"
    if spec.kind in ("date", "datetime") and "{date}" in spec.placeholder:
        # Declared with the examples left to the region ("{date} or {date} {time}"), so the translated text shows
        # what the field reads in every language, not a mask such as ÅÅÅÅ-MM-DD next to dates shown as 31.12.2026.
        return spec.placeholder.replace("{date}", local_format.date_example()).replace("{time}", "14:30")
    if spec.kind in ("decimal", "float") and region.decimal != ".":
        return re.sub(r"\d+\.\d+", lambda number: local_format.format_amount(number.group()), spec.placeholder)
    return spec.placeholder
