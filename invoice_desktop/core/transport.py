"""Sends `OutgoingRequest`s: one requests session per worker, timeouts and a deadline, streamed bodies with
progress and Cancel, the system trust store, and a redacted `Exchange` for every request (a line is logged
as it leaves, the whole exchange when it ends)."""

from __future__ import annotations

import errno
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from .cancel import CancelToken
from .errors import Cancelled, ProviderBusy, TransportError
from .exchange import Exchange, as_curl, describe_request, english, form_on_wire, response_text
from .http import FileBody, FormBody, JsonBody, MultipartBody, OutgoingRequest, Response, TextBody
from .i18n import Msg
from .redaction import Redactor
from .session import USER_AGENT, OpenSockets, check_url_allowed, is_loopback, make_session

__all__ = ["USER_AGENT", "CancelToken", "Progress", "Timeouts", "Transport", "check_url_allowed", "is_loopback"]

log = logging.getLogger("invoice_desktop.exchange")

Progress = Callable[[int, int], None]  # (bytes sent, bytes total)

MAX_RETRY_AFTER_S = 30.0
MAX_AUTOMATIC_RETRIES = 2


@dataclass(frozen=True)
class Timeouts:
    """How long the transport waits: to connect, for each read, and for one whole exchange."""

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


class _Flight:
    """One request on its way: the body as requests reads it (counting bytes for progress, stopping on Cancel or
    the deadline), and what a cut connection means given how much of the body had left by then."""

    def __init__(self, transport: Transport, data: Any, total: int, deadline: float) -> None:
        self.transport = transport
        self.total = total
        self.deadline = deadline
        self.limit = transport.timeouts.deadline
        self.started = time.monotonic()
        self.sent = 0
        self.expired = threading.Event()  # set by the watchdog when it cut the connection at the deadline
        self.streamed = data is not None and hasattr(data, "read")
        self.body: Any = _StreamReader(data, total, self._on_read) if self.streamed else data

    def _on_read(self, n: int) -> None:
        self.sent += n
        if self.transport.cancel.cancelled:
            raise Cancelled(Msg("Upload cancelled before it finished."))
        if time.monotonic() > self.deadline:
            # Not all of the body left: the server cannot have taken a request it did not get whole.
            raise self._stopped_mid_body()
        if self.transport.progress and self.total:
            self.transport.progress(min(self.sent, self.total), self.total)

    @property
    def _body_left_whole(self) -> bool:
        return not (self.streamed and self.sent < self.total)

    def _stopped_mid_body(self) -> TransportError:
        return TransportError(
            Msg(
                "The upload took longer than the {seconds}-second limit and was stopped before all of it was sent.",
                seconds=format(self.limit, "g"),
            ),
            maybe_sent=False,
        )

    def cancelled(self) -> Cancelled:
        """Cancel broke the connection: was the whole request out by then?"""
        if not self._body_left_whole:
            return Cancelled(Msg("Upload cancelled before it finished."))
        return Cancelled(Msg("Cancelled while the provider was answering."), maybe_sent=True)

    def overdue(self) -> TransportError:
        """The watchdog cut the connection at the deadline: was the whole request out by then?"""
        if not self._body_left_whole:
            return self._stopped_mid_body()
        return TransportError(
            Msg(
                "The provider did not finish answering within the {seconds}-second limit, so the app "
                "stopped waiting. It may or may not have received the request.",
                seconds=format(self.limit, "g"),
            ),
            maybe_sent=True,
        )


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
            # The email package (a dozen modules) is imported only for this rare header form, not at every start.
            from email.utils import parsedate_to_datetime

            try:
                when = parsedate_to_datetime(value)
                seconds = (when - datetime.now(when.tzinfo)).total_seconds()
            except (TypeError, ValueError):
                return None
        return max(0.0, min(seconds, MAX_RETRY_AFTER_S))

    def _send_once(self, request: OutgoingRequest, deadline: float) -> Response:
        if self.cancel.cancelled:
            raise Cancelled()
        headers = dict(request.headers)
        data, total, closers = self._open_body(request, headers)
        flight = _Flight(self, data, total, deadline)
        try:
            record = self._start_record(request, headers)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                failure = TransportError(
                    Msg(
                        "The request could not be sent within the {seconds}-second limit.",
                        seconds=format(flight.limit, "g"),
                    ),
                    maybe_sent=False,
                )
                failure.transient = False
                self._finish_record(record, flight.started, error=str(failure.message))
                raise failure
            with self._watchdog(remaining, flight):
                raw = self._request(request, headers, flight, remaining, record)
                try:
                    content = self._read_answer(raw, flight, record)
                finally:
                    raw.close()
        finally:
            for closer in closers:
                closer()
        response = Response(
            status=raw.status_code,
            headers=dict(raw.headers),
            content=content,
            url=raw.url,
            elapsed_ms=int((time.monotonic() - flight.started) * 1000),
        )
        if request.secret_answer_fields:
            self._learn_answer_secrets(content, request.secret_answer_fields)
        self._finish_record(record, flight.started, response=response)
        return response

    @contextmanager
    def _watchdog(self, remaining: float, flight: _Flight) -> Iterator[None]:
        """Cancel shuts the connection down, so a wait for the answer ends at once rather than at the read timeout;
        so does the deadline's watchdog, wherever the exchange is (sending, waiting, reading a trickle)."""
        self.session  # noqa: B018 - opens the session first, so its sockets are watched
        self._sockets.open()
        unwatch = self.cancel.on_cancel(self._sockets.shut_down)

        def expire() -> None:
            flight.expired.set()
            self._sockets.shut_down()

        timer = threading.Timer(remaining, expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            unwatch()

    def _request(
        self, request: OutgoingRequest, headers: dict[str, str], flight: _Flight, remaining: float, record: Exchange
    ) -> Any:
        """Send the request and wait for the answer's headers; every failure recorded and said in the clerk's
        words."""
        import requests

        try:
            try:
                return self.session.request(
                    request.method,
                    request.url,
                    params=request.params,
                    headers=headers,
                    data=flight.body,
                    timeout=(min(self.timeouts.connect, remaining), self.timeouts.read),
                    stream=True,
                    allow_redirects=False,
                )
            except (requests.exceptions.RequestException, OSError):
                if self.cancel.cancelled:
                    raise flight.cancelled() from None
                if flight.expired.is_set():
                    raise flight.overdue() from None
                raise
        except Cancelled as exc:
            why = "cancelled while waiting for the answer" if exc.maybe_sent else "cancelled by the user"
            self._finish_record(record, flight.started, error=why)
            raise
        except TransportError as exc:  # the deadline passed while the body was streamed
            self._finish_record(record, flight.started, error=str(exc.message))
            raise
        except requests.exceptions.RequestException as exc:
            failure, why = self._request_failure(exc, flight.sent)
            self._finish_record(record, flight.started, error=why)
            raise failure from None

    def _request_failure(self, exc: Exception, sent: int) -> tuple[TransportError, str]:
        """What the clerk is told, and what the record says, when requests raised `exc` (by its type)."""
        import requests

        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return TransportError(
                Msg("The provider could not be reached (connection timed out). Check the network and try again."),
                maybe_sent=False,
            ), "connection timed out"
        if isinstance(exc, requests.exceptions.SSLError):
            failure = TransportError(
                Msg(
                    "The secure connection failed: the server's certificate is not trusted by this computer. "
                    "Check the address; if your company inspects traffic, its certificate must be installed in "
                    "the system's trust store."
                ),
                maybe_sent=False,
            )
            failure.transient = False  # a certificate does not fix itself in a few seconds: no retry
            return failure, self.redactor.redact(f"TLS error: {exc}")
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return TransportError(
                Msg(
                    "The provider did not answer within {seconds} seconds. It may or may not have received the "
                    "request: check in the provider's portal before sending again.",
                    seconds=format(self.timeouts.read, "g"),
                ),
                maybe_sent=True,
            ), "no answer within the read timeout"
        if isinstance(exc, requests.exceptions.ConnectionError):
            before_send = sent == 0 and _never_connected(exc)
            return TransportError(
                Msg(
                    "The provider could not be reached. Check the network connection and the address (base "
                    "URL) and try again."
                )
                if before_send
                else Msg("The connection broke during the request; the provider may or may not have received it."),
                maybe_sent=not before_send,
            ), f"connection failed: {self.redactor.redact(str(exc))}"
        return TransportError(
            Msg("The request failed: {error}", error=self.redactor.redact(str(exc))), maybe_sent=True
        ), self.redactor.redact(str(exc))

    def _read_answer(self, raw: Any, flight: _Flight, record: Exchange) -> bytes:
        """The answer's body, whole; a cut, Cancel or the deadline is recorded and raised, never read as an
        answer."""
        import requests

        try:
            try:
                content = self._read_body(raw, flight.deadline)
                if _cut_short(raw, content):
                    # The connection ended inside the headers, or before a body whose end cannot be told:
                    # Cancel or the deadline cut it, or the network did. Never an answer to read as such.
                    if self.cancel.cancelled:
                        raise Cancelled(Msg("Cancelled while the provider was answering."), maybe_sent=True)
                    if flight.expired.is_set():
                        raise flight.overdue()
                    raise TransportError(
                        Msg("The provider's answer was broken off; it may or may not have received the request."),
                        maybe_sent=True,
                    )
                return content
            except (requests.exceptions.RequestException, OSError):
                if flight.expired.is_set() and not self.cancel.cancelled:
                    raise flight.overdue() from None
                raise
        except Cancelled:
            self._finish_record(record, flight.started, error="cancelled while reading the answer")
            raise Cancelled(Msg("Cancelled while the provider was answering."), maybe_sent=True) from None
        except TransportError as exc:  # the deadline passed while the answer was read
            self._finish_record(record, flight.started, error=str(exc.message))
            raise
        except (requests.exceptions.RequestException, OSError) as exc:
            if self.cancel.cancelled:
                self._finish_record(record, flight.started, error="cancelled while reading the answer")
                raise Cancelled(Msg("Cancelled while the provider was answering."), maybe_sent=True) from None
            self._finish_record(record, flight.started, error=self.redactor.redact(f"answer broken off: {exc}"))
            raise TransportError(
                Msg("The provider's answer was broken off; it may or may not have received the request."),
                maybe_sent=True,
            ) from None

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
                    Msg(
                        "The provider did not finish answering within the {seconds}-second limit, so the app "
                        "stopped waiting. It may or may not have received the request.",
                        seconds=format(self.timeouts.deadline, "g"),
                    ),
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
            label=english(request.label),
            label_kept=request.label.to_json() if isinstance(request.label, Msg) else None,
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


def _never_connected(exc: BaseException) -> bool:
    """True when the connection was never established, so nothing can have reached the server: somewhere in the
    chain requests and urllib3 wrap around it is urllib3's NewConnectionError (refused, unreachable, no route; its
    NameResolutionError subclass for a name that did not resolve), or the socket error itself."""
    import socket  # here: urllib3 has it by now; the idle window imports this module, not socket (~1 MiB)

    from urllib3.exceptions import NewConnectionError

    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        error = stack.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, NewConnectionError | socket.gaierror | ConnectionRefusedError):
            return True
        if isinstance(error, OSError) and error.errno in _UNREACHABLE:
            return True
        # requests wraps urllib3's MaxRetryError (its `reason`), which wraps the error (a ProxyError holds it in
        # its arguments as well as `original_error`). Not `__context__`: urllib3 retries inside its `except`
        # blocks, so a failed first connect is the context of whatever a later, connected try raised.
        linked = [getattr(error, "reason", None), getattr(error, "original_error", None)]
        linked += [error.__cause__, *error.args]
        stack.extend(e for e in linked if isinstance(e, BaseException))
    return False


_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ECONNREFUSED}
