"""What a provider's page shows, as plain data: read without pydantic or the provider's module.

The window builds the visible provider's page (its form, its file's panel, its options) and its environment choices
from a `PageDescription`. For the built-in providers that description is generated from their pydantic models by
`python -m tools.form_descriptions` (kept in invoice_desktop/providers/_pages.py, checked against the live models by
tests/core/test_page_descriptions.py), so showing a page costs neither pydantic (~15 MiB) nor the provider's
module: they are imported when first needed (validating what the clerk typed, Upload), off the UI thread. A provider
without a generated description (a plug-in) is described from its live model instead
(core/page_description_live.py).

Texts (titles, descriptions, placeholders, choice labels, the guide, the practice hint) are kept as the provider or
its sandbox declares them, marked with N_ there: whoever shows them translates them with `_()`.

This module imports nothing beyond the standard library and the core's plain data, on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .attachments import AttachmentRules
from .environments import Environment

# The kinds of input a field needs: the scalars, then a nested group of fields ("model") and a table of records.
SCALAR_KINDS = ("str", "int", "float", "decimal", "bool", "date", "datetime", "choice")
KINDS = (*SCALAR_KINDS, "model", "list")


@dataclass(frozen=True)
class FieldDescription:
    """One field of a form, as its model declares it."""

    name: str  # the key in the data (the alias if the model has one: the API's name)
    title: str  # as declared (N_), "" when undeclared: the API's name is shown, never translated
    kind: str  # one of KINDS
    required: bool
    optional: bool  # None is allowed
    description: str = ""
    placeholder: str = ""  # as declared; "" when none (the window shows the region's example for dates)
    choices: tuple[Any, ...] = ()
    # What the clerk reads for each choice (as declared, N_), where the API's own word is not for clerks.
    choice_labels: tuple[tuple[Any, str], ...] = ()
    max_length: int | None = None
    multiline: bool = False
    form: FormDescription | None = None  # the record's fields, for "model" and "list"


@dataclass(frozen=True)
class FormDescription:
    """A pydantic model's fields, in order (excluded fields left out)."""

    model: str  # "module:QualifiedName" of the model described: to tell which one, never imported from here
    fields: tuple[FieldDescription, ...]

    def field(self, name: str) -> FieldDescription | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class PageDescription:
    """What the window needs of a provider to show its page, before the provider's module is imported."""

    provider: str  # the provider's id
    form: FormDescription
    environments: tuple[Environment, ...]
    attachment: AttachmentRules | None = None
    formats: tuple[str, ...] = ("json",)
    format_label: str = ""
    guide: str = ""
    # Form fields that identify what "Load current values" reads; empty when the API has no read.
    load_key_fields: tuple[str, ...] = ()
    # Whether a folder of documents fills a batch of forms (the provider declares document_fields).
    takes_batches: bool = False
    # "module:Class" of the practice sandbox (started for an upload, never just to show the page).
    practice_sandbox: str = ""
    # What to try in that sandbox, as its class declares it (HINT, marked N_ there): shown in practice without
    # importing the sandbox or starting its server.
    practice_hint: str = ""
    # The sign-in (its button's label, untranslated) practice needs before a send, or "" when practice credentials
    # are filled in for the clerk.
    practice_sign_in: str = ""

    @property
    def supports_load(self) -> bool:
        return bool(self.load_key_fields)

    def environment(self, env_id: str) -> Environment:
        for env in self.environments:
            if env.id == env_id:
                return env
        raise KeyError(env_id)

    # -- as plain data (the generated module holds this) ---------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        rules = self.attachment
        return {
            "provider": self.provider,
            "form": _form_data(self.form),
            "environments": [{"id": e.id, "base_url": e.base_url, "note": e.note} for e in self.environments],
            "attachment": None
            if rules is None
            else {
                "extensions": list(rules.extensions),
                "max_bytes": rules.max_bytes,
                "limit_source": rules.limit_source,
                "aliases": dict(rules.aliases),
            },
            "formats": list(self.formats),
            "format_label": self.format_label,
            "guide": self.guide,
            "load_key_fields": list(self.load_key_fields),
            "takes_batches": self.takes_batches,
            "practice_sandbox": self.practice_sandbox,
            "practice_hint": self.practice_hint,
            "practice_sign_in": self.practice_sign_in,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PageDescription:
        rules = data["attachment"]
        return cls(
            provider=data["provider"],
            form=_form_from(data["form"]),
            environments=tuple(Environment(e["id"], e["base_url"], e["note"]) for e in data["environments"]),
            attachment=None
            if rules is None
            else AttachmentRules(
                extensions=tuple(rules["extensions"]),
                max_bytes=rules["max_bytes"],
                limit_source=rules["limit_source"],
                aliases=dict(rules["aliases"]),
            ),
            formats=tuple(data["formats"]),
            format_label=data["format_label"],
            guide=data["guide"],
            load_key_fields=tuple(data["load_key_fields"]),
            takes_batches=data["takes_batches"],
            practice_sandbox=data["practice_sandbox"],
            practice_hint=data["practice_hint"],
            practice_sign_in=data.get("practice_sign_in", ""),
        )


def _form_data(form: FormDescription) -> dict[str, Any]:
    return {"model": form.model, "fields": [_field_data(f) for f in form.fields]}


def _field_data(field: FieldDescription) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": field.name,
        "title": field.title,
        "kind": field.kind,
        "required": field.required,
        "optional": field.optional,
    }
    # Defaults left out: the generated module stays readable.
    if field.description:
        data["description"] = field.description
    if field.placeholder:
        data["placeholder"] = field.placeholder
    if field.choices:
        data["choices"] = list(field.choices)
    if field.choice_labels:
        data["choice_labels"] = [list(pair) for pair in field.choice_labels]
    if field.max_length is not None:
        data["max_length"] = field.max_length
    if field.multiline:
        data["multiline"] = True
    if field.form is not None:
        data["form"] = _form_data(field.form)
    return data


def _form_from(data: Mapping[str, Any]) -> FormDescription:
    return FormDescription(model=data["model"], fields=tuple(_field_from(f) for f in data["fields"]))


def _field_from(data: Mapping[str, Any]) -> FieldDescription:
    return FieldDescription(
        name=data["name"],
        title=data["title"],
        kind=data["kind"],
        required=data["required"],
        optional=data["optional"],
        description=data.get("description", ""),
        placeholder=data.get("placeholder", ""),
        choices=tuple(data.get("choices", ())),
        choice_labels=tuple((value, label) for value, label in data.get("choice_labels", ())),
        max_length=data.get("max_length"),
        multiline=bool(data.get("multiline", False)),
        form=_form_from(data["form"]) if "form" in data else None,
    )
