"""One result type for every provider: what happened, in a sentence a clerk understands."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


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
    message: str
    provider_code: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class UploadResult:
    outcome: Outcome
    # One plain sentence: "The invoice was attached to order 1234." / "The order was already shipped…"
    title: str
    # What to do next, when there is something to do.
    detail: str = ""
    provider_code: str | None = None
    provider_message: str | None = None
    http_status: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # (label, url) pairs the UI shows as links, e.g. the uploaded file's URL.
    links: list[tuple[str, str]] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    attempt_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCEEDED

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.value
        data["items"] = [{**asdict(i), "outcome": i.outcome.value} for i in self.items]
        data["links"] = [{"label": label, "url": url} for label, url in self.links]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UploadResult:
        return cls(
            outcome=Outcome(data["outcome"]),
            title=data.get("title", ""),
            detail=data.get("detail", ""),
            provider_code=data.get("provider_code"),
            provider_message=data.get("provider_message"),
            http_status=data.get("http_status"),
            data=data.get("data", {}),
            links=[(link["label"], link["url"]) for link in data.get("links", [])],
            items=[
                ItemResult(i["label"], Outcome(i["outcome"]), i["message"], i.get("provider_code"), i.get("data", {}))
                for i in data.get("items", [])
            ],
            attempt_id=data.get("attempt_id"),
        )


def unexpected_answer(status: int, what: str = "") -> UploadResult:
    """The server answered something this app cannot read (an HTML page from a proxy or captive portal, broken
    JSON or XML, an empty body where one was due). After a 2xx or a 5xx it may have stored the upload: uncertain,
    never success. A 3xx or 4xx is a refusal of the request by whatever answered: nothing was stored."""
    uncertain = 200 <= status < 300 or status >= 500
    return UploadResult(
        outcome=Outcome.UNCERTAIN if uncertain else Outcome.FAILED,
        title="The answer could not be read: the upload may or may not have arrived."
        if uncertain
        else "The server answered something unexpected.",
        detail=(what or f"HTTP {status}. The full answer is in the log; if it persists, contact the provider.")
        + (
            " It may or may not have stored the upload: check before sending it again."
            if uncertain
            else " Nothing was stored: check the address (base URL) and try again."
        ),
        http_status=status,
    )


def uncertain_answer(status: int, what: str, where_to_check: str) -> UploadResult:
    """A 2xx (or 5xx) whose body cannot be read: the request may have done its work. `what`: what may have
    happened ("the invoice may or may not be attached to order 1001"); `where_to_check`: what to do next."""
    return UploadResult(
        Outcome.UNCERTAIN,
        f"The answer could not be read: {what}.",
        f"{where_to_check} (HTTP {status}: the answer, perhaps a page from a proxy or a Wi-Fi login, is in the log.)",
        http_status=status,
    )


def busy_result(provider_name: str, busy: Any) -> UploadResult:
    """HTTP 429 after the automatic retries: the provider turned the request away unprocessed. Not a refusal of
    the form (nothing in it is wrong) and nothing was stored: try again later. `busy` is a `ProviderBusy`."""
    wait = busy.retry_after_s
    when = f" (it asked to wait {wait:g} seconds)" if wait else ""
    return UploadResult(
        Outcome.FAILED,
        f"{provider_name} is busy: try again later.",
        f"It turned the request away unprocessed (HTTP 429, too many requests){when}, so nothing was stored. "
        "Nothing in the form needs changing: press Retry in a few minutes.",
        http_status=429,
        data={"busy": True},
    )
