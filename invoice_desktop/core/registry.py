"""Which providers exist, as declared data, without importing their modules.

A provider module (with its pydantic form, its wire format, its answer readers) is imported only when something
needs the provider itself: the window builds the page the clerk sees, the CLI sends. Listing the providers, their
order, what files they take and which environments they offer needs only a `ProviderInfo`, which costs nothing to
import. This keeps `invoice-desktop providers` and `--help` fast and lets the window build only the visible page.

Registering an additional provider (a plug-in, or a test's fake provider) is public API:

    from invoice_desktop.providers import ProviderInfo, register

    register(ProviderInfo(id="acme", name="ACME Invoicing", module="acme_invoicing.provider", order=60,
                          extensions=(".pdf",), attachment_mode="required"))

or, already imported, `register(AcmeProvider())`. The module named by `module` defines the `Provider` instance as
`PROVIDER` (or name another attribute: "package.module:ATTRIBUTE"). When the module is imported, its provider must
match what was declared (id, name, order, what it accepts): a declaration that drifted from its module fails
loudly instead of showing the clerk one thing and sending another.

This module imports nothing beyond the standard library (no pydantic, no requests), on purpose.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Literal

from .environments import ALL_ENVIRONMENTS, PRACTICE, PRODUCTION, SANDBOX
from .i18n import N_, _

if TYPE_CHECKING:
    from .provider import Provider

__all__ = ["ALL_ENVIRONMENTS", "PRACTICE", "PRODUCTION", "SANDBOX", "ProviderInfo", "ProviderRegistry"]

AttachmentMode = Literal["required", "optional", "none"]


@dataclass(frozen=True)
class ProviderInfo:
    """What can be known about a provider without importing its module."""

    id: str
    name: str
    # "package.module" whose `PROVIDER` is the provider, or "package.module:ATTRIBUTE".
    module: str
    order: int = 100
    summary: str = ""  # marked with N_: translated with `_()` where it is shown
    # Whether a document file goes with a send: "required", "optional" (e.g. a URL may replace it) or "none".
    attachment_mode: AttachmentMode = "required"
    # File name extensions accepted from the clerk, lower case with the dot (aliases such as ".jpg" included).
    extensions: tuple[str, ...] = ()
    accepts_file_url: bool = False
    environments: tuple[str, ...] = ALL_ENVIRONMENTS
    # The words on the send button ("Upload", "Save settings").
    action_label: str = N_("Upload")

    @property
    def takes_files(self) -> bool:
        return self.attachment_mode != "none" and bool(self.extensions)

    def accepts_extension(self, extension: str) -> bool:
        return extension.lower() in self.extensions

    @classmethod
    def of(cls, provider: Provider) -> ProviderInfo:
        """The declaration that matches an (imported) provider instance."""
        rules = provider.attachment
        extensions: tuple[str, ...] = ()
        if rules is not None and provider.attachment_mode != "none":
            extensions = tuple(rules.extensions) + tuple(e for e in rules.aliases if e not in rules.extensions)
        module = type(provider).__module__
        attribute = next(
            (name for name, value in vars(importlib.import_module(module)).items() if value is provider), ""
        )
        return cls(
            id=provider.id,
            name=provider.name,
            module=module if attribute in ("", "PROVIDER") else f"{module}:{attribute}",
            order=provider.order,
            summary=provider.summary,
            attachment_mode=provider.attachment_mode,
            extensions=extensions,
            accepts_file_url=provider.accepts_file_url,
            environments=tuple(env.id for env in provider.environments),
            action_label=provider.action_label,
        )


class DeclarationMismatch(TypeError):
    """A provider module's provider differs from what its `ProviderInfo` declares."""


def mismatches(declared: ProviderInfo, actual: ProviderInfo) -> list[str]:
    """The declared fields (all but `module`) whose value differs from the provider's own."""
    return [
        f"{f.name}: declared {getattr(declared, f.name)!r}, the module has {getattr(actual, f.name)!r}"
        for f in fields(ProviderInfo)
        if f.name != "module" and getattr(declared, f.name) != getattr(actual, f.name)
    ]


class ProviderRegistry:
    """Declared providers, in display order; each provider module imported on first use only."""

    def __init__(self, infos: Iterable[ProviderInfo | Provider] = ()) -> None:
        self._infos: dict[str, ProviderInfo] = {}
        self._loaded: dict[str, Provider] = {}
        # The window imports a provider off the UI thread while the UI may ask for the same one, or read the
        # declarations: `_lock` guards the dictionaries only (never held while a module is imported), and one lock
        # per provider lets a second caller wait for the import under way instead of repeating it.
        self._lock = threading.RLock()
        self._import_locks: dict[str, threading.Lock] = {}
        for info in infos:
            self.register(info)

    # -- declaring ------------------------------------------------------------------------------------------

    def register(self, what: ProviderInfo | Provider, *, replace: bool = False) -> ProviderInfo:
        """Add a provider: its declaration (imported on first use) or an already built `Provider` instance.
        A second provider with a known id is refused unless `replace` is given."""
        instance = None if isinstance(what, ProviderInfo) else what
        info = what if isinstance(what, ProviderInfo) else ProviderInfo.of(what)
        if not info.id or not info.name:
            raise ValueError("A provider needs an id and a name.")
        with self._lock:
            if info.id in self._infos and not replace:
                raise ValueError(f"A provider with the id “{info.id}” is already registered.")
            self._infos[info.id] = info
            self._loaded.pop(info.id, None)
            if instance is not None:
                self._loaded[info.id] = instance
        return info

    def unregister(self, provider_id: str) -> None:
        with self._lock:
            self._infos.pop(provider_id, None)
            self._loaded.pop(provider_id, None)

    # -- reading declarations (no imports) ------------------------------------------------------------------

    def infos(self) -> tuple[ProviderInfo, ...]:
        with self._lock:
            return tuple(sorted(self._infos.values(), key=lambda i: (i.order, i.name)))

    def info(self, provider_id: str) -> ProviderInfo:
        with self._lock:
            found = self._infos.get(provider_id)
        if found is None:
            known = ", ".join(i.id for i in self.infos())
            raise KeyError(
                _("Unknown provider “{provider}”. Known providers: {known}.").format(provider=provider_id, known=known)
            )
        return found

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._infos

    # -- the providers themselves (imports their modules) ---------------------------------------------------

    def load(self, provider_id: str) -> Provider:
        """The provider instance, importing its module the first time."""
        info = self.info(provider_id)
        with self._lock:
            provider = self._loaded.get(provider_id)
            if provider is not None:
                return provider
            importing = self._import_locks.setdefault(provider_id, threading.Lock())
        with importing:
            with self._lock:
                provider = self._loaded.get(provider_id)
            if provider is None:
                provider = _import(info)
                with self._lock:
                    provider = self._loaded.setdefault(provider_id, provider)
        return provider

    def loaded(self, provider_id: str) -> Provider | None:
        """The provider if its module has been imported already (never imports it)."""
        with self._lock:
            return self._loaded.get(provider_id)

    def load_all(self) -> tuple[Provider, ...]:
        return tuple(self.load(info.id) for info in self.infos())


def _import(info: ProviderInfo) -> Provider:
    from .provider import Provider

    module_name, _sep, attribute = info.module.partition(":")
    module = importlib.import_module(module_name)
    provider = getattr(module, attribute or "PROVIDER", None)
    if not isinstance(provider, Provider):
        raise DeclarationMismatch(f"{info.module} defines no provider (expected a Provider instance).")
    wrong = mismatches(info, ProviderInfo.of(provider))
    if wrong:
        raise DeclarationMismatch(f"The provider in {info.module} does not match its declaration: {'; '.join(wrong)}.")
    return provider
