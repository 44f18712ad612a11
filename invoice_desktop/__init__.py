"""Invoice Desktop: upload invoices to provider APIs by hand, safely."""

from __future__ import annotations

import os

APP_NAME = "Invoice Desktop"
APP_ID = "invoice-desktop"

# pydantic looks for its plug-ins through every installed distribution's entry points when the first model class is
# built (40–120 ms on our machine, on the UI thread at start-up); the app uses none. Set here, before any provider
# module defines a model.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")


def __getattr__(name: str) -> str:
    """`__version__` is read from the installed metadata only when asked for: reading it costs 20–40 ms of
    importlib.metadata, which every start and every CLI command paid at import before."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import metadata

    try:
        version = metadata.version("invoice-desktop")
    except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
        version = "0.1.0"
    globals()["__version__"] = version
    return version
