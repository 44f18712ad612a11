"""Before a Retry of a refusal: the provider's reason, to be confirmed by the clerk.

A refusal (a shipped order, an unknown customer) is the provider's answer about the data, not a failure on the
way: sent again unchanged, it is most likely refused again, and for some APIs a second send has effects of its
own. So the window asks first and the CLI wants `--yes`, both quoting what the provider said.
"""

from __future__ import annotations

from . import history as hist
from .registry import ProviderRegistry


def refusal_to_confirm(history: hist.History, providers: ProviderRegistry, attempt_id: int) -> str | None:
    """The sentence to confirm before retrying `attempt_id`, or None when it was not refused by the provider."""
    attempt = history.get(history.latest_retry(attempt_id)) if history.get(attempt_id) else None
    if attempt is None or attempt.state != hist.REJECTED:
        return None
    name = providers.load(attempt.provider).name
    title = str(attempt.result.get("title") or attempt.summary or "").strip().rstrip(".")
    said = " ".join(p for p in (attempt.provider_code, attempt.provider_message) if p)
    reason = f"{title} ({name} said: “{said}”)" if said else title or "no reason given"
    return (
        f"{name} refused attempt {attempt.id}: {reason}. Sent again unchanged, it will most likely be refused "
        "again for the same reason."
    )
