"""The transport, as a clerk would notice it: big files go out without eating memory, progress reaches 100 %,
Cancel stops an upload, a slow or missing server gives a plain message that says whether the invoice may have
arrived, and nothing is ever sent twice when it may already have arrived."""

from __future__ import annotations

import hashlib
import itertools
import socket
import ssl
import sys
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.errors import FormInvalid, TransportError
from invoice_desktop.core.http import FileBody, OutgoingRequest, Response
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import (
    MAX_AUTOMATIC_RETRIES,
    MAX_RETRY_AFTER_S,
    CancelToken,
    Timeouts,
    Transport,
    check_url_allowed,
)
from invoice_desktop.providers import get_provider

PROVIDER = get_provider("imaterialise")
MB = 1024 * 1024


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)


@pytest.fixture
def no_pauses(monkeypatch):
    """Record the waits between automatic retries instead of waiting."""
    pauses: list[float] = []
    monkeypatch.setattr(Transport, "_pause", lambda self, seconds: pauses.append(seconds))
    return pauses


def upload(services, file, order: str = "ORD-1001", *, base_url: str | None = None, **run):
    prepared = services.uploads.prepare(PROVIDER, "practice", {"order_id": order}, file_path=file, base_url=base_url)
    return services.uploads.run(prepared, **run)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- streaming and progress --------------------------------------------------------------------------------------


def test_a_big_file_is_streamed_and_progress_reaches_the_total(services, sandbox, make_file):
    assert upload(services, make_file("warm-up.pdf")).ok  # imports and first connections out of the measurement
    big = make_file("big.pdf", size=int(9.9 * MB))
    steps: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        result = upload(services, big, progress=lambda sent, total: steps.append((sent, total)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.ok, result
    assert sandbox.received[-1]["sha256"] == sha256(big)
    # The whole process (the sandbox receiving it included) never held anything near the file in memory.
    assert peak < big.stat().st_size / 3, f"peak {peak:,} bytes for a {big.stat().st_size:,}-byte file"
    sent, total = steps[-1]
    assert sent == total > big.stat().st_size  # the multipart envelope is counted too
    assert all(t == total for _, t in steps)
    increments = [b[0] - a[0] for a, b in itertools.pairwise(steps)]
    assert min(increments) >= 0 and max(increments) <= MB  # read piece by piece, never whole
    assert len(steps) > 10


@pytest.mark.parametrize("kind", ["multipart", "raw file"])
def test_bodies_have_a_content_length_not_chunked_encoding(practice, sandbox, make_file, kind):
    # Many servers (IIS among them) refuse chunked uploads; a streamed body must still announce its length.
    seen: list[dict[str, str]] = []
    sandbox.before_handle = lambda request: seen.append(dict(request.headers.items()))
    pdf = make_file("a.pdf", size=123_456)
    progress: list[tuple[int, int]] = []
    with Transport(progress=lambda s, t: progress.append((s, t))) as transport:
        if kind == "raw file":
            request = OutgoingRequest("POST", practice.base_url(PROVIDER) + "/raw", body=FileBody(pdf, "text/plain"))
        else:
            request = PROVIDER.build_request(_ctx(practice, pdf, transport))
        response = transport.send(request)
    assert response.status in (200, 404)
    assert "Transfer-Encoding" not in seen[-1]
    assert int(seen[-1]["Content-Length"]) == progress[-1][0] == progress[-1][1]
    if kind == "raw file":
        assert progress[-1] == (123_456, 123_456)
        assert seen[-1]["Content-Type"] == "text/plain"


def _ctx(practice, pdf, transport):
    from invoice_desktop.core.attachments import check_attachment
    from invoice_desktop.core.provider import UploadContext
    from invoice_desktop.providers.imaterialise import IMaterialiseForm

    return UploadContext(
        environment="practice",
        base_url=practice.base_url(PROVIDER),
        credentials=practice.demo_credentials(PROVIDER),
        options={"format": "json"},
        transport=transport,
        form=IMaterialiseForm(order_id="ORD-1001"),
        attachment=check_attachment(pdf, PROVIDER.attachment),
    )


# -- retries: only when safe ---------------------------------------------------------------------------------------


def test_503_with_retry_after_is_retried_with_a_fresh_body(services, sandbox, make_file):
    sandbox.answer_next(503, "busy", {"Retry-After": "0"}, times=2)
    pdf = make_file("invoice.pdf", size=300_000)
    result = upload(services, pdf)
    assert result.ok, result
    # A reused (already read) encoder would send nothing the second time: the file arrives whole.
    assert sandbox.received[-1]["sha256"] == sha256(pdf)
    assert [e.status for e in services.history.exchanges(result.attempt_id)] == [503, 503, 200]


def test_503_is_not_resent_for_a_request_that_is_unsafe_to_repeat(services, sandbox):
    # A 503 may come from a proxy after the service did the work: only idempotent requests go again.
    sandbox.answer_next(503, "busy", {"Retry-After": "0"})
    base = services.uploads.practice.base_url(PROVIDER)
    with Transport() as transport:
        response = transport.send(
            OutgoingRequest("POST", f"{base}/web-api/order/ORD-1001/invoice", label="a create", idempotent=False)
        )
        assert response.status == 503
        assert len(transport.exchanges) == 1
    sandbox.answer_next(429, "slow", {"Retry-After": "0"})  # 429: turned away unprocessed, safe to send again
    with Transport() as transport:
        transport.send(OutgoingRequest("POST", f"{base}/web-api/order/ORD-1001/invoice", idempotent=False))
        statuses = [e.status for e in transport.exchanges]
        assert statuses[0] == 429 and len(statuses) == 2


def test_proxy_pools_are_watched_so_cancel_reaches_them_too():
    with Transport() as transport:
        session = transport.session
        adapter = session.get_adapter("https://i.materialise.com")
        direct = adapter.poolmanager.pool_classes_by_scheme["https"]
        proxied = adapter.proxy_manager_for("http://proxy.example:3128")
        assert proxied.pool_classes_by_scheme["https"] is direct


@pytest.mark.parametrize("retry_after", ["0", None])
def test_429_after_the_automatic_retries_is_busy_not_a_refusal(services, sandbox, make_file, retry_after):
    # With Retry-After the transport tries twice more; without, not at all. Either way the last answer is still
    # 429: the provider is busy. Nothing in the form is wrong, nothing was stored, and Retry stays possible.
    headers = {"Retry-After": retry_after} if retry_after else {}
    sandbox.answer_next(429, "<html><body>Too many requests</body></html>", headers, times=MAX_AUTOMATIC_RETRIES + 5)
    pdf = make_file("invoice.pdf")
    result = upload(services, pdf)
    assert MAX_AUTOMATIC_RETRIES == 2
    tries = 3 if retry_after else 1
    assert [e.status for e in services.history.exchanges(result.attempt_id)] == [429] * tries
    assert result.outcome is Outcome.FAILED
    assert result.title == "i.materialise is busy: try again later."
    assert "nothing was stored" in result.detail and "press Retry in a few minutes" in result.detail
    assert "Correct" not in result.detail and "refused" not in result.title
    assert services.history.get(result.attempt_id).state == hist.FAILED  # retryable, not `rejected`
    assert sandbox.received == []

    sandbox._canned.clear()  # the rush is over
    again = services.uploads.run(services.uploads.prepare_retry(result.attempt_id))
    assert again.ok, again
    assert len(sandbox.received) == 1


def test_503_without_retry_after_is_not_retried(services, sandbox, make_file):
    sandbox.answer_next(503, "")
    result = upload(services, make_file("invoice.pdf"))
    assert len(sandbox.requests_seen) == 1
    assert result.outcome is not Outcome.SUCCEEDED
    assert sandbox.received == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        ("5", 5.0),
        ("2.5", 2.5),
        ("3600", MAX_RETRY_AFTER_S),
        ("-3", 0.0),
        (format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True), MAX_RETRY_AFTER_S),
        (format_datetime(datetime.now(UTC) - timedelta(hours=2), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_and_capped(value, seconds):
    assert MAX_RETRY_AFTER_S == 30.0
    assert Transport._retry_after(Response(503, {"retry-after": value}, b"")) == seconds


def test_cancel_cuts_a_long_retry_after_short(services, sandbox, make_file):
    sandbox.answer_next(503, "busy", {"Retry-After": "30"})
    cancel = CancelToken()
    started = time.monotonic()
    result = upload(services, make_file("invoice.pdf"), cancel=cancel, on_exchange=lambda _e: cancel.cancel())
    assert time.monotonic() - started < 5
    assert result.outcome is Outcome.CANCELLED
    assert len(sandbox.requests_seen) == 1
    assert services.history.get(result.attempt_id).state == hist.CANCELLED


def test_no_answer_in_time_fails_plainly_and_the_post_is_never_resent(services, sandbox, make_file):
    services.uploads.timeouts = Timeouts(connect=5, read=0.5, deadline=30)
    release = sandbox.hold_answers()
    try:
        result = upload(services, make_file("invoice.pdf"))
    finally:
        release.set()
    assert result.outcome is Outcome.UNCERTAIN
    assert "did not answer within 0.5 seconds" in result.title
    assert "may or may not have received" in result.title
    assert result.detail.startswith("Check order “ORD-1001” in i.materialise")
    # Sent once, and indeed received: exactly why it must not be sent again on its own.
    assert sandbox.requests_seen == [("POST", "/web-api/order/ORD-1001/invoice")]
    assert len(sandbox.received) == 1
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.UNCERTAIN and attempt.summary == result.title
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.status is None and exchange.error == "no answer within the read timeout"


def test_a_closed_port_fails_plainly_after_safe_retries(services, make_file, no_pauses):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = upload(services, make_file("invoice.pdf"), base_url=f"http://127.0.0.1:{port}/imaterialise")
    assert result.outcome is Outcome.FAILED
    assert "could not be reached" in result.title
    assert result.detail == "Nothing reached the provider; try again."
    exchanges = services.history.exchanges(result.attempt_id)
    assert len(exchanges) == 1 + MAX_AUTOMATIC_RETRIES  # nothing was sent, so trying again is safe
    assert all(e.error and e.error.startswith("connection failed") for e in exchanges)
    assert no_pauses == [2.0, 4.0]


@pytest.mark.skipif(sys.platform != "linux", reason="a full listen backlog drops SYNs only on Linux")
def test_a_connect_timeout_fails_plainly_after_safe_retries(services, make_file, no_pauses):
    services.uploads.timeouts = Timeouts(connect=0.2, read=5, deadline=30)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        try:
            for _ in range(3):  # fill the backlog: further connection attempts hang
                filler = socket.socket()
                fillers.append(filler)
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            with socket.socket() as probe:
                probe.settimeout(0.2)
                try:
                    probe.connect(("127.0.0.1", port))
                except TimeoutError:
                    pass
                else:
                    pytest.skip("this system accepts connections past a full backlog")
            result = upload(services, make_file("invoice.pdf"), base_url=f"http://127.0.0.1:{port}/x")
        finally:
            for filler in fillers:
                filler.close()
    assert result.outcome is Outcome.FAILED
    assert "connection timed out" in result.title
    assert result.detail == "Nothing reached the provider; try again."
    assert [e.error for e in services.history.exchanges(result.attempt_id)] == ["connection timed out"] * 3


def test_the_overall_deadline_stops_an_upload_and_is_logged(services, sandbox, make_file):
    services.uploads.timeouts = Timeouts(connect=5, read=5, deadline=0)
    result = upload(services, make_file("invoice.pdf", size=2 * MB))
    assert result.outcome is Outcome.FAILED
    assert result.title == "The request could not be sent within the 0-second limit."
    assert result.detail == "Nothing reached the provider; try again."
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.error == "The request could not be sent within the 0-second limit."
    assert sandbox.requests_seen == []


def test_a_redirect_is_not_followed(services, sandbox, make_file):
    sandbox.answer_next(302, "", {"Location": "http://127.0.0.1:9/steal"})
    result = upload(services, make_file("invoice.pdf"))
    assert result.outcome is Outcome.FAILED
    assert len(sandbox.requests_seen) == 1
    assert [e.status for e in services.history.exchanges(result.attempt_id)] == [302]


# -- Cancel -------------------------------------------------------------------------------------------------------


def test_cancel_mid_upload_stops_it(services, sandbox, make_file):
    cancel = CancelToken()
    steps: list[int] = []

    def progress(sent: int, total: int) -> None:
        steps.append(sent)
        if sent > 256 * 1024:
            cancel.cancel()

    pdf = make_file("invoice.pdf", size=5 * MB)
    result = upload(services, pdf, progress=progress, cancel=cancel)
    assert result.outcome is Outcome.CANCELLED
    # Part of the body had left: never "nothing was sent".
    assert result.title == "Cancelled: the upload may have arrived."
    assert "Check with the provider before sending it again." in result.detail
    assert max(steps) < 2 * MB  # stopped promptly
    attempt = services.history.get(result.attempt_id)
    assert (attempt.state, attempt.summary) == (hist.CANCELLED, "Cancelled: the upload may have arrived.")
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.error == "cancelled by the user"
    assert sandbox.received == [] and sandbox.orders["ORD-1001"].invoice is None
    # The connection is not left in a state that breaks the next upload.
    assert upload(services, pdf).ok


def test_cancel_from_another_thread_mid_upload(services, sandbox, make_file):
    # As the window does it: Cancel is pressed on the UI thread while the worker is sending.
    cancel = CancelToken()

    def progress(sent: int, total: int) -> None:
        if sent > 256 * 1024 and not cancel.cancelled:
            threading.Thread(target=cancel.cancel).start()
            assert cancel.wait(5)

    result = upload(services, make_file("invoice.pdf", size=5 * MB), progress=progress, cancel=cancel)
    assert result.outcome is Outcome.CANCELLED
    assert result.title == "Cancelled: the upload may have arrived."
    assert [e.error for e in services.history.exchanges(result.attempt_id)] == ["cancelled by the user"]
    assert sandbox.received == []


def test_cancel_while_waiting_for_the_answer_stops_at_once(services, sandbox, make_file):
    # A provider may take long to answer a big upload; Cancel (or closing the window) must not wait for it.
    services.uploads.timeouts = Timeouts(connect=5, read=20, deadline=60)
    release = sandbox.hold_answers()
    cancel = CancelToken()
    sandbox.before_handle = lambda request: threading.Timer(0.1, cancel.cancel).start()
    started = time.monotonic()
    try:
        result = upload(services, make_file("invoice.pdf", size=50_000), cancel=cancel)
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert result.outcome is Outcome.CANCELLED
    assert result.title == "Cancelled: the upload may have arrived."
    assert "Check with the provider before sending it again." in result.detail
    [exchange] = services.history.exchanges(result.attempt_id)
    assert exchange.error == "cancelled while waiting for the answer"
    assert services.history.get(result.attempt_id).state == hist.CANCELLED


def test_cancel_callbacks_run_once_and_can_be_removed():
    token = CancelToken()
    calls: list[str] = []
    remove = token.on_cancel(lambda: calls.append("a"))
    token.on_cancel(lambda: calls.append("b"))
    remove()
    token.cancel()
    assert calls == ["b"] and token.cancelled
    token.on_cancel(lambda: calls.append("late"))  # already cancelled: runs at once
    assert calls == ["b", "late"]


def test_cancel_before_sending_sends_nothing(services, sandbox, make_file):
    cancel = CancelToken()
    cancel.cancel()
    result = upload(services, make_file("invoice.pdf"), cancel=cancel)
    assert result.outcome is Outcome.CANCELLED
    assert result.detail == "Nothing was sent."
    assert sandbox.requests_seen == []
    assert services.history.get(result.attempt_id).state == hist.CANCELLED


# -- where requests may go ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://i.materialise.com/web-api", True),
        ("https://203.0.113.5/x", True),
        ("http://127.0.0.1:8080/x", True),
        ("http://127.5.6.7/x", True),
        ("http://localhost:1/x", True),
        ("HTTP://LOCALHOST/x", True),
        ("http://[::1]:8080/x", True),
        ("http://i.materialise.com/web-api", False),
        ("http://localhost.evil.example/x", False),
        ("http://127.0.0.1.nip.io/x", False),
        ("http://10.0.0.5/x", False),
        ("ftp://127.0.0.1/x", False),
        ("file:///etc/passwd", False),
        ("imatsandbox.materialise.net", False),
    ],
)
def test_plain_http_only_to_this_computer(url, allowed):
    if allowed:
        check_url_allowed(url)
        return
    with pytest.raises(TransportError) as info:
        check_url_allowed(url)
    assert "only https is allowed" in info.value.message
    assert info.value.maybe_sent is False
    with Transport() as transport:  # the transport itself refuses too, before any connection
        with pytest.raises(TransportError):
            transport.send(OutgoingRequest("GET", url))
        assert transport.exchanges == []


def test_a_plain_http_base_url_is_refused_before_sending(services, sandbox, make_file):
    with pytest.raises(FormInvalid) as info:
        upload(services, make_file("invoice.pdf"), base_url="http://imatsandbox.materialise.net")
    assert "only https is allowed" in info.value.message and "base_url" in info.value.fields
    assert sandbox.requests_seen == [] and services.history.recent() == []


def test_one_session_per_transport_with_tls_verification_and_the_system_trust_store():
    import truststore

    with Transport() as transport:
        session = transport.session
        assert transport.session is session
        assert session.verify is True
        adapter = session.get_adapter("https://i.materialise.com")
        assert isinstance(adapter.poolmanager.connection_pool_kw["ssl_context"], truststore.SSLContext)


def test_an_untrusted_certificate_is_refused(tmp_path, no_pauses):
    pytest.importorskip("cryptography")  # to make a throwaway certificate
    cert, key = _self_signed(tmp_path)
    server = HTTPServer(("127.0.0.1", 0), _Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        with Transport(timeouts=Timeouts(2, 2, 10)) as transport, pytest.raises(TransportError) as info:
            transport.send(OutgoingRequest("GET", f"https://127.0.0.1:{server.server_address[1]}/"))
    finally:
        server.shutdown()
        server.server_close()
    assert "certificate is not trusted" in info.value.message
    assert info.value.maybe_sent is False
    assert _Ok.served == 0  # no request got through
    assert len(transport.exchanges) == 1  # not retried: a certificate does not fix itself in seconds


class _Ok(BaseHTTPRequestHandler):
    served = 0

    def do_GET(self) -> None:
        type(self).served += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _self_signed(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    import ipaddress

    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)


# -- telling "never connected" from "broken during the request", by the exceptions' types --------------------------


def _requests_error(url: str) -> Exception:
    import requests

    try:
        requests.post(url, data=b"invoice", timeout=5)
    except requests.exceptions.ConnectionError as exc:
        return exc
    raise AssertionError("expected a connection error")


def test_a_refused_connection_is_known_never_to_have_reached_the_server():
    import socket

    from invoice_desktop.core.transport import _never_connected

    with socket.socket() as s:  # a port that was just free on loopback: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert _never_connected(_requests_error(f"http://127.0.0.1:{port}/invoice"))


def test_a_connection_dropped_after_it_was_made_may_have_reached_the_server():
    import socket
    import threading

    from invoice_desktop.core.transport import _never_connected

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def take_and_drop() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.close()

    thread = threading.Thread(target=take_and_drop)
    thread.start()
    try:
        error = _requests_error(f"http://127.0.0.1:{port}/invoice")
    finally:
        thread.join(10)
        listener.close()
    assert not _never_connected(error)
