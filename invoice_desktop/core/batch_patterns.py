"""The file-name pattern a clerk sets once per provider for its batches, remembered in the data folder."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .i18n import N_

log = logging.getLogger("invoice_desktop.batch")


def _patterns_file() -> Path:
    from .paths import data_dir

    return data_dir() / "batch_patterns.json"


def remembered_pattern(provider_id: str) -> str | None:
    """The file-name pattern the clerk last used for this provider's batches (None: none)."""
    try:
        kept = json.loads(_patterns_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = kept.get(provider_id) if isinstance(kept, dict) else None
    return found if isinstance(found, str) and found else None


def remember_pattern(provider_id: str, pattern: str) -> None:
    """Keep `pattern` for the provider's next batches ("" forgets it). Never fails a batch over it."""
    if (remembered_pattern(provider_id) or "") == pattern:
        return
    path = _patterns_file()
    try:
        kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        kept = kept if isinstance(kept, dict) else {}
        if pattern:
            kept[provider_id] = pattern
        else:
            kept.pop(provider_id, None)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(kept, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except (OSError, ValueError) as exc:
        log.warning(N_("Could not remember the file-name pattern: %(error)s"), {"error": exc})
