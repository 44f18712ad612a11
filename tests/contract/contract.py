"""What a provider's contract declares: its documented sample requests (and how to send the equivalent through the
app), its documented example answers (and the outcome each must yield), and where the samples come from."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invoice_desktop.core.results import Outcome

from .capture import Answer, Captured

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(provider_id: str, name: str) -> str:
    """A documented sample, kept as a data file, exactly as the vendor's page shows it."""
    return (SAMPLES / provider_id / name).read_text(encoding="utf-8")


def sample_json(provider_id: str, name: str) -> Any:
    return json.loads(sample(provider_id, name))


@dataclass(frozen=True)
class Send:
    """One send as a clerk makes it, to the capture server (the base URL override) in the given environment."""

    form: Any
    credentials: dict[str, str]
    file: tuple[str, bytes] | None = None
    file_url: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    environment: str = "sandbox"
    # Appended to the capture server's address to make the base URL (e.g. PayFabric's "/receivables/sync/api").
    base_path: str = ""


@dataclass(frozen=True)
class RequestSample:
    """A documented request: the app builds it from equivalent form data, and `check` compares what arrived."""

    name: str
    send: Send
    routes: list[tuple[str, Answer]]
    check: Callable[[list[Captured]], None]


@dataclass(frozen=True)
class AnswerSample:
    """A documented example answer, replayed through the provider's reader: the outcome the docs give it."""

    name: str
    send: Send
    routes: list[tuple[str, Answer]]
    outcome: Outcome
    provider_code: str | None = None
    # Words the clerk must see in the title or detail (e.g. the vendor's message).
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contract:
    provider_id: str
    # The seed page the samples come from (shared/seeds/...), and how each sample file is found in it verbatim:
    # {sample file name: a function from the seed's text to the text the file must appear in (its markup read)}.
    seed: str | None
    verbatim: dict[str, Callable[[str], str]]
    requests: list[RequestSample]
    answers: list[AnswerSample]
    # Documented requests the app cannot express, with the reason (shown when the test runs).
    not_expressible: dict[str, str] = field(default_factory=dict)


def as_is(seed: str) -> str:
    return seed
