"""A password written into an address (https://user:pw@host/…) is refused with a plain message, in the window's
Address field and the CLI's --base-url alike, before anything is recorded or sent; one already stored by an
earlier release is scrubbed from the history (schema migration) and the window's saved settings."""

from __future__ import annotations

import json
import sqlite3

import pytest

from invoice_desktop.core import schema
from invoice_desktop.core.errors import FormInvalid, TransportError
from invoice_desktop.core.history import History
from invoice_desktop.core.session import check_url_allowed, strip_userinfo
from invoice_desktop.providers import get_provider

PASSWORD = "hunter2-Zq9"
ADDRESSES = [
    f"https://bob:{PASSWORD}@imat.example.com",
    f"https://{PASSWORD}@imat.example.com/web-api",
    f"http://bob:{PASSWORD}@127.0.0.1:8080",
]


@pytest.mark.parametrize("url", ADDRESSES)
def test_an_address_with_a_user_name_or_password_is_refused(url):
    with pytest.raises(TransportError) as refused:
        check_url_allowed(url)
    assert "must not contain a user name or password" in refused.value.message
    assert PASSWORD not in refused.value.message


@pytest.mark.parametrize("url", ADDRESSES)
def test_an_upload_to_such_an_address_is_refused_before_anything_is_recorded(services, make_file, url):
    provider = get_provider("imaterialise")
    services.credentials.set("imaterialise", "sandbox", "api_code", "3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    with pytest.raises(FormInvalid) as refused:
        services.uploads.prepare(provider, "sandbox", {"order_id": "ORD-1"}, file_path=make_file("a.pdf"), base_url=url)
    assert "base_url" in refused.value.fields
    assert PASSWORD not in refused.value.message
    assert services.history.recent() == []


def test_the_cli_refuses_a_base_url_with_a_password_and_does_not_echo_it(run_cli, services, make_file):
    services.credentials.set("imaterialise", "sandbox", "api_code", "3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    args = ["send", "imaterialise", "-e", "sandbox", "--base-url", ADDRESSES[0], "--data", '{"order_id": "ORD-1"}']
    code, out, err = run_cli([*args, "--file", str(make_file("a.pdf"))])
    assert (code, out) == (2, "")
    assert "must not contain a user name or password" in err and "Nothing was sent." in err
    assert PASSWORD not in err
    assert services.history.recent() == []


def test_strip_userinfo_keeps_everything_else():
    text = f"curl -X POST 'https://bob:{PASSWORD}@host.example/x?a=1' see https://host/a@b and x@y.example"
    assert strip_userinfo(text) == "curl -X POST 'https://host.example/x?a=1' see https://host/a@b and x@y.example"


@pytest.mark.parametrize("password", ["p@ss", "@lpha@2024", "a:b@c"])
def test_strip_userinfo_takes_out_a_password_that_contains_at_signs(password):
    # Passwords often hold an "@"; typed into an address unescaped, all of it is the user-info, up to the last "@".
    text = f"curl -X POST 'https://bob:{password}@host.example/a@b?x=1' and https://bob:{password}@other.example"
    assert strip_userinfo(text) == "curl -X POST 'https://host.example/a@b?x=1' and https://other.example"


def test_passwords_stored_by_an_earlier_release_are_scrubbed_from_the_history(tmp_path):
    path = tmp_path / "history.sqlite3"
    History(path).close()
    url = f"https://bob:{PASSWORD}@imat.example.com"
    exchange = {"label": "Upload", "method": "POST", "url": f"{url}/web-api/order/1/invoice", "started_at": "x"}
    exchange["request_headers"] = {"ApiCode": "•••"}
    exchange["curl"] = f"curl -X POST {url}/web-api/order/1/invoice"
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO attempts (created_at, updated_at, provider, environment, base_url, form_json, state, "
            "summary, result_json) VALUES ('t', 't', 'imaterialise', 'sandbox', ?, '{}', 'failed', ?, ?)",
            (url, f"Could not reach {url}", json.dumps({"title": f"Could not reach {url}"})),
        )
        db.execute("INSERT INTO exchanges (attempt_id, exchange_json) VALUES (1, ?)", (json.dumps(exchange),))
        db.execute(f"PRAGMA user_version = {schema.MIGRATIONS.index(schema._v4_scrub_passwords_in_addresses)}")

    history = History(path)  # migrates
    try:
        [attempt] = history.recent()
        assert attempt.base_url == "https://imat.example.com"
        assert attempt.summary == "Could not reach https://imat.example.com"
        [logged] = history.exchanges(attempt.id)
        assert logged.url == "https://imat.example.com/web-api/order/1/invoice"
        assert PASSWORD not in logged.curl
    finally:
        history.close()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM attempts").fetchall() + db.execute("SELECT * FROM exchanges").fetchall()
    assert PASSWORD not in repr(rows)
