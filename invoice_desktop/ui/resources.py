"""Finds the app's resource files in a source tree, an installed package or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path | None:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for path in candidates:
        if path.is_dir():
            return path
    return None


def icon_path() -> Path | None:
    base = resource_dir()
    if base is None:
        return None
    for name in ("icon.png", "icons/icon.png", "invoice-desktop.png"):
        if (base / name).is_file():
            return base / name
    return None
