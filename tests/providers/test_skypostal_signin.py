"""SkyPostal sign-in (customer-login) and the reading of its answers: WCF dates, the array envelope."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from invoice_desktop.core.errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from invoice_desktop.core.http import Response
from invoice_desktop.practice.skypostal import APP_KEY, CUSTOMERS, SkyPostalSandbox
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.skypostal import SkyPostal, parse_wcf_date, read_answer, read_login

SECOND = CUSTOMERS[1]  # second@skypostal.example / practice-2, a customer key with "/" in it


@pytest.fixture
def provider() -> SkyPostal:
    p = get_provider("skypostal")
    assert isinstance(p, SkyPostal)
    return p


@pytest.fixture
def sandbox(services, provider) -> SkyPostalSandbox:
    return services.uploads.practice.sandbox_for(provider)


# -- WCF dates -------------------------------------------------------------------------------------------------


def test_wcf_date_with_offset_is_the_utc_instant_shown_at_that_offset():
    value = parse_wcf_date("/Date(1550761010000-0500)/")
    assert value == datetime(2019, 2, 21, 14, 56, 50, tzinfo=UTC)  # the same instant
    assert value.utcoffset() == timedelta(hours=-5)
    assert (value.year, value.month, value.day, value.hour, value.minute) == (2019, 2, 21, 9, 56)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(0)/", datetime(1970, 1, 1, tzinfo=UTC)),
        ("\\/Date(1550761010000)\\/", datetime(2019, 2, 21, 14, 56, 50, tzinfo=UTC)),
        (
            "/Date(1550761010123+0130)/",
            datetime(2019, 2, 21, 16, 26, 50, 123000, tzinfo=timezone(timedelta(hours=1.5))),
        ),
        ("/Date(-86400000)/", datetime(1969, 12, 31, tzinfo=UTC)),
    ],
)
def test_wcf_dates(text, expected):
    value = parse_wcf_date(text)
    assert value == expected and value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["/Date(-62135596800000)/", "/Date(-62135596800000-0500)/", "2019-02-21", "/Date(abc)/", "", None, 1550761010000],
)
def test_what_is_not_a_wcf_date_or_no_date_reads_as_none(text):
    assert parse_wcf_date(text) is None


def test_login_answer_reads_credentials_name_and_dates():
    login = read_login(
        {
            "customer_box_id": 811111,
            "customer_key": "k+/=",
            "customer_first_name": "Ana",
            "customer_last_name": "Lima",
            "customer_registration_date": "/Date(1550761010000-0500)/",
            "customer_active": True,
        }
    )
    assert (login.customer_box_id, login.customer_key, login.name) == ("811111", "k+/=", "Ana Lima")
    assert login.dates == {"customer_registration_date": datetime(2019, 2, 21, 14, 56, 50, tzinfo=UTC)}


@pytest.mark.parametrize(
    ("body", "ok", "description"),
    [
        (b'[{"_verify":true,"error":{"error_description":"","error_location":"","system_error":false}}]', True, ""),
        (b'{"_verify":true,"error":{"error_description":""}}', True, ""),
        (b'[{"_verify":true,"error":{"error_description":"Odd","system_error":false}}]', False, "Odd"),
        (b'[{"_verify":false,"error":null}]', False, ""),
    ],
)
def test_answer_envelope(body, ok, description):
    answer = read_answer(Response(200, {"Content-Type": "application/json"}, body))
    assert answer is not None and answer.ok is ok and answer.description == description


@pytest.mark.parametrize("body", [b"", b"<html>Request Error</html>", b"[]", b'{"message":"x"}', b"true"])
def test_unreadable_answers_are_none(body):
    assert read_answer(Response(500, {}, body)) is None


# -- sign-in against the sandbox ---------------------------------------------------------------------------------


def test_sign_in_stores_only_the_customer_box_id_and_key(services, provider, sandbox, memory_keyring, make_file):
    seen = []
    obtained = services.uploads.sign_in(
        provider,
        "practice",
        {"customer_email": "Second@SkyPostal.example ", "customer_password": "practice-2"},
        on_exchange=seen.append,
    )
    assert obtained == {"customer_box_id": "822222", "customer_key": SECOND.key}
    assert sandbox.login_requests == 1
    stored = services.credentials.get_all(
        "skypostal", "practice", ["customer_box_id", "customer_key", "user_code", "app_key"]
    )
    assert stored == {"customer_box_id": "822222", "customer_key": SECOND.key}
    everything = json.dumps({f"{k}": v for k, v in memory_keyring.items.items()})
    assert "practice-2" not in everything and "second@skypostal.example" not in everything.lower()

    # The log shows the exchange, without the password or the key the answer carried (WCF writes "/" as "\/").
    (exchange,) = seen
    assert exchange.label == "Sign in (customer login)" and exchange.status == 200
    text = json.dumps(exchange.to_dict())
    for secret in ("practice-2", SECOND.key, SECOND.key.replace("/", "\\/"), APP_KEY):
        assert secret not in exchange.as_text() and secret not in text
    assert "822222" in exchange.response_body

    # The stored customer is the one the next upload uses.
    result = services.uploads.run(
        services.uploads.prepare(provider, "practice", {"trck_nmr_fol": "13869090"}, file_path=make_file("inv.pdf"))
    )
    assert result.ok, result


def test_wrong_password_is_refused_and_nothing_is_stored(services, provider, sandbox):
    expected = "SkyPostal refused the sign-in: Invalid e-mail or password. Check the customer's e-mail and password."
    with pytest.raises(InvoiceDesktopError, match=re.escape(expected)):
        services.uploads.sign_in(
            provider, "practice", {"customer_email": "demo@skypostal.example", "customer_password": "wrong"}
        )
    assert services.credentials.get_all("skypostal", "practice", ["customer_box_id", "customer_key"]) == {}


def test_wrong_app_key_at_sign_in_points_to_the_issued_credentials(services, provider, sandbox):
    with pytest.raises(InvoiceDesktopError, match="Check the user code and app key"):
        services.uploads.sign_in(
            provider,
            "practice",
            {"customer_email": "demo@skypostal.example", "customer_password": "practice-1"},
            credentials={"user_code": "396", "app_key": "f" * 32},
        )


@pytest.mark.parametrize(
    ("creds", "missing"),
    [({}, "user code and app key"), ({"user_code": "396"}, "app key"), ({"app_key": APP_KEY}, "user code")],
)
def test_sign_in_without_the_issued_credentials_is_refused_before_sending(services, provider, sandbox, creds, missing):
    with pytest.raises(CredentialsMissing, match=f"needs the {missing} SkyPostal issued"):
        services.uploads.sign_in(
            provider,
            "practice",
            {"customer_email": "demo@skypostal.example", "customer_password": "practice-1"},
            credentials=creds,
        )
    assert sandbox.login_requests == 0


def test_sign_in_needs_email_and_password(services, provider, sandbox):
    with pytest.raises(FormInvalid) as invalid:
        services.uploads.sign_in(provider, "practice", {"customer_email": "demo@skypostal.example"})
    assert invalid.value.fields == {"customer_password": "Required."}
    assert sandbox.login_requests == 0


def test_cli_stores_issued_credentials_then_signs_in_and_sends(services, provider, sandbox, run_cli, make_file):
    """The CLI path of a clerk with the issued pair and the customer's e-mail and password, on 'sandbox'
    (pointed at the practice server)."""
    base = services.uploads.base_url(provider, "practice")
    code, out, err = run_cli(
        ["credentials", "set", "skypostal", "-e", "sandbox"], stdin={"user_code": "396", "app_key": APP_KEY}
    )
    assert code == 0, err
    code, out, err = run_cli(
        [
            "send",
            "skypostal",
            "-e",
            "sandbox",
            "--base-url",
            base,
            "--data",
            '{"trck_nmr_fol": 13869085}',
            "--file",
            str(make_file("i.pdf")),
        ]
    )
    assert code == 3 and "sign in" in err
    assert sandbox.step1_requests == 0

    code, out, err = run_cli(
        ["credentials", "login", "skypostal", "-e", "sandbox", "--base-url", base],
        stdin={"customer_email": "demo@skypostal.example", "customer_password": "practice-1"},
    )
    assert code == 0, err
    assert "stored customer_box_id, customer_key" in out
    assert "practice-1" not in out + err

    code, out, err = run_cli(
        [
            "send",
            "skypostal",
            "-e",
            "sandbox",
            "--base-url",
            base,
            "--data",
            '{"trck_nmr_fol": 13869085}',
            "--file",
            str(make_file("i.pdf")),
        ]
    )
    assert code == 0, err
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1
