"""What a provider asks the transport to send: a request described as data, with a body that can be opened
afresh for every attempt (a streaming encoder is single-use)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import Msg


@dataclass(frozen=True)
class Part:
    """One multipart part: either a text value or a file streamed from disk."""

    name: str
    value: str | None = None
    path: Path | None = None
    filename: str | None = None
    content_type: str = "text/plain; charset=utf-8"

    @property
    def is_file(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class JsonBody:
    """A JSON request body."""

    data: Any
    content_type: str = "application/json"

    def encode(self) -> bytes:
        return json.dumps(self.data, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class TextBody:
    """A plain-text (or XML) request body."""

    text: str
    content_type: str = "text/plain; charset=utf-8"

    def encode(self) -> bytes:
        return self.text.encode("utf-8")


@dataclass(frozen=True)
class FormBody:
    """application/x-www-form-urlencoded fields."""

    fields: Mapping[str, str]
    # Fields whose value is a JSON document (Shopwave's `postBody`): the log shows them decoded and indented,
    # while the wire (and Copy as curl) carries them URL-encoded.
    json_fields: tuple[str, ...] = ()
    content_type: str = "application/x-www-form-urlencoded"

    def encode(self) -> bytes:
        from urllib.parse import urlencode

        # quote_plus of the UTF-8 bytes, as browsers and every form parser expect.
        return urlencode(dict(self.fields)).encode("ascii")


@dataclass(frozen=True)
class MultipartBody:
    """A multipart/form-data request body, streamed from its parts."""

    parts: tuple[Part, ...]


@dataclass(frozen=True)
class FileBody:
    """A file's raw bytes as the whole body, streamed."""

    path: Path
    content_type: str = "application/octet-stream"


Body = JsonBody | TextBody | FormBody | MultipartBody | FileBody


@dataclass(frozen=True)
class OutgoingRequest:
    """One HTTP request a provider module asks the transport to send."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] | None = None
    body: Body | None = None
    # What this request is, in the log: "Upload invoice", "Step 1: invoice data", "Get token"... A marked constant
    # (`N_`), or a `Msg` when it holds values; the Log pane translates it, the log file keeps English.
    label: str | Msg = ""
    # True when sending it twice does no harm (create-or-overwrite by id, reads). Only such requests may be
    # resent after a failure that may have reached the server.
    idempotent: bool = False
    # Keys in a JSON answer whose values are secrets the app learns only from that answer (a customer key, a
    # token): they are hidden in the log and history from that answer on, the answer itself included.
    secret_answer_fields: tuple[str, ...] = ()


@dataclass
class Response:
    """A provider's answer, read whole (answers are small; uploads are what we stream)."""

    status: int
    headers: dict[str, str]
    content: bytes
    url: str = ""
    elapsed_ms: int = 0

    @property
    def content_type(self) -> str:
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content.decode("utf-8-sig"))

    def json_or_none(self) -> Any:
        """The body as JSON, or None when it is empty or not JSON (an HTML error page, say)."""
        if not self.content.strip():
            return None
        try:
            return self.json()
        except (ValueError, UnicodeDecodeError):
            return None

    def header(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300
