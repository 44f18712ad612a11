"""Before a send: has anyone already uploaded this? Read from the history, whichever engine keeps it.

Providers' `warnings(form, history, environment)` read the history only through `HistoryLookup`, the small interface
both engines implement (this computer's SQLite file and the office's PostgreSQL server): a success by any clerk to
the same provider, environment and target is found by index and named with who and when. The same file (its
SHA-256) sent for another target is checked here, once for every provider.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from .i18n import _

if TYPE_CHECKING:
    from .history import Attempt


class HistoryLookup(Protocol):
    """What the checks before a send read from the history (core/history.py, core/history_pg.py)."""

    @property
    def clerk(self) -> str:
        """This app's clerk, "OS user@computer"."""
        ...

    def with_target(self, provider: str, environment: str, target: str, state: str | None = None) -> list[Attempt]:
        """Attempts by anyone sent to `target` (as the provider declares it), newest first."""
        ...

    def succeeded_with(self, provider: str, environment: str, key: str, value: str) -> list[Attempt]:
        """Successes by anyone whose form had `key` == `value` (the attempt's target), newest first."""
        ...

    def succeeded_with_file(
        self, provider: str, environment: str, sha256: str, *, except_targets: Iterable[str] = ()
    ) -> list[Attempt]:
        """Successes by anyone that sent a file with this SHA-256, newest first, but for `except_targets`."""
        ...


def when(attempt: Attempt) -> str:
    """When the attempt was made, in this computer's time zone (a colleague's may differ)."""
    try:
        moment = datetime.fromisoformat(attempt.created_at).astimezone()
    except ValueError:
        return attempt.created_at
    from .local_format import format_date

    return f"{format_date(moment.date())} {moment:%H:%M}"  # the date as the clerk's region writes it


def who_and_when(attempt: Attempt) -> str:
    """ "by anna@FRONTDESK-2 on 02/12/2026 14:03 (attempt 12)": the words a warning names an earlier attempt with."""
    if attempt.clerk:
        return _("by {clerk} on {when} (attempt {attempt})").format(
            clerk=attempt.clerk, when=when(attempt), attempt=attempt.id
        )
    # Made before clerks were recorded.
    return _("with this app on {when} (attempt {attempt})").format(when=when(attempt), attempt=attempt.id)


def may_have_arrived_warnings(
    history: HistoryLookup,
    provider: str,
    provider_name: str,
    environment: str,
    targets: Iterable[str],
    *,
    except_attempt: int | None = None,
) -> list[str]:
    """The last upload to a target, by anyone, may have arrived (its sender's app stopped while sending, or no
    answer came back): say so, with who and when, before it is sent again. A Retry of that very attempt asks its
    own question instead (`except_attempt`)."""
    from . import history as hist

    out: list[str] = []
    for target in dict.fromkeys(str(t) for t in targets):
        attempts = [a for a in history.with_target(provider, environment, target) if a.state != hist.FAILED]
        last = attempts[0] if attempts else None
        if last is None or last.id == except_attempt or not _may_have_arrived(last):
            continue
        out.append(
            _(
                "The last upload to “{target}”, {who_and_when}, may have arrived: {summary} Check in {provider} "
                "whether it arrived before sending it again."
            ).format(
                target=target,
                who_and_when=who_and_when(last),
                summary=str(last.summary).rstrip(".") + ".",
                provider=provider_name,
            )
        )
    return out


def _may_have_arrived(attempt: Attempt) -> bool:
    from . import history as hist

    if attempt.state in (hist.UNCERTAIN, hist.INTERRUPTED):
        return True
    return attempt.state == hist.CANCELLED and bool(attempt.result.get("data", {}).get("may_have_arrived"))


def same_file_warnings(
    history: HistoryLookup, provider: str, environment: str, sha256: str | None, targets: Iterable[str]
) -> list[str]:
    """The same file already uploaded by anyone for another target (an order, an invoice id): perhaps the wrong
    file, or the wrong target typed. A success to the same target is the provider's own warning."""
    if not sha256:
        return []
    for earlier in history.succeeded_with_file(provider, environment, sha256, except_targets=targets):
        what = str(earlier.options.get("description") or "") or earlier.file_name or ""
        return [
            _(
                "This same file was already uploaded {who_and_when}, for {what}. Check that it is the invoice meant "
                "for this upload before sending it."
            ).format(who_and_when=who_and_when(earlier), what=what)
        ]
    return []
