"""The record of one HTTP exchange, already redacted: what the log pane, log file and history show."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .http import FileBody, FormBody, JsonBody, OutgoingRequest, TextBody
from .i18n import Msg
from .redaction import Redactor

# Bodies longer than this are cut in the log (answers are small; this guards against a provider's HTML page).
MAX_LOGGED_BODY = 64 * 1024


def _sha256() -> Any:
    """A SHA-256 hasher. hashlib is imported here, not with this module: it loads OpenSSL's libcrypto (~3 MiB of
    the idle window's memory), which nothing needs before the first upload."""
    import hashlib

    return hashlib.sha256()


def _file_digest(path: Any) -> str:
    digest = _sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _digest_of(content: bytes) -> str:
    digest = _sha256()
    digest.update(content)
    return str(digest.hexdigest())


def _clip(text: str) -> str:
    if len(text) <= MAX_LOGGED_BODY:
        return text
    return text[:MAX_LOGGED_BODY] + f"\n… ({len(text) - MAX_LOGGED_BODY:,} more characters not shown)"


def _bytes_as_text(content: bytes, content_type: str) -> str:
    if not content:
        return ""
    textual = any(t in content_type for t in ("json", "xml", "text", "html", "urlencoded")) or not content_type
    if textual:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return f"<{len(content):,} bytes of {content_type or 'binary data'}, sha256 {_digest_of(content)}>"


@dataclass
class Exchange:
    """One request and its answer (or failure), with every secret already hidden."""

    label: str
    method: str
    url: str
    started_at: str
    request_headers: dict[str, str]
    request_body: str = ""
    request_parts: list[dict[str, Any]] = field(default_factory=list)
    # A form-encoded body exactly as sent (redacted), for Copy as curl; `request_body` shows it readably.
    request_form: str = ""
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    duration_ms: int = 0
    error: str | None = None
    attempt_id: int | None = None
    curl: str = ""
    # The label as a kept sentence (`Msg.to_json()`) when it has values in it, so the Log pane shows it in the
    # clerk's language; `label` stays English for the log file and support.
    label_kept: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def summary(self) -> str:
        outcome = str(self.status) if self.status is not None else (self.error or "no answer")
        return f"{self.method} {self.url} → {outcome} ({self.duration_ms} ms)"

    def as_text(self) -> str:
        """A full, human-readable rendering, as the log pane and log file show it."""
        lines = [f"[{self.started_at}] {self.label or 'Request'}", f"{self.method} {self.url}"]
        lines += [f"{k}: {v}" for k, v in self.request_headers.items()]
        if self.request_parts:
            lines.append("multipart parts:")
            for part in self.request_parts:
                if part.get("filename") is not None:
                    lines.append(
                        f"  {part['name']}: file “{part['filename']}”, {part['content_type']}, {part['size']:,} bytes"
                    )
                else:
                    lines.append(f"  {part['name']}: {part.get('value', '')}")
        elif self.request_body:
            lines += ["", self.request_body]
        lines.append("")
        if self.status is not None:
            lines.append(f"← HTTP {self.status} in {self.duration_ms} ms")
            lines += [f"{k}: {v}" for k, v in self.response_headers.items()]
            if self.response_body:
                lines += ["", self.response_body]
        else:
            lines.append(f"← no answer after {self.duration_ms} ms: {self.error}")
        return "\n".join(lines)


def describe_request(request: OutgoingRequest, redactor: Redactor) -> tuple[str, list[dict[str, Any]]]:
    """The request body as the log shows it: text bodies redacted, file bytes never (size and hash instead)."""
    body = request.body
    if body is None:
        return "", []
    if isinstance(body, JsonBody | TextBody):
        return _clip(redactor.redact(body.encode().decode("utf-8"))), []
    if isinstance(body, FormBody):
        return _clip(redactor.redact(_form_as_text(body))), []
    if isinstance(body, FileBody):
        size = body.path.stat().st_size
        return (
            f"<file “{body.path.name}”, {body.content_type}, {size:,} bytes, sha256 {_file_digest(body.path)}>",
            [],
        )
    parts: list[dict[str, Any]] = []
    for part in body.parts:
        if part.is_file:
            assert part.path is not None
            parts.append(
                {
                    "name": part.name,
                    "filename": part.filename or part.path.name,
                    "content_type": part.content_type,
                    "size": part.path.stat().st_size,
                }
            )
        else:
            parts.append({"name": part.name, "value": _clip(redactor.redact(part.value or ""))})
    return "", parts


def _form_as_text(body: FormBody) -> str:
    """Plain fields as `name=value&…`; a JSON field decoded and indented below, so the clerk can read it."""
    plain = "&".join(f"{k}={v}" for k, v in body.fields.items() if k not in body.json_fields)
    lines = [plain] if plain else []
    for name in body.json_fields:
        value = body.fields.get(name)
        if value is None:
            continue
        try:
            shown = json.dumps(json.loads(value), ensure_ascii=False, indent=2)
        except ValueError:
            shown = value
        lines += [f"form field {name} (URL-encoded when sent; Copy as curl has the exact body) =", shown]
    return "\n".join(lines)


def form_on_wire(request: OutgoingRequest, redactor: Redactor) -> str:
    """A form body's exact bytes as sent, secrets hidden; "" for any other body."""
    if not isinstance(request.body, FormBody):
        return ""
    return redactor.redact(request.body.encode().decode("ascii"))


def response_text(content: bytes, content_type: str, redactor: Redactor) -> str:
    return _clip(redactor.redact(_bytes_as_text(content, content_type)))


def as_curl(exchange: Exchange) -> str:
    """A `curl` command that repeats the request, secrets still hidden (the clerk fills them in)."""
    args = ["curl", "-X", exchange.method, exchange.url]
    for name, value in exchange.request_headers.items():
        if exchange.request_parts and name.lower() == "content-type":
            continue  # curl writes its own boundary
        args += ["-H", f"{name}: {value}"]
    for part in exchange.request_parts:
        if part.get("filename") is not None:
            args += ["-F", f'{part["name"]}=@"{part["filename"]}";type={part["content_type"]}']
        else:
            args += ["-F", f"{part['name']}={part.get('value', '')}"]
    if exchange.request_form:
        args += ["--data-binary", exchange.request_form]
    elif not exchange.request_parts and exchange.request_body:
        if exchange.request_body.startswith("<file “"):
            name = exchange.request_body[len("<file “") :].split("”", 1)[0]
            args += ["--data-binary", f"@{name}"]
        else:
            args += ["--data-binary", exchange.request_body]
    import shlex  # here: the window imports this module at start (the Log), the curl command is rarely asked for

    return " ".join(shlex.quote(a) for a in args)


def exchange_json(exchange: Exchange) -> str:
    return json.dumps(exchange.to_dict(), ensure_ascii=False)


def english(text: str | Msg) -> str:
    """A label or sentence in its source language (English), as the log file keeps it."""
    if not isinstance(text, Msg):
        return text
    source = text.plural if text.plural is not None and text.n != 1 else text.msgid
    params = {key: english(value) if isinstance(value, Msg) else value for key, value in text.params.items()}
    return source.format(**params)
