"""Sends `OutgoingRequest`s: one requests session per worker, timeouts and a deadline, streamed bodies with
progress and Cancel, the system trust store, and a redacted `Exchange` for every request (a line is logged
as it leaves, the whole exchange when it ends)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO

from .cancel import CancelToken
from .errors import Cancelled, ProviderBusy, TransportError
from .exchange import Exchange, as_curl, describe_request, form_on_wire, response_text
from .http import FileBody, FormBody, JsonBody, MultipartBody, OutgoingRequest, Response, TextBody
from .redaction import Redactor
from .session import USER_AGENT, OpenSockets, check_url_allowed, is_loopback, make_session

__all__ = ["USER_AGENT", "CancelToken", "Progress", "Timeouts", "Transport", "check_url_allowed", "is_loopback"]

log = logging.getLogger("invoice_desktop.exchange")

Progress = Callable[[int, int], None]  # (bytes sent, bytes total)

MAX_RETRY_AFTER_S = 30.0
MAX_AUTOMATIC_RETRIES = 2


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0
    # Upper bound on one whole exchange: connecting, sending, waiting for the headers and reading the body, the
    # automatic retries of the same request included. requests has none (its read timeout restarts with every
    # byte, so a server that trickles a byte a second holds it forever): a watchdog cuts the connection.
    deadline: float = 600.0


class _StreamReader:
    """A file-like body for requests: counts bytes for progress, stops on Cancel or deadline.

    It has a length so that requests sends Content-Length rather than chunked encoding.
    """

    def __init__(self, raw: Any, total: int, on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self.len = total
        self._on_read = on_read

    def __len__(self) -> int:
        return self.len

    # urllib3 asks for 16 KB at a time; requests_toolbelt's MultipartEncoder measures its parts (tell, fstat) on
    # every read, which cost more than the sending itself (10 MB to loopback: 3.3x curl's time). Larger reads are
    # fine for http.client/urllib3, which send whatever a read returns; progress still moves every 256 KB.
    READ_SIZE = 256 * 1024

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(max(size, self.READ_SIZE))
        self._on_read(len(chunk))
        return chunk


class Transport:
    """One per worker (requests sessions are not shared between threads)."""

    def __init__(
        self,
        redactor: Redactor | None = None,
        timeouts: Timeouts | None = None,
        cancel: CancelToken | None = None,
        progress: Progress | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        attempt_id: int | None = None,
    ) -> None:
        self.redactor = redactor or Redactor()
        self.timeouts = timeouts or Timeouts()
        self.cancel = cancel or CancelToken()
        self.progress = progress
        self.on_exchange = on_exchange
        self.attempt_id = attempt_id
        self.exchanges: list[Exchange] = []
        self._session: Any = None
        self._sockets = OpenSockets()

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = make_session()
            for adapter in self._session.adapters.values():
                self._sockets.watch(adapter)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending -----------------------------------------------------------------------------------------

    def send(self, request: OutgoingRequest) -> Response:
        """Send once; retry only when it is certain the server did not get it, or it asked us to (429, or 503
        for a request that is safe to repeat), after the Retry-After it gave (capped)."""
        check_url_allowed(request.url)
        deadline = time.monotonic() + self.timeouts.deadline
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send_once(request, deadline)
            except TransportError as exc:
                pause = min(2.0 * attempt, 5.0)
                if exc.maybe_sent or not exc.transient or attempt > MAX_AUTOMATIC_RETRIES:
                    raise
                if time.monotonic() + pause >= deadline:
                    raise
                self._pause(pause)
                continue
            # 429: the server turned the request away unprocessed. 503 may come from a proxy after the service
            # did the work, so only a request that is safe to repeat is sent again after it.
            retryable = (429,) if not request.idempotent else (429, 503)
            if response.status in retryable and attempt <= MAX_AUTOMATIC_RETRIES:
                wait = self._retry_after(response)
                if wait is not None and time.monotonic() + wait < deadline:
                    self._pause(wait)
                    continue
            if response.status == 429:
                # Still busy after the retries: not an answer to the request (nothing was processed), so no reader
                # may take it for a refusal of the form. The attempt stays retryable.
                raise ProviderBusy(response, self._retry_after(response))
            return response

    def _pause(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise Cancelled()

    @staticmethod
    def _retry_after(response: Response) -> float | None:
        value = response.header("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                seconds = (when - datetime.now(when.tzinfo)).total_seconds()
            except (TypeError, ValueError):
                return None
        return max(0.0, min(seconds, MAX_RETRY_AFTER_S))

    def _send_once(self, request: OutgoingRequest, deadline: float) -> Response:
        import requests

        if self.cancel.cancelled:
            raise Cancelled()
        headers = dict(request.headers)
        data, total, closers = self._open_body(request, headers)
        started = time.monotonic()
        sent = 0
        limit = self.timeouts.deadline

        def on_read(n: int) -> None:
            nonlocal sent
            sent += n
            if self.cancel.cancelled:
                raise Cancelled("Upload cancelled before it finished.")
            if time.monotonic() > deadline:
                # Not all of the body left: the server cannot have taken a request it did not get whole.
                raise TransportError(
                    f"The upload took longer than the {limit:g}-second limit and was stopped before all of it was "
                    "sent.",
                    maybe_sent=False,
                )
            if self.progress and total:
                self.progress(min(sent, total), total)

        body: Any = data
        if data is not None and hasattr(data, "read"):
            body = _StreamReader(data, total, on_read)

        def cancelled() -> Cancelled:
            """Cancel broke the connection: was the whole request out by then?"""
            if isinstance(body, _StreamReader) and sent < total:
                return Cancelled("Upload cancelled before it finished.")
            return Cancelled("Cancelled while the provider was answering.", maybe_sent=True)

        def overdue() -> TransportError:
            """The watchdog cut the connection at the deadline: was the whole request out by then?"""
            if isinstance(body, _StreamReader) and sent < total:
                return TransportError(
                    f"The upload took longer than the {limit:g}-second limit and was stopped before all of it was "
                    "sent.",
                    maybe_sent=False,
                )
            return TransportError(
                f"The provider did not finish answering within the {limit:g}-second limit, so the app stopped "
                "waiting. It may or may not have received the request.",
                maybe_sent=True,
            )

        record = self._start_record(request, headers)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            failure = TransportError(
                f"The request could not be sent within the {limit:g}-second limit.", maybe_sent=False
            )
            failure.transient = False
            self._finish_record(record, started, error=failure.message)
            for closer in closers:
                closer()
            raise failure
        session = self.session
        # Cancel shuts the connection down, so a wait for the answer ends at once rather than at the read timeout;
        # so does the deadline's watchdog, wherever the exchange is (sending, waiting, reading a trickle).
        unwatch = self.cancel.on_cancel(self._sockets.shut_down)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            self._sockets.shut_down()

        watchdog = threading.Timer(remaining, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                try:
                    raw = session.request(
                        request.method,
                        request.url,
                        params=request.params,
                        headers=headers,
                        data=body,
                        timeout=(min(self.timeouts.connect, remaining), self.timeouts.read),
                        stream=True,
                        allow_redirects=False,
                    )
                except (requests.exceptions.RequestException, OSError):
                    if self.cancel.cancelled:
                        raise cancelled() from None
                    if expired.is_set():
                        raise overdue() from None
                    raise
            except Cancelled as exc:
                self._finish_record(
                    record,
                    started,
                    error="cancelled while waiting for the answer" if exc.maybe_sent else "cancelled by the user",
                )
                raise
            except TransportError as exc:  # the deadline passed while the body was streamed
                self._finish_record(record, started, error=exc.message)
                raise
            except requests.exceptions.ConnectTimeout:
                self._finish_record(record, started, error="connection timed out")
                raise TransportError(
                    "The provider could not be reached (connection timed out). Check the network and try again.",
                    maybe_sent=False,
                ) from None
            except requests.exceptions.SSLError as exc:
                self._finish_record(record, started, error=self.redactor.redact(f"TLS error: {exc}"))
                failure = TransportError(
                    "The secure connection failed: the server's certificate is not trusted by this computer. "
                    "Check the address; if your company inspects traffic, its certificate must be installed in "
                    "the system's trust store.",
                    maybe_sent=False,
                )
                failure.transient = False  # a certificate does not fix itself in a few seconds: no retry
                raise failure from None
            except requests.exceptions.ReadTimeout:
                self._finish_record(record, started, error="no answer within the read timeout")
                raise TransportError(
                    f"The provider did not answer within {self.timeouts.read:g} seconds. It may or may not "
                    "have received the request: check in the provider's portal before sending again.",
                    maybe_sent=True,
                ) from None
            except requests.exceptions.ConnectionError as exc:
                before_send = sent == 0 and _is_connect_failure(exc)
                self._finish_record(record, started, error=f"connection failed: {self.redactor.redact(str(exc))}")
                raise TransportError(
                    "The provider could not be reached. Check the network connection and the address "
                    "(base URL) and try again."
                    if before_send
                    else "The connection broke during the request; the provider may or may not have received it.",
                    maybe_sent=not before_send,
                ) from None
            except requests.exceptions.RequestException as exc:
                self._finish_record(record, started, error=self.redactor.redact(str(exc)))
                raise TransportError(f"The request failed: {self.redactor.redact(str(exc))}", maybe_sent=True) from None
            try:
                try:
                    content = self._read_body(raw, deadline)
                    if _cut_short(raw, content):
                        # The connection ended inside the headers, or before a body whose end cannot be told:
                        # Cancel or the deadline cut it, or the network did. Never an answer to read as such.
                        if self.cancel.cancelled:
                            raise Cancelled("Cancelled while the provider was answering.", maybe_sent=True)
                        if expired.is_set():
                            raise overdue()
                        raise TransportError(
                            "The provider's answer was broken off; it may or may not have received the request.",
                            maybe_sent=True,
                        )
                except (requests.exceptions.RequestException, OSError):
                    if expired.is_set() and not self.cancel.cancelled:
                        raise overdue() from None
                    raise
            except Cancelled:
                self._finish_record(record, started, error="cancelled while reading the answer")
                raise Cancelled("Cancelled while the provider was answering.", maybe_sent=True) from None
            except TransportError as exc:  # the deadline passed while the answer was read
                self._finish_record(record, started, error=exc.message)
                raise
            except (requests.exceptions.RequestException, OSError) as exc:
                if self.cancel.cancelled:
                    self._finish_record(record, started, error="cancelled while reading the answer")
                    raise Cancelled("Cancelled while the provider was answering.", maybe_sent=True) from None
                self._finish_record(record, started, error=self.redactor.redact(f"answer broken off: {exc}"))
                raise TransportError(
                    "The provider's answer was broken off; it may or may not have received the request.",
                    maybe_sent=True,
                ) from None
            finally:
                raw.close()
        finally:
            watchdog.cancel()
            unwatch()
            for closer in closers:
                closer()
        response = Response(
            status=raw.status_code,
            headers=dict(raw.headers),
            content=content,
            url=raw.url,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
        if request.secret_answer_fields:
            self._learn_answer_secrets(content, request.secret_answer_fields)
        self._finish_record(record, started, response=response)
        return response

    def _learn_answer_secrets(self, content: bytes, names: tuple[str, ...]) -> None:
        """Add the values of `names`, wherever they sit in a JSON answer, to the secrets hidden from now on."""
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except ValueError:
            return
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in names and isinstance(value, str | int) and not isinstance(value, bool):
                        self.redactor.add(str(value))
                    else:
                        stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)

    def _read_body(self, raw: Any, deadline: float) -> bytes:
        chunks: list[bytes] = []
        for chunk in raw.iter_content(64 * 1024):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise TransportError(
                    f"The provider did not finish answering within the {self.timeouts.deadline:g}-second limit, so "
                    "the app stopped waiting. It may or may not have received the request.",
                    maybe_sent=True,
                )
        return b"".join(chunks)

    def _open_body(
        self, request: OutgoingRequest, headers: dict[str, str]
    ) -> tuple[Any, int, list[Callable[[], None]]]:
        """A fresh body for this attempt: encoders and open files are single-use."""
        body = request.body
        if body is None:
            return None, 0, []
        if isinstance(body, JsonBody | TextBody):
            headers.setdefault("Content-Type", body.content_type)
            data = body.encode()
            return data, len(data), []
        if isinstance(body, FormBody):
            headers.setdefault("Content-Type", body.content_type)
            data = body.encode()
            return data, len(data), []
        if isinstance(body, FileBody):
            fh: BinaryIO = body.path.open("rb")
            headers.setdefault("Content-Type", body.content_type)
            return fh, body.path.stat().st_size, [fh.close]
        assert isinstance(body, MultipartBody)
        from requests_toolbelt import MultipartEncoder

        fields: list[tuple[str, Any]] = []
        files: list[BinaryIO] = []
        for part in body.parts:
            if part.is_file:
                assert part.path is not None
                fh = part.path.open("rb")
                files.append(fh)
                fields.append((part.name, (part.filename or part.path.name, fh, part.content_type)))
            else:
                fields.append((part.name, (None, part.value or "", part.content_type)))
        encoder = MultipartEncoder(fields=fields)
        headers["Content-Type"] = encoder.content_type
        return encoder, encoder.len, [f.close for f in files]

    # -- the record ---------------------------------------------------------------------------------------

    def _start_record(self, request: OutgoingRequest, headers: dict[str, str]) -> Exchange:
        body_text, parts = describe_request(request, self.redactor)
        url = request.url
        if request.params:
            from urllib.parse import urlencode

            url = f"{url}?{urlencode(dict(request.params))}"
        all_headers = {"User-Agent": USER_AGENT, **headers}
        record = Exchange(
            label=request.label,
            method=request.method,
            url=self.redactor.redact(url),
            started_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            request_headers=self.redactor.redact_headers(all_headers),
            request_body=body_text,
            request_parts=parts,
            request_form=form_on_wire(request, self.redactor),
            attempt_id=self.attempt_id,
        )
        record.curl = as_curl(record)
        log.info("→ %s %s (%s)", record.method, record.url, record.label or "request")
        return record

    def _finish_record(
        self, record: Exchange, started: float, *, response: Response | None = None, error: str | None = None
    ) -> None:
        record.duration_ms = int((time.monotonic() - started) * 1000)
        if response is not None:
            record.status = response.status
            record.response_headers = self.redactor.redact_headers(response.headers)
            record.response_body = response_text(response.content, response.content_type, self.redactor)
        record.error = error
        self.exchanges.append(record)
        log.info(record.summary(), extra={"exchange": record})
        if self.on_exchange:
            self.on_exchange(record)


# Header defects that say nothing about a cut: urllib3 ignores these two as well (multipart answers cause them).
_HARMLESS_DEFECTS = ("StartBoundaryNotFoundDefect", "MultipartInvariantViolationDefect")


def _cut_short(raw: Any, content: bytes) -> bool:
    """True when the answer may have been cut off: its headers did not parse (http.client takes the end of the
    stream for the end of the headers, and urllib3 only logs it), or it is a 2xx without any body or any way to
    tell where its body ends (no Content-Length, not chunked), which is what a connection cut after the status
    line or inside the headers leaves."""
    original = getattr(raw.raw, "_original_response", None)
    defects = getattr(getattr(original, "msg", None), "defects", None) or []
    if any(type(d).__name__ not in _HARMLESS_DEFECTS for d in defects):
        return True
    headers = {k.lower(): v.lower() for k, v in raw.headers.items()}
    framed = "content-length" in headers or "chunked" in headers.get("transfer-encoding", "")
    return 200 <= raw.status_code < 300 and raw.status_code != 204 and not framed and not content


def _is_connect_failure(exc: Exception) -> bool:
    """True when the connection was never established, so nothing can have reached the server."""
    text = repr(exc)
    return any(
        marker in text
        for marker in (
            "NewConnectionError",
            "NameResolutionError",
            "Connection refused",
            "Failed to resolve",
            "No route to host",
            "Network is unreachable",
        )
    )
