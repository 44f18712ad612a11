"""A loopback HTTP server that records every request exactly as it arrived (method, path, headers, raw body) and
answers each with a canned answer chosen by the end of its path: the documented example answers, replayed."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str | None = None

    @classmethod
    def text(cls, status: int, text: str, content_type: str) -> Answer:
        return cls(status, text.encode("utf-8"), content_type)


@dataclass
class Captured:
    method: str
    path: str
    query: str
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else str(value)

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode("ascii"), keep_blank_values=True, strict_parsing=True)

    def parts(self) -> list[Part]:
        """The multipart parts, read by the `multipart` library (as the practice sandboxes read them)."""
        import multipart

        _, options = multipart.parse_options_header(self.header("Content-Type") or "")
        parser = multipart.MultipartParser(io.BytesIO(self.body), options["boundary"], len(self.body))
        out = []
        for part in parser:
            out.append(Part(part.name, part.filename, part.content_type, part.raw))
            part.close()
        return out


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class CaptureServer:
    # (path suffix, answer): the first whose suffix ends the request's path answers it; else 404.
    routes: list[tuple[str, Answer]] = field(default_factory=list)
    requests: list[Captured] = field(default_factory=list)
    url: str = ""

    def answer_for(self, path: str) -> Answer:
        for suffix, answer in self.routes:
            if path.endswith(suffix):
                return answer
        return Answer(404, b"no route in the contract test", "text/plain")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        capture = self.server.capture
        capture.requests.append(Captured(self.command, parts.path, parts.query, self.headers, body))
        answer = capture.answer_for(parts.path)
        self.send_response(answer.status)
        if answer.content_type:
            self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    capture: CaptureServer


@contextmanager
def capture_server(routes: list[tuple[str, Answer]]) -> Iterator[CaptureServer]:
    """A server on 127.0.0.1 and an ephemeral port (several suites run on this machine at once)."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.capture = CaptureServer(list(routes))
    host, port = httpd.server_address[:2]
    httpd.capture.url = f"http://{host}:{port}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield httpd.capture
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
