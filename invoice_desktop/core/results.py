"""One result type for every provider: what happened, in a sentence a clerk understands."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from .i18n import Msg, from_stored, to_stored
from .stored_text import Text


class Outcome(StrEnum):
    """The outcome classes the clerk is told (README, "Safety rules")."""

    SUCCEEDED = "succeeded"  # the provider's answer says it took it
    REJECTED = "rejected"  # the provider answered and said no: nothing was stored
    FAILED = "failed"  # it did not arrive, or was turned away unprocessed: nothing was stored, try again
    # The request left but no usable answer came back (connection cut, no answer in time, a page the app cannot
    # read): it may or may not have arrived. Never success; sending it again asks first, unless the provider
    # makes that safe (create-or-update by id) or the app can read the outcome back.
    UNCERTAIN = "uncertain"
    CANCELLED = "cancelled"


@dataclass
class ItemResult:
    """One object's outcome inside a batch (Shopwave posts many invoices at once)."""

    label: str
    outcome: Outcome
    message: Text
    provider_code: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class UploadResult:
    """What became of an upload, as the clerk reads it: the outcome, in plain sentences, with the provider's own
    words beside them."""

    outcome: Outcome
    # One plain sentence: "The invoice was attached to order 1234." / "The order was already shipped…"
    # A `Msg` (translated when shown, stored as code + parameters) or, from older records, plain English.
    title: Text
    # What to do next, when there is something to do.
    detail: Text = ""
    provider_code: str | None = None
    provider_message: str | None = None
    http_status: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # (label, url) pairs the UI shows as links, e.g. the uploaded file's URL.
    links: list[tuple[Text, str]] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    attempt_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCEEDED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with each kept sentence as code + parameters (`i18n.to_stored`), not frozen in a language."""
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["title"], data["detail"] = to_stored(self.title), to_stored(self.detail)
        data["items"] = [{**asdict(i), "outcome": i.outcome.value, "message": to_stored(i.message)} for i in self.items]
        data["links"] = [{"label": to_stored(label), "url": url} for label, url in self.links]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UploadResult:
        return cls(
            outcome=Outcome(data["outcome"]),
            title=from_stored(data.get("title", "")),
            detail=from_stored(data.get("detail", "")),
            provider_code=data.get("provider_code"),
            provider_message=data.get("provider_message"),
            http_status=data.get("http_status"),
            data=data.get("data", {}),
            links=[(from_stored(link["label"]), link["url"]) for link in data.get("links", [])],
            items=[
                ItemResult(
                    i["label"],
                    Outcome(i["outcome"]),
                    from_stored(i["message"]),
                    i.get("provider_code"),
                    i.get("data", {}),
                )
                for i in data.get("items", [])
            ],
            attempt_id=data.get("attempt_id"),
        )


def unexpected_answer(status: int, what: Text = "") -> UploadResult:
    """The server answered something this app cannot read (an HTML page from a proxy or captive portal, broken
    JSON or XML, an empty body where one was due). After a 2xx or a 5xx it may have stored the upload: uncertain,
    never success. A 3xx or 4xx is a refusal of the request by whatever answered: nothing was stored."""
    uncertain = 200 <= status < 300 or status >= 500
    if uncertain:
        title = Msg("The answer could not be read: the upload may or may not have arrived.")
        detail = (
            Msg("{what} It may or may not have stored the upload: check before sending it again.", what=what)
            if what
            else Msg(
                "HTTP {status}. The full answer is in the log; if it persists, contact the provider. It may or may "
                "not have stored the upload: check before sending it again.",
                status=status,
            )
        )
    else:
        title = Msg("The server answered something unexpected.")
        detail = (
            Msg("{what} Nothing was stored: check the address (base URL) and try again.", what=what)
            if what
            else Msg(
                "HTTP {status}. The full answer is in the log; if it persists, contact the provider. Nothing was "
                "stored: check the address (base URL) and try again.",
                status=status,
            )
        )
    return UploadResult(
        outcome=Outcome.UNCERTAIN if uncertain else Outcome.FAILED, title=title, detail=detail, http_status=status
    )


def uncertain_answer(status: int, what: Text, where_to_check: Text) -> UploadResult:
    """A 2xx (or 5xx) whose body cannot be read: the request may have done its work. `what`: what may have
    happened ("the invoice may or may not be attached to order 1001"); `where_to_check`: what to do next."""
    return UploadResult(
        Outcome.UNCERTAIN,
        # Translators: {what} is a clause such as "the invoice may or may not be attached to order 1001".
        Msg("The answer could not be read: {what}.", what=what),
        Msg(
            "{where_to_check} (HTTP {status}: the answer, perhaps a page from a proxy or a Wi-Fi login, is in the "
            "log.)",
            where_to_check=where_to_check,
            status=status,
        ),
        http_status=status,
    )


def busy_result(provider_name: str, busy: Any) -> UploadResult:
    """HTTP 429 after the automatic retries: the provider turned the request away unprocessed. Not a refusal of
    the form (nothing in it is wrong) and nothing was stored: try again later. `busy` is a `ProviderBusy`."""
    wait = busy.retry_after_s
    if wait:
        seconds = f"{wait:g}"
        detail = Msg(
            "It turned the request away unprocessed (HTTP 429, too many requests) (it asked to wait {seconds} "
            "seconds), so nothing was stored. Nothing in the form needs changing: press Retry in a few minutes.",
            seconds=seconds,
        )
    else:
        detail = Msg(
            "It turned the request away unprocessed (HTTP 429, too many requests), so nothing was stored. Nothing "
            "in the form needs changing: press Retry in a few minutes."
        )
    return UploadResult(
        Outcome.FAILED,
        Msg("{provider} is busy: try again later.", provider=provider_name),
        detail,
        http_status=429,
        data={"busy": True},
    )
