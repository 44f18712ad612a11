"""Invoice Desktop: upload invoices to provider APIs by hand, safely."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("invoice-desktop")
except _metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"

APP_NAME = "Invoice Desktop"
APP_ID = "invoice-desktop"
