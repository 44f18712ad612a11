"""A provider's `PageDescription` read from the provider itself: its pydantic form model and declared data.

`python -m tools.form_descriptions` writes this for every built-in provider into invoice_desktop/providers/_pages.py
(so the window needs neither pydantic nor the provider's module to show a page), and the window uses it directly for
a provider that has no generated description (a plug-in, a test's provider). Imports pydantic: never on the way to
the first page of a built-in provider.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import types
import typing
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .page_description import FieldDescription, FormDescription, PageDescription

if TYPE_CHECKING:
    from .provider import Provider


def describe_page(provider: Provider) -> PageDescription:
    sandbox = getattr(provider, "practice_sandbox", "")
    return PageDescription(
        provider=provider.id,
        form=describe_form(provider.form_model),
        environments=tuple(provider.environments),
        attachment=provider.attachment,
        formats=tuple(provider.formats),
        format_label=provider.format_label,
        guide=provider.guide,
        load_key_fields=tuple(provider.load_key_fields),
        takes_batches=bool(provider.document_fields),
        practice_sandbox=sandbox,
        practice_hint=declared_practice_hint(sandbox),
        practice_sign_in=provider.sign_in_label
        if provider.supports_sign_in and provider.practice_needs_sign_in
        else "",
    )


def declared_practice_hint(sandbox: str) -> str:
    """The HINT the practice sandbox's class declares ("" when none), untranslated. Its module is imported by the
    name the provider declares (the core imports no sandbox by itself); its server is not started."""
    if not sandbox:
        return ""
    module_name, _sep, class_name = sandbox.partition(":")
    return str(getattr(getattr(importlib.import_module(module_name), class_name), "HINT", "") or "")


def describe_form(model: type[BaseModel]) -> FormDescription:
    fields = tuple(describe_field(name, info) for name, info in model.model_fields.items() if not info.exclude)
    return FormDescription(model=f"{model.__module__}:{model.__qualname__}", fields=fields)


def describe_field(name: str, info: FieldInfo) -> FieldDescription:
    annotation, optional = _unwrap_optional(info.annotation)
    kind, choices, sub = _kind(annotation)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    max_length = None
    for meta in info.metadata:
        max_length = getattr(meta, "max_length", None) or max_length
    labels = extra.get("choice_labels")
    choice_labels: tuple[tuple[Any, str], ...] = ()
    if isinstance(labels, dict):
        choice_labels = tuple((choice, str(labels[choice])) for choice in choices if choice in labels)
    return FieldDescription(
        name=info.alias or name,
        title=info.title or "",
        kind=kind,
        required=info.is_required(),
        optional=optional,
        description=info.description or "",
        placeholder=str(extra.get("placeholder", "")),
        choices=choices,
        choice_labels=choice_labels,
        max_length=max_length,
        multiline=bool(extra.get("multiline")),
        form=describe_form(sub) if sub is not None else None,
    )


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        return args[0], optional  # a union of several types: edited as the first
    return annotation, False


def _kind(annotation: Any) -> tuple[str, tuple[Any, ...], type[BaseModel] | None]:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation), None
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin in (list, tuple) or annotation in (list, tuple):
        args = typing.get_args(annotation)
        inner = args[0] if args else None
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "list", (), inner
        return "str", (), None
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "model", (), annotation
        if issubclass(annotation, enum.Enum):
            return "choice", tuple(m.value for m in annotation), None
        for base, kind in (
            (bool, "bool"),
            (int, "int"),
            (float, "float"),
            (Decimal, "decimal"),
            (dt.datetime, "datetime"),
            (dt.date, "date"),
        ):
            if issubclass(annotation, base):
                return kind, (), None
    return "str", (), None
