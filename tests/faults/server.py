"""A loopback server that plays one provider's host and misbehaves on demand.

Healthy, it hands every request to that provider's practice sandbox (the documented behaviour, errors included)
and writes the sandbox's answer back. With a fault set, it does what real servers, proxies and office networks do
(see `FAULTS`). It speaks raw HTTP/1.1 over its own sockets, so it can cut a connection half-way through an answer,
answer a byte at a time, or never answer at all, which an `http.server` handler cannot.

Every request it reads is kept in `received`, with whether the sandbox processed it: a processed request is a
receipt (the provider did the work, whatever the client then heard).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from invoice_desktop.practice.server import Sandbox, SandboxRequest, SandboxResponse

# What each fault does. "processed": the sandbox does the work before the fault strikes (the worst case for the
# client: the provider has it, the client cannot know).
FAULTS: dict[str, str] = {
    "refused": "nothing listens on the port: connection refused",
    "reset_mid_body": "processed; the answer's headers and half its body (or half its headers), then a TCP reset",
    "never_answers": "processed; the connection stays open and silent",
    "trickle": "processed; the answer one byte at a time, a byte every 50 ms",
    "busy_429": "not processed; 429 with Retry-After: 0, every time",
    "error_500": "not processed; 500 with a plain-text body",
    "unavailable_503": "not processed; 503 with a plain-text body, no Retry-After",
    "html_200": "processed; 200 with a captive-portal HTML page",
    "html_502": "not processed; a proxy's 502 HTML page",
    "malformed_200": "processed; 200 with a broken body in the format asked for (JSON or XML)",
    "tls_untrusted": "TLS with a certificate from a CA this computer does not trust",
    # Not in the matrix; for the transport's own tests.
    "cut_in_headers": "processed; the status line and half the headers, then the connection closes",
}

CAPTIVE_PORTAL = (
    b"<!DOCTYPE html><html><head><title>Guest Wi-Fi</title></head><body><h1>Welcome</h1>"
    b"<p>Please accept the terms of use to continue.</p></body></html>"
)
PROXY_502 = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
    b"<p>The proxy server received an invalid response from an upstream server.</p></body></html>"
)


@dataclass
class Received:
    method: str
    path: str
    processed: bool


class FaultServer:
    def __init__(
        self,
        sandbox: Sandbox,
        *,
        tls: ssl.SSLContext | None = None,
        faulty: Callable[[SandboxRequest], bool] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.tls = tls
        # Which requests an answer fault strikes (None: all); the others are answered as the sandbox says.
        self.faulty = faulty
        self.fault: str | None = None
        self._fault_left: int | None = None
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0
        self._listen()

    # -- life --------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def set_fault(self, fault: str | None, times: int | None = None) -> None:
        """Misbehave from the next request on (None: healthy), for `times` requests or until told otherwise.
        "refused" closes the port; clearing it opens the same port again."""
        assert fault is None or fault in FAULTS, fault
        if fault == "refused" and self._listener is not None:
            self._close_listener()
        self.fault = fault
        self._fault_left = times
        if fault != "refused" and self._listener is None:
            self._listen()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = self._spawn(self._accept_loop, listener)

    def _close_listener(self) -> None:
        """Stop listening at once: a socket closed while another thread waits in accept() keeps listening until
        that accept() returns, so shut it down first and wait for the accepting thread to end."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            self._acceptor.join(timeout=5)

    def close(self) -> None:
        self._stop.set()
        self._close_listener()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self, target: Any, *args: Any) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True, name="fault-server")
        self._threads.append(thread)
        thread.start()
        return thread

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set() and self._listener is listener:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._listener is not listener:  # accepted as the port was being closed: refuse it after all
                _reset(conn)
                return
            with self._lock:
                self._connections.add(conn)
            self._spawn(self._serve, conn)

    # -- one connection ------------------------------------------------------------------------------------------

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client did not trust us: nothing was sent
            reader = conn.makefile("rb")
            while not self._stop.is_set():
                request = self._read_request(reader)
                if request is None:
                    return
                if not self._answer(conn, request):
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _read_request(reader: Any) -> SandboxRequest | None:
        line = reader.readline(65537)
        if not line.strip():
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers = http.client.parse_headers(reader)
        length = int(headers.get("Content-Length") or 0)
        body = reader.read(length) if length else b""
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(target)
        return SandboxRequest(
            method=method,
            path=parts.path or "/",
            query=parse_qs(parts.query),
            headers=headers,
            stream=io.BytesIO(body),
            content_length=length,
        )

    def _process(self, request: SandboxRequest) -> SandboxResponse:
        with self.sandbox.lock:
            self.sandbox.requests_seen.append((request.method, request.path))
        try:
            response = self.sandbox.handle(request)
        except Exception:
            response = SandboxResponse.json({"message": "Internal server error"}, status=500)
        self._note(request, processed=True)
        return response

    def _note(self, request: SandboxRequest, *, processed: bool) -> None:
        with self._lock:
            self.received.append(Received(request.method, request.path, processed))

    def _answer(self, conn: socket.socket, request: SandboxRequest) -> bool:
        """Answer one request; False when the connection is done with."""
        with self._lock:
            fault = self.fault
            if fault in ("tls_untrusted", "refused") or (self.faulty is not None and not self.faulty(request)):
                fault = None  # a connection fault (already played) or a request this fault spares
            elif fault is not None and self._fault_left is not None:
                self._fault_left -= 1
                if self._fault_left <= 0:
                    self.fault = None
        if fault is None:
            conn.sendall(_wire(self._process(request)))
            return True
        if fault in ("busy_429", "error_500", "unavailable_503", "html_502"):
            self._note(request, processed=False)
            canned = {
                "busy_429": SandboxResponse(
                    429, b"Too Many Requests", {"Retry-After": "0", "Content-Type": "text/plain"}
                ),
                "error_500": SandboxResponse(500, b"Internal Server Error", {"Content-Type": "text/plain"}),
                "unavailable_503": SandboxResponse(503, b"Service Unavailable", {"Content-Type": "text/plain"}),
                "html_502": SandboxResponse(502, PROXY_502, {"Content-Type": "text/html; charset=utf-8"}),
            }[fault]
            conn.sendall(_wire(canned))
            return True
        response = self._process(request)
        if fault == "html_200":
            conn.sendall(_wire(SandboxResponse(200, CAPTIVE_PORTAL, {"Content-Type": "text/html; charset=utf-8"})))
            return True
        if fault == "malformed_200":
            xml = "xml" in request.header("Accept").lower() or "xml" in request.header("Content-Type").lower()
            broken = (
                SandboxResponse(200, b"<Response><Message>Saved", {"Content-Type": "application/xml"})
                if xml
                else SandboxResponse(200, b'{"Success": tru', {"Content-Type": "application/json"})
            )
            conn.sendall(_wire(broken))
            return True
        wire = _wire(response)
        if fault == "cut_in_headers":
            head = wire.partition(b"\r\n\r\n")[0]
            conn.sendall(head[: len(head) // 2])
            return False
        if fault == "reset_mid_body":
            head, _, body = wire.partition(b"\r\n\r\n")
            # Half the body; an answer without a body (i.materialise's 200) is cut half-way through its headers.
            cut = head + b"\r\n\r\n" + body[: len(body) // 2] if body else head[: len(head) // 2]
            conn.sendall(cut)
            _reset(conn)
            return False
        if fault == "trickle":
            for byte in wire:
                if self._stop.wait(0.05):
                    return False
                conn.sendall(bytes([byte]))
            return True
        assert fault == "never_answers"
        conn.settimeout(0.1)
        while not self._stop.is_set():
            try:
                if not conn.recv(1024):
                    return False  # the client gave up
            except TimeoutError:
                continue
        return False


def _wire(response: SandboxResponse) -> bytes:
    reason = http.client.responses.get(response.status, "Unknown")
    head = [f"HTTP/1.1 {response.status} {reason}"]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    head.append(f"Content-Length: {len(response.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.body


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset rather than an orderly end of stream."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        conn.close()


def time_limit(seconds: float) -> Any:
    """A context manager that fails when its block takes longer than `seconds` (for deadline checks)."""

    @contextlib.contextmanager
    def limit() -> Any:
        started = time.monotonic()
        yield
        took = time.monotonic() - started
        assert took < seconds, f"took {took:.1f} s, more than {seconds} s"

    return limit()
