"""Storing what the clerk typed in Credentials…, and forgetting what it makes stale.

A credential the app obtained itself (PayFabric's access token) was obtained *with* other credentials (its
integration key and password). When those change, the obtained one no longer stands for what the clerk entered:
kept, it would keep uploads working with the old key while the clerk believes the new one is in use. So it is
forgotten, and obtained again with the new credentials at the next upload.
"""

from __future__ import annotations

from collections.abc import Mapping

from .credentials import CredentialStore
from .provider import Provider


def store_typed_credentials(
    store: CredentialStore, provider: Provider, environment: str, values: Mapping[str, str]
) -> list[str]:
    """Store `values`; forget the obtained credentials they make stale. Returns the names forgotten."""
    before = store.get_all(provider.id, environment, list(values))
    changed = {name for name, value in values.items() if (before.get(name) or "") != (value or "")}
    stale = [name for name in provider.obtained_with(changed) if name not in values]
    # Forget first: if storing the new values fails half way, no old token is left standing for them.
    for name in stale:
        store.delete(provider.id, environment, name)
    store.set_many(provider.id, environment, values)
    return stale
