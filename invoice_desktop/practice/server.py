"""A small threaded HTTP server on 127.0.0.1 that routes `/{provider}/...` to that provider's sandbox."""

from __future__ import annotations

import io
import json
import logging
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO, ClassVar
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


@dataclass
class SandboxRequest:
    """A request as a practice sandbox sees it: below its mount point, with the body read on demand."""

    method: str
    path: str  # below the provider's mount point, e.g. "/web-api/order/1/invoice"
    query: dict[str, list[str]]
    headers: Any  # email.message.Message: case-insensitive lookups
    stream: BinaryIO | io.BufferedIOBase
    content_length: int
    _body: bytes | None = None

    def header(self, name: str, default: str = "") -> str:
        value = self.headers.get(name)
        return default if value is None else str(value)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    def body(self) -> bytes:
        if self._body is None:
            self._body = self.stream.read(self.content_length) if self.content_length > 0 else b""
        return self._body

    def json(self) -> Any:
        return json.loads(self.body().decode("utf-8-sig"))

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body().decode("utf-8")).items()}

    def multipart(self, **limits: Any) -> list[Any]:
        """The multipart parts, parsed by the `multipart` library (streaming, spooled to disk past 64 KB)."""
        import multipart

        _, options = multipart.parse_options_header(self.header("Content-Type"))
        boundary = options.get("boundary", "")
        if not boundary:
            raise ValueError("no multipart boundary")
        parser = multipart.MultipartParser(self.stream, boundary, self.content_length, **limits)
        self._body = b""  # the stream is consumed
        return list(parser)


@dataclass
class SandboxResponse:
    """What a practice sandbox answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, content_type: str = "application/json") -> SandboxResponse:
        return cls(status, json.dumps(data).encode("utf-8"), {"Content-Type": f"{content_type}; charset=utf-8"})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> SandboxResponse:
        return cls(status, text.encode("utf-8"), {"Content-Type": f"{content_type}; charset=utf-8"})


class Sandbox:
    """Base of every provider sandbox. State lives on the instance; requests arrive on server threads."""

    DEMO_CREDENTIALS: ClassVar[dict[str, str]] = {}
    # One or two sentences shown in the practice banner: what to type to try things (demo ids, error triggers).
    HINT: ClassVar[str] = ""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests_seen: list[tuple[str, str]] = []

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        raise NotImplementedError

    def not_found(self, request: SandboxRequest) -> SandboxResponse:
        return SandboxResponse.json({"message": f"No such endpoint: {request.method} {request.path}"}, status=404)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("practice: " + format, *args)

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        segments = parts.path.lstrip("/").split("/", 1)
        sandbox = self.server.sandboxes.get(segments[0])
        length = int(self.headers.get("Content-Length") or 0)
        request = SandboxRequest(
            method=self.command,
            path="/" + (segments[1] if len(segments) > 1 else ""),
            query=parse_qs(parts.query),
            headers=self.headers,
            stream=self.rfile,
            content_length=length,
        )
        if sandbox is None:
            response = SandboxResponse.json({"message": "No practice sandbox here."}, status=404)
        else:
            with sandbox.lock:
                sandbox.requests_seen.append((request.method, request.path))
            try:
                response = sandbox.handle(request)
            except Exception:  # a sandbox bug must answer 500, as a real server would, not hang the client
                log.exception("practice sandbox %s failed", segments[0])
                response = SandboxResponse.json({"message": "Internal server error"}, status=500)
        # Drain what the handler did not read, so the connection stays usable.
        if request._body is None and length:
            request.body()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandboxes: dict[str, Sandbox]

    def server_bind(self) -> None:
        # HTTPServer's own looks up the host's fully qualified name, a reverse DNS query (60 ms here, seconds where
        # DNS is slow) at every start, for a name only CGI reads. The address is name enough.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def shutdown(self) -> None:
        """Stop serve_forever now, not at its next poll (up to a poll interval of idle waiting at every stop: the
        end of each CLI send to practice, every test's server)."""
        # The flag BaseServer.shutdown sets and serve_forever checks after each select(); set first, then a
        # connection wakes the select so the loop sees it at once. The connection is never accepted: server_close
        # drops it.
        self._BaseServer__shutdown_request = True
        try:
            socket.create_connection((self.server_name, self.server_port), timeout=1).close()
        except OSError:  # cannot wake it: it notices at its next poll, as before
            pass
        super().shutdown()

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError):  # the client gave up (Cancel, a timeout): normal, not a server fault
            log.debug("practice: client %s went away: %s", client_address, exc)
            return
        super().handle_error(request, client_address)


class PracticeServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _Server((host, port), _Handler)
        self._httpd.sandboxes = {}
        self._thread: threading.Thread | None = None

    @property
    def sandboxes(self) -> dict[str, Sandbox]:
        return self._httpd.sandboxes

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)  # an IPv4/IPv6 listening socket's host; bytes only for AF_UNIX
        return f"http://{host}:{port}"

    def mount(self, name: str, sandbox: Sandbox) -> None:
        self._httpd.sandboxes[name] = sandbox

    def start(self, poll_interval: float = 0.02) -> None:
        # A short poll interval, should stop() fail to wake the loop (it waits for the loop to notice).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": poll_interval},
            name="practice-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
