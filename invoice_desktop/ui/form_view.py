"""A form built from a provider's form description: one generic view for every provider.

Scalars become inputs, nested models become groups, lists of models become tables (`ListEditor`). The form is built
from the plain-data description (core/page_description.py); its pydantic model, which validates what was typed, is
handed in when it has been imported (`set_model`, off the UI thread: see MainWindow.page_of). Errors from pydantic
are shown inline, under the field they concern, for the fields the clerk has touched (all of them once an upload was
tried).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.i18n import _
from ..core.page_description import FormDescription
from ..core.upload import form_errors
from .form_fields import FieldSpec, ScalarEditor, field_specs
from .list_editor import ListEditor

if TYPE_CHECKING:
    from pydantic import BaseModel

ERROR_STYLE = "color: #b00020;"


def nest_errors(errors: dict[str, str], prefix: str) -> dict[str, str]:
    """The errors below `prefix.`, with the prefix removed."""
    start = prefix + "."
    return {k[len(start) :]: v for k, v in errors.items() if k.startswith(start)}


class FormView(QWidget):
    changed = Signal()

    def __init__(
        self,
        form: FormDescription,
        parent: QWidget | None = None,
        *,
        nested: bool = False,
        model: type[BaseModel] | None = None,
    ) -> None:
        """`model`: the pydantic model that validates the form, if already imported (else see `set_model`)."""
        super().__init__(parent)
        self.description = form
        self.model = model
        self.specs = field_specs(form)
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.rows: dict[str, QHBoxLayout] = {}
        self.touched: set[str] = set()
        self.show_all_errors = False
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if nested:
            layout.setContentsMargins(6, 6, 6, 6)
        # Errors that concern the form as a whole (a model validator), not one field.
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        layout.addRow(self.general_error)
        for spec in self.specs:
            editor = self._make_editor(spec)
            self.editors[spec.name] = editor
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            self.error_labels[spec.name] = error
            holder = QWidget(self)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            row = QHBoxLayout()
            row.addWidget(editor, 1)
            self.rows[spec.name] = row
            box.addLayout(row)
            box.addWidget(error)
            if spec.kind in ("model", "list"):
                layout.addRow(holder)
            else:
                label = QLabel(("&" if spec.required else "") + spec.label + (" *" if spec.required else ""), self)
                label.setBuddy(editor)
                label.setToolTip(spec.description)
                layout.addRow(label, holder)

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        editor: QWidget
        if spec.kind == "model":
            assert spec.form is not None
            # TRANSLATORS: the title of an optional group of fields in a form, e.g. "Billing address (optional)".
            title = spec.label if spec.required else _("{group} (optional)").format(group=spec.label)
            group = QGroupBox(title, self)
            group.setToolTip(spec.description)
            inner = FormView(spec.form, group, nested=True)
            QVBoxLayout(group).addWidget(inner)
            inner.changed.connect(lambda n=spec.name: self._on_change(n))
            group.setProperty("form", inner)
            editor = group
        elif spec.kind == "list":
            assert spec.form is not None
            editor = ListEditor(spec, self, record_form=FormView)
            editor.changed.connect(lambda n=spec.name: self._on_change(n))
        else:
            editor = ScalarEditor(spec, self)
            editor.changed.connect(lambda n=spec.name: self._on_change(n))
        return editor

    @classmethod
    def for_model(cls, model: type[BaseModel], parent: QWidget | None = None) -> FormView:
        """The form of a pydantic model at hand (a plug-in's, a test's): described from the model itself."""
        from ..core.page_description_live import describe_form

        return cls(describe_form(model), parent, model=model)

    def set_model(self, model: type[BaseModel]) -> None:
        """The model is here (imported off the UI thread): what was typed meanwhile is checked now."""
        self.model = model
        if self.touched or self.show_all_errors:
            self.refresh_errors()

    def _on_change(self, name: str) -> None:
        self.touched.add(name)
        self.changed.emit()

    def label_of(self, name: str) -> str:
        """The label the clerk sees for a field (its API name if the form has no such field)."""
        return next((spec.label for spec in self.specs if spec.name == name), name)

    def add_beside(self, name: str, widget: QWidget) -> None:
        """Put a widget (e.g. a Load button) on the same line as a field's input."""
        self.rows[name].addWidget(widget)

    # -- values ------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The form as data under the API's names; empty inputs are left out (their defaults apply)."""
        data: dict[str, Any] = {}
        for spec in self.specs:
            value = self._value_of(spec)
            if value is None or (value == {} and not spec.required):
                continue
            data[spec.name] = value
        return data

    def _value_of(self, spec: FieldSpec) -> Any:
        editor = self.editors[spec.name]
        if isinstance(editor, QGroupBox):
            return editor.property("form").values()
        if isinstance(editor, ListEditor):
            return editor.rows()
        assert isinstance(editor, ScalarEditor)
        return editor.value()

    def set_values(self, data: dict[str, Any]) -> None:
        for spec in self.specs:
            editor = self.editors[spec.name]
            value = data.get(spec.name)
            if isinstance(editor, QGroupBox):
                editor.property("form").set_values(value or {})
            elif isinstance(editor, ListEditor):
                editor.set_rows(value or [])
            else:
                assert isinstance(editor, ScalarEditor)
                editor.set_value(value)
        self.refresh_errors()

    def clear(self) -> None:
        self.clear_except(())
        self.touched.clear()
        self.show_all_errors = False
        self.show_errors({})

    def clear_except(self, keep: tuple[str, ...]) -> None:
        """Empty every input but those named in `keep` (left as they are, cursor and all)."""
        for spec in self.specs:
            if spec.name in keep:
                continue
            editor = self.editors[spec.name]
            if isinstance(editor, QGroupBox):
                editor.property("form").clear()
            elif isinstance(editor, ListEditor):
                editor.set_rows([])
            else:
                assert isinstance(editor, ScalarEditor)
                editor.reset()

    # -- validation ----------------------------------------------------------------------------------------

    def validate(self) -> tuple[BaseModel | None, dict[str, str]]:
        """The form as its model, or the errors; the model must be here (`set_model`): an upload waits for it."""
        from pydantic import ValidationError

        if self.model is None:
            raise RuntimeError("The form's model has not been imported yet.")
        try:
            return self.model.model_validate(self.values()), {}
        except ValidationError as exc:
            return None, form_errors(exc)

    def refresh_errors(self) -> dict[str, str]:
        """Validate and show the errors of touched fields (or of all, after an upload was tried). Before the model
        is here nothing is shown: its errors come with it (`set_model`)."""
        if self.model is None:
            return {}
        _model, errors = self.validate()
        self.show_errors(errors)
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for spec in self.specs:
            editor = self.editors[spec.name]
            visible = self.show_all_errors or spec.name in self.touched
            own = errors.get(spec.name, "")
            if isinstance(editor, QGroupBox):
                inner: FormView = editor.property("form")
                inner.show_all_errors = visible
                inner.touched |= set(inner.editors) if visible else set()
                inner.show_errors(nest_errors(errors, spec.name))
            elif isinstance(editor, ListEditor):
                editor.show_errors(nest_errors(errors, spec.name) if visible else {})
            label = self.error_labels[spec.name]
            label.setText(str(own))  # a kept sentence (Msg) renders in the current language
            label.setVisible(bool(own) and visible)
        names = {spec.name for spec in self.specs}
        general = [msg for key, msg in errors.items() if key.split(".", 1)[0] not in names]
        self.general_error.setText(" ".join(str(msg) for msg in general))
        self.general_error.setVisible(bool(general) and (self.show_all_errors or bool(self.touched)))

    def reveal_all_errors(self) -> dict[str, str]:
        self.show_all_errors = True
        return self.refresh_errors()

    def focus_first_error(self, errors: dict[str, str]) -> None:
        for spec in self.specs:
            if any(k == spec.name or k.startswith(spec.name + ".") for k in errors):
                self.editors[spec.name].setFocus()
                return
