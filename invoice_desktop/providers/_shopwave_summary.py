"""How a Shopwave run is summed up for the clerk: all saved, stopped early (and what was saved before that), one
invoice's own outcome, or several counted (saved, not saved, may have been saved) beside each one's result."""

from __future__ import annotations

from typing import Any

from ..core.i18n import Msg
from ..core.results import ItemResult, Outcome, UploadResult
from ..core.stored_text import Text
from ._shopwave_items import InvoiceResults


def summary(
    results: InvoiceResults, stopped: tuple[Outcome, Text, Text] | None, last_status: int | None
) -> UploadResult:
    """The run's result: its title and next step over every invoice's own. `stopped`: why the run stopped early
    (outcome, title, what to do next), if it did; `last_status`: the last answer's HTTP status."""
    n = len(results.invoices)
    saved = [r for r in results.items.values() if r.outcome is Outcome.SUCCEEDED]
    items = [results.items[i] for i in range(n)]
    error = results.first_error
    common: dict[str, Any] = {
        "http_status": last_status,
        "items": items,
        "provider_code": str(error.code) if error and error.code is not None else None,
        "provider_message": (error.text or None) if error else None,
        "data": {
            "created": [r.data.get("id") for r in saved if r.data.get("action") == "created"],
            "updated": [r.data.get("id") for r in saved if r.data.get("action") == "updated"],
        },
    }
    if len(saved) == n:
        return _all_saved(n, common)
    if stopped is not None:
        outcome, title, step = stopped
        if saved:
            before = Msg.plural_of(
                "{saved} of {n} invoice was saved before that; Retry sends only the others.",
                "{saved} of {n} invoices were saved before that; Retry sends only the others.",
                n,
                saved=len(saved),
            )
            step = Msg("{step} {before}", step=step, before=before) if step else before
        return UploadResult(outcome, title, step, **common)
    if n == 1:
        only = items[0]
        if only.outcome is Outcome.REJECTED and error is not None:
            text, step = error.sentence()
            return UploadResult(only.outcome, text, step, **common)
        return UploadResult(only.outcome, only.message, "", **common)
    return _mixed(n, items, bool(saved), common)


def _all_saved(n: int, common: dict[str, Any]) -> UploadResult:
    # A token renewed on the way is not the clerk's concern: the log shows it.
    common.update(provider_code=None, provider_message=None)
    created, updated = common["data"]["created"], common["data"]["updated"]
    if created and updated:
        counts: Text = Msg("{created} created, {updated} updated.", created=len(created), updated=len(updated))
    elif created:
        counts = Msg("{created} created.", created=len(created))
    elif updated:
        counts = Msg("{updated} updated.", updated=len(updated))
    else:
        counts = ""
    title = (
        Msg("Shopwave saved the invoice.")
        if n == 1
        else Msg.plural_of("Shopwave saved all {n} invoice.", "Shopwave saved all {n} invoices.", n)
    )
    return UploadResult(Outcome.SUCCEEDED, title, counts, **common)


def _mixed(n: int, items: list[ItemResult], any_saved: bool, common: dict[str, Any]) -> UploadResult:
    """Several invoices, not all saved, and no reason that stopped the run: counted, each with its own result."""
    detail = (
        Msg(
            "See each invoice below for why. The saved ones must not be sent again: Retry sends only the others, or "
            "remove the saved ones before sending a corrected list."
        )
        if any_saved
        else Msg("See each invoice below for why.")
    )
    if any(r.data.get("uncertain") for r in items):
        detail = Msg(
            "{detail} Check in Shopwave whether the ones whose answer was lost were saved before sending them again.",
            detail=detail,
        )
    outcomes = {r.outcome for r in items}
    outcome = next((o for o in (Outcome.UNCERTAIN, Outcome.REJECTED) if o in outcomes), Outcome.FAILED)
    return UploadResult(outcome, _count_title(n, items), detail, **common)


def _count_title(n: int, items: list[ItemResult]) -> Msg:
    """How many were saved, not saved, and unknown: an invoice whose answer was lost (a crash, a proxy's error page)
    may well be in Shopwave, so it is never counted as "not saved"."""
    saved = sum(1 for r in items if r.outcome is Outcome.SUCCEEDED)
    unsure = sum(1 for r in items if r.outcome is not Outcome.SUCCEEDED and r.data.get("uncertain"))
    not_saved = n - saved - unsure
    if saved:
        head = Msg.plural_of(
            "Shopwave saved {saved} of {n} invoice", "Shopwave saved {saved} of {n} invoices", n, saved=saved
        )
    elif not unsure:
        head = Msg.plural_of("Shopwave saved none of the {n} invoice", "Shopwave saved none of the {n} invoices", n)
    else:
        head = Msg.plural_of(
            "Shopwave confirmed none of the {n} invoice", "Shopwave confirmed none of the {n} invoices", n
        )
    title = head
    if not_saved:
        # Translators: a list of clauses about the invoices sent, separated by a semicolon.
        title = Msg(
            "{clauses}; {clause}",
            clauses=title,
            clause=Msg.plural_of("{n} was not saved", "{n} were not saved", not_saved),
        )
    if unsure:
        title = Msg(
            "{clauses}; {clause}",
            clauses=title,
            clause=Msg.plural_of(
                "{n} may have been saved (its answer was lost)",
                "{n} may have been saved (their answer was lost)",
                unsure,
            ),
        )
    # Translators: the end of a sentence made of clauses.
    return Msg("{clauses}.", clauses=title)
