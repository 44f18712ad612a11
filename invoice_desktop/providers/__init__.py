"""The providers: declared here as data, each implemented by one module of this package.

Each provider module defines one `Provider` subclass and exposes an instance as `PROVIDER`. What the window and the
CLI need before a provider is used (its name, order, what it accepts) is declared below as a `ProviderInfo`, so
listing providers imports none of their modules (nor pydantic). A test checks that each declaration matches its
module, and that every provider module of this package is declared.

Adding a provider: add its module (and its practice sandbox) and its `ProviderInfo` below; no UI code to touch.
A module that defines `PROVIDER` but was not declared is still found by `all_providers()` (by listing this package,
as before the declarations existed), only without the fast path.

Providers from elsewhere (a plug-in, a test's fake provider) are added with `register(...)`, or by an installed
distribution through the entry-point group `invoice_desktop.providers` whose object is a `ProviderInfo` (or a
`Provider` instance):

    [project.entry-points."invoice_desktop.providers"]
    acme = "acme_invoicing.declaration:INFO"
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING

from ..core.i18n import N_
from ..core.registry import DeclarationMismatch, ProviderInfo, ProviderRegistry

if TYPE_CHECKING:
    from ..core.page_description import PageDescription
    from ..core.provider import Provider

__all__ = [
    "ENTRY_POINT_GROUP",
    "DeclarationMismatch",
    "ProviderInfo",
    "ProviderRegistry",
    "all_providers",
    "get_provider",
    "info",
    "infos",
    "page_description",
    "register",
    "registry",
    "unregister",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "invoice_desktop.providers"

BUILT_IN = (
    ProviderInfo(
        id="imaterialise",
        name="i.materialise",
        module=f"{__name__}.imaterialise",
        order=10,
        summary=N_("Attach the invoice document to an i.materialise order."),
        attachment_mode="optional",  # a document URL may take its place
        extensions=(".pdf", ".doc", ".docx", ".xls", ".xlsx"),
        accepts_file_url=True,
    ),
    ProviderInfo(
        id="skypostal",
        name="SkyPostal API-BOX",
        module=f"{__name__}.skypostal",
        order=20,
        summary=N_("Attach a commercial invoice to a SkyPostal parcel by its tracking number."),
        attachment_mode="required",
        extensions=(".pdf", ".jpeg", ".png", ".txt", ".jpg"),
    ),
    ProviderInfo(
        id="payfabric",
        name="PayFabric Receivables",
        module=f"{__name__}.payfabric",
        order=30,
        summary=N_("Create or replace an invoice, with its lines and an optional PDF, in a customer portal."),
        attachment_mode="optional",
        extensions=(".pdf",),
    ),
    ProviderInfo(
        id="shopwave",
        name="Shopwave",
        module=f"{__name__}.shopwave",
        order=40,
        summary=N_("Record supplier invoices with their lines in a Shopwave (MerchantStack) store."),
        attachment_mode="none",
        action_label=N_("Send invoices"),
    ),
    ProviderInfo(
        id="ddapi",
        name="DäckData DDAPI",
        module=f"{__name__}.ddapi",
        order=50,
        summary=N_("Set how a DäckData customer is invoiced (currency, terms, invoice type, e-mail, reverse VAT)."),
        attachment_mode="none",
        action_label=N_("Save settings"),
    ),
)

# Modules of this package that are parts of a provider, not providers.
HELPER_MODULES = frozenset({"payfabric_form"})

_registry = ProviderRegistry(BUILT_IN)
_plugins_lock = threading.Lock()
_plugins_loaded = False
_package_listed = False
# Generated page descriptions already read, by (provider id, module): one page per window, but tests build many.
_page_descriptions: dict[tuple[str, str], PageDescription] = {}
_pages_lock = threading.Lock()


def registry() -> ProviderRegistry:
    """The app's provider registry (built-ins, installed plug-ins and anything `register`ed)."""
    _load_entry_points()
    return _registry


def register(what: ProviderInfo | Provider, *, replace: bool = False) -> ProviderInfo:
    """Add a provider to the app: a `ProviderInfo` (its module is imported on first use) or a `Provider` instance.
    Registered before the window or the CLI starts, it shows in the window and `invoice-desktop providers`."""
    return _registry.register(what, replace=replace)


def unregister(provider_id: str) -> None:
    _registry.unregister(provider_id)


def infos() -> tuple[ProviderInfo, ...]:
    """Every provider's declaration, in display order, without importing any provider module."""
    return registry().infos()


def info(provider_id: str) -> ProviderInfo:
    return registry().info(provider_id)


def get_provider(provider_id: str) -> Provider:
    """The provider itself (imports its module on first use). KeyError names the known providers."""
    if provider_id not in _registry:
        _list_package()
    return registry().load(provider_id)


def page_description(provider_id: str, providers: ProviderRegistry | None = None) -> PageDescription:
    """What the provider's page shows (core/page_description.py). A built-in provider's comes from the generated
    invoice_desktop/providers/_pages.py: neither its module nor pydantic is imported. Any other provider (a plug-in,
    a test's) is imported and described from its live model. `providers`: the registry it is declared in (the
    app's by default)."""
    providers = providers or registry()
    module = providers.info(provider_id).module
    with _pages_lock:
        found = _page_descriptions.get((provider_id, module))
    if found is not None:
        return found
    from ..core.page_description import PageDescription
    from ._pages import PAGES

    data = PAGES.get(module)
    if data is None or data["provider"] != provider_id:
        from ..core.page_description_live import describe_page

        return describe_page(providers.load(provider_id))  # read afresh: a test may replace the provider
    found = PageDescription.from_data(data)
    with _pages_lock:
        _page_descriptions[(provider_id, module)] = found
    return found


def all_providers() -> tuple[Provider, ...]:
    """Every provider, imported. Prefer `infos()` where the declarations are enough."""
    _list_package()
    return registry().load_all()


def _list_package() -> None:
    """Find provider modules of this package that were not declared above (as discovery worked before)."""
    global _package_listed
    if _package_listed:
        return
    import pkgutil  # here, not at the top: the window and the CLI import this package at every start

    declared = {i.module for i in _registry.infos()}
    for found in pkgutil.iter_modules(__path__):
        module = f"{__name__}.{found.name}"
        if found.name.startswith("_") or found.name in HELPER_MODULES or module in declared:
            continue
        provider = getattr(importlib.import_module(module), "PROVIDER", None)
        if provider is not None and provider.id not in _registry:
            log.warning("Provider module %s is not declared in invoice_desktop.providers; declare it.", module)
            _registry.register(provider)
    _package_listed = True


def _load_entry_points() -> None:
    """Register providers that installed distributions declare under `ENTRY_POINT_GROUP`, once.

    Reading every distribution's metadata through importlib.metadata costs 40–90 ms here, most of the budget of
    `invoice-desktop providers`; so the entry_points.txt files are first looked through directly, and
    importlib.metadata is asked only when one of them names the group."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    with _plugins_lock:
        if _plugins_loaded:
            return
        _plugins_loaded = True
        if not _any_distribution_names_group():
            return
        from importlib.metadata import entry_points

        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                _registry.register(entry.load())
            except Exception:  # a broken plug-in must not stop the app: say which, keep the others
                log.exception("The provider plug-in %s (%s) could not be registered.", entry.name, entry.value)


def _any_distribution_names_group() -> bool:
    marker = f"[{ENTRY_POINT_GROUP}]"
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as fh:
                        if marker in fh.read():
                            return True
                except OSError:
                    continue
    return False
