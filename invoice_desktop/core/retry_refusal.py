"""Before a Retry of a refusal: the provider's reason, to be confirmed by the clerk.

A refusal (a shipped order, an unknown customer) is the provider's answer about the data, not a failure on the
way: sent again unchanged, it is most likely refused again, and for some APIs a second send has effects of its
own. So the window asks first and the CLI wants `--yes`, both quoting what the provider said.
"""

from __future__ import annotations

from . import history as hist
from .i18n import _, from_stored
from .registry import ProviderRegistry


def refusal_to_confirm(history: hist.History, providers: ProviderRegistry, attempt_id: int) -> str | None:
    """The sentence to confirm before retrying `attempt_id`, or None when it was not refused by the provider."""
    attempt = history.get(history.latest_retry(attempt_id)) if history.get(attempt_id) else None
    if attempt is None or attempt.state != hist.REJECTED:
        return None
    provider = providers.load(attempt.provider)
    name = provider.name
    title = str(from_stored(attempt.result.get("title")) or attempt.summary or "").strip().rstrip(".")
    said = " ".join(p for p in (attempt.provider_code, attempt.provider_message) if p)
    if said:
        # Translators: {reason} is our sentence about the refusal; {said} is the provider's own code and words.
        reason = _("{reason} ({provider} said: “{said}”)").format(reason=title, provider=name, said=said)
    else:
        reason = title or _("no reason given")
    if provider.refused_credentials(attempt.result.get("http_status"), attempt.provider_code, attempt.provider_message):
        # The sign-in was refused, not the invoice: new credentials are what makes the retry go through.
        return _(
            "{provider} refused attempt {attempt}: {reason}. It refused the credentials, not the invoice: enter them "
            "again for this environment, or sign in again (Credentials…, or `invoice-desktop credentials set` or "
            "`login`), then retry. With the same credentials it will be refused again."
        ).format(provider=name, attempt=attempt.id, reason=reason)
    return _(
        "{provider} refused attempt {attempt}: {reason}. Sent again unchanged, it will most likely be refused again "
        "for the same reason."
    ).format(provider=name, attempt=attempt.id, reason=reason)
