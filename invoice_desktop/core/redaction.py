"""Hide secrets in everything the app shows or writes: log pane, log files, history, error messages.

Redaction works by value (every secret the app knows is replaced wherever it appears, in any common encoding)
and by header name (authorization-like headers are masked whole), so a secret is hidden even where a provider
echoes it back in an unexpected place.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any, overload
from urllib.parse import quote, quote_plus

from .i18n import Msg

MASK = "•••redacted•••"

# Headers whose value is a credential whatever the provider calls it.
SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "apicode",
        "app_key",
        "customer_key",
        "cookie",
        "set-cookie",
        "x-api-key",
        "x-auth-token",
    }
)


class Redactor:
    """A thread-safe set of secret values and the means to hide them in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._needles: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            for secret in secrets:
                if not secret or len(secret) < 3:
                    continue
                escaped = json.dumps(secret)[1:-1]
                # .NET's WCF serialisers also escape "/" as "\/" (a base64 key can hold a "/").
                forms = {secret, quote(secret, safe=""), quote_plus(secret), escaped, escaped.replace("/", "\\/")}
                for form in forms:
                    if form not in self._needles:
                        self._needles.append(form)
            # Longest first so that a secret containing another is replaced whole.
            self._needles.sort(key=len, reverse=True)

    @overload
    def redact(self, text: str) -> str: ...
    @overload
    def redact(self, text: Msg) -> Msg: ...
    @overload
    def redact(self, text: str | Msg) -> str | Msg: ...
    def redact(self, text: str | Msg) -> str | Msg:
        if isinstance(text, Msg):
            # A kept sentence: its source text is ours; the values put in it may echo a secret.
            data = text.to_json()
            data["params"] = self._redact_tree(data["params"])
            return Msg.from_json(data)
        return self._redact_str(text)

    def _redact_tree(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact_str(value)
        if isinstance(value, dict):
            return {k: self._redact_tree(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._redact_tree(v) for v in value]
        return value

    def _redact_str(self, text: str) -> str:
        if not text:
            return text
        with self._lock:
            needles = list(self._needles)
        for needle in needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text

    def redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in headers.items():
            if name.lower() in SENSITIVE_HEADERS and value:
                scheme, _, rest = str(value).partition(" ")
                # Keep "Bearer"/"Basic" visible: it helps a clerk see which scheme was sent.
                out[name] = f"{scheme} {MASK}" if rest and scheme.lower() in {"bearer", "basic"} else MASK
            else:
                out[name] = self.redact(str(value))
        return out

    def __contains__(self, text: str) -> bool:
        with self._lock:
            return any(n in text for n in self._needles)
