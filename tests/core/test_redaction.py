"""The ApiCode (and any secret) never appears in what the app shows or writes: history exchanges, the log file,
"copy as curl", results. Authorization headers keep their scheme visible."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from invoice_desktop.core.exchange import as_curl
from invoice_desktop.core.http import JsonBody, OutgoingRequest
from invoice_desktop.core.logs import PrivateRotatingFileHandler, setup_file_logging
from invoice_desktop.core.redaction import MASK, Redactor
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import Timeouts, Transport
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.providers import get_provider

PROVIDER = get_provider("imaterialise")


@pytest.fixture
def log_file(app_home: Path):
    """The app's log file in this test's INVOICE_DESKTOP_HOME (another test's handler set aside meanwhile)."""
    root = logging.getLogger("invoice_desktop")
    saved = [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]
    level = root.level
    for handler in saved:
        root.removeHandler(handler)
    path = setup_file_logging()
    try:
        yield path
    finally:
        for handler in [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


def variants(secret: str) -> list[str]:
    return [secret, secret.upper(), secret.replace("-", ""), json.dumps(secret)]


def assert_hidden(text: str, secret: str = DEMO_API_CODE) -> None:
    for form in variants(secret):
        assert form not in text
        assert form.lower() not in text.lower()


# -- the Redactor -------------------------------------------------------------------------------------------------


def test_secrets_are_hidden_by_value_in_every_common_encoding():
    secret = "s3cr/et+key=="
    redactor = Redactor([secret])
    texts = (f"key {secret} end", "q=s3cr%2Fet%2Bkey%3D%3D&x", '{"k": "s3cr\\/et+key=="}', json.dumps({"k": secret}))
    for text in texts:
        out = redactor.redact(text)
        assert "s3cr" not in out
        assert MASK in out


def test_a_password_with_spaces_is_hidden_in_a_form_encoded_body():
    # A token request (PayFabric's grant_type=password) sends the password form-encoded: spaces become "+".
    secret = "correct horse battery"
    body = "grant_type=password&username=clerk&password=correct+horse+battery"
    out = Redactor([secret]).redact(body)
    assert "horse" not in out
    assert out == f"grant_type=password&username=clerk&password={MASK}"


def test_a_longer_secret_containing_a_shorter_one_is_hidden_whole():
    redactor = Redactor(["abcd", "abcdefgh"])
    assert redactor.redact("x abcdefgh y") == f"x {MASK} y"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("ApiCode", DEMO_API_CODE, MASK),
        ("apicode", "anything at all", MASK),
        ("Authorization", "Bearer eyJhbGciOi.payload.sig", f"Bearer {MASK}"),
        ("authorization", "bearer eyJhbGciOi.payload.sig", f"bearer {MASK}"),
        ("Authorization", "Basic dXNlcjpwYXNz", f"Basic {MASK}"),
        ("Authorization", "Token abcdef123456", MASK),
        ("Authorization", "rawtoken", MASK),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz", f"Basic {MASK}"),
        ("Cookie", "session=abc", MASK),
        ("Set-Cookie", "session=abc; HttpOnly", MASK),
        ("X-Api-Key", "k-123", MASK),
        ("Accept", "application/json", "application/json"),
    ],
)
def test_sensitive_headers_are_masked_with_the_scheme_kept_visible(name, value, shown):
    assert Redactor().redact_headers({name: value}) == {name: shown}


def test_a_secret_echoed_in_any_other_header_is_hidden_by_value():
    headers = Redactor([DEMO_API_CODE]).redact_headers({"X-Echo": f"code={DEMO_API_CODE}"})
    assert headers == {"X-Echo": f"code={MASK}"}


def test_a_bearer_token_is_hidden_on_the_wire_record_and_in_curl(practice):
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGVyayJ9.c2lnbmF0dXJl"
    with Transport(Redactor([token])) as transport:
        response = transport.send(
            OutgoingRequest(
                "POST",
                practice.base_url(PROVIDER) + "/token-echo",
                headers={"Authorization": f"Bearer {token}"},
                body=JsonBody({"refresh": token, "note": "hi"}),
                label="Get token",
            )
        )
        [record] = transport.exchanges
    assert response.status == 404
    assert record.request_headers["Authorization"] == f"Bearer {MASK}"
    assert f"Authorization: Bearer {MASK}" in record.curl
    assert token not in record.request_body and MASK in record.request_body
    assert token not in record.as_text() and token not in record.curl


# -- a whole upload: history, log file, curl, result ----------------------------------------------------------


def test_the_api_code_never_appears_in_history_log_file_curl_or_results(services, log_file, make_file):
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    pdf = make_file("Rechnung_Müller_№5.pdf", size=4000)

    def send(order: str, fmt: str = "json"):
        prepared = services.uploads.prepare(
            PROVIDER, "practice", {"order_id": order}, file_path=pdf, options={"format": fmt}
        )
        return services.uploads.run(prepared)

    results = [send("ORD-1001"), send("ORD-2001", "xml"), send("ORD-9999")]
    # A provider that echoes the code back (in its body and a header) still does not get it into the log.
    sandbox.answer_next(
        400,
        json.dumps({"message": f"Wrong API code {DEMO_API_CODE}"}),
        {"Content-Type": "application/json", "X-Debug-ApiCode": DEMO_API_CODE},
    )
    results.append(send("ORD-1002"))
    # A failure without an answer.
    services.uploads.timeouts = Timeouts(connect=5, read=0.3, deadline=30)
    release = sandbox.hold_answers()
    try:
        results.append(send("ORD-1002"))
    finally:
        release.set()

    assert [r.outcome for r in results] == [
        Outcome.SUCCEEDED,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.UNCERTAIN,  # no answer in time: it may have arrived
    ]
    echoed = results[3]
    assert echoed.provider_message == f"Wrong API code {MASK}" and MASK in echoed.title

    for result in results:
        assert_hidden(json.dumps(result.to_dict(), ensure_ascii=False))
        attempt = services.history.get(result.attempt_id)
        assert_hidden(repr(attempt))
        for exchange in services.history.exchanges(result.attempt_id):
            assert exchange.request_headers["ApiCode"] == MASK
            assert_hidden(json.dumps(exchange.to_dict(), ensure_ascii=False))
            assert_hidden(exchange.as_text())
            assert_hidden(exchange.curl)
            assert "ApiCode: •••redacted•••" in exchange.curl
            assert exchange.curl == as_curl(exchange)
    assert services.history.exchanges(echoed.attempt_id)[0].response_headers["X-Debug-ApiCode"] == MASK

    for handler in logging.getLogger("invoice_desktop").handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert log_file.parent == services.history.path.parent / "logs"
    assert "POST http" in text and "ApiCode: •••redacted•••" in text
    assert "File: file “Rechnung_Müller_№5.pdf”, application/pdf, 4,000 bytes" in text  # parts, never bytes
    assert "Order is already shipped or cancelled" in text  # the provider's own words are logged
    assert "no answer within the read timeout" in text
    assert_hidden(text)
    # And no other file the app wrote holds it either (history database included).
    for path in services.history.path.parent.rglob("*"):
        if path.is_file():
            assert DEMO_API_CODE.encode() not in path.read_bytes(), path
