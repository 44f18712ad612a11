"""The practice sample folder: a few generated invoices (resources/samples/batch, made by
resources/make_samples.py) a new user can try a batch with, in a source tree or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def sample_folder() -> Path | None:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources" / "samples" / "batch")
    candidates.append(Path(__file__).resolve().parents[2] / "resources" / "samples" / "batch")
    for path in candidates:
        if path.is_dir() and any(path.glob("*.pdf")):
            return path
    return None


def batch_hint(provider_id: str, takes_batches: bool) -> str:
    """What the practice hint adds for a provider that takes batches: where the sample folder is."""
    folder = sample_folder() if takes_batches else None
    if folder is None:
        return ""
    from ..core.i18n import _

    return " " + _(
        "To try a batch, drop the sample folder {folder} on the window (three invoices, one with an embedded "
        'Factur-X e-invoice), or run: invoice-desktop batch {provider} "{folder}" --dry-run'
    ).format(folder=folder, provider=provider_id)
