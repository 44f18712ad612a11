"""Provider modules. Each module defines one `Provider` subclass and exposes an instance as `PROVIDER`.

Discovery is by module listing, so adding a provider means adding a module here (and its practice sandbox):
no registry to edit, no UI code to touch.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..core.provider import Provider


@cache
def all_providers() -> tuple[Provider, ...]:
    found: list[Provider] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        provider = getattr(module, "PROVIDER", None)
        if isinstance(provider, Provider):
            found.append(provider)
    return tuple(sorted(found, key=lambda p: (p.order, p.name)))


def get_provider(provider_id: str) -> Provider:
    for provider in all_providers():
        if provider.id == provider_id:
            return provider
    known = ", ".join(p.id for p in all_providers())
    raise KeyError(f"Unknown provider “{provider_id}”. Known providers: {known}.")
