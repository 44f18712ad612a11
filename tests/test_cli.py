"""The command line, as a script or a clerk at a terminal uses it: exit codes, JSON on stdout for success, one plain
line on stderr otherwise, and nothing sent when the input is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.practice.imaterialise import DEMO_API_CODE, OTHER_API_CODE
from invoice_desktop.providers import get_provider

from .memory_keyring import LockedKeyring

PROVIDER = get_provider("imaterialise")
SANDBOX_CODE = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)  # mounted now, so "no request" can be checked


def send(run_cli, order: str | None, *extra: str):
    args = ["send", "imaterialise", "--environment", "practice"]
    if order is not None:
        args += ["--data", json.dumps({"order_id": order})]
    return run_cli(args + list(extra))


def no_secret(*texts: str) -> None:
    for text in texts:
        for secret in (DEMO_API_CODE, OTHER_API_CODE, SANDBOX_CODE):
            assert secret not in text.lower()


# -- send -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, "json", "xml"])
def test_send_success_prints_the_result_as_json(run_cli, sandbox, make_file, fmt):
    accepts: list[str] = []
    sandbox.before_handle = lambda request: accepts.append(request.header("Accept"))
    pdf = make_file("Rechnung_Müller_№5.pdf", size=3000)
    code, out, err = send(run_cli, "ORD-1001", "--file", str(pdf), *(["--format", fmt] if fmt else []))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["outcome"] == "succeeded"
    assert result["title"] == "i.materialise accepted the invoice for order “ORD-1001”."
    assert isinstance(result["attempt_id"], int)
    assert "Rechnung_Müller_№5.pdf" in out  # printed as is, not \u-escaped
    assert sandbox.received[-1]["filename"] == "Rechnung_Müller_№5.pdf"
    assert accepts == ["application/xml" if fmt == "xml" else "application/json"]
    no_secret(out, err)


def test_send_a_document_url(run_cli, sandbox):
    code, out, _ = send(run_cli, "ORD-1002", "--file-url", "https://files.example.com/4711.pdf")
    assert code == 0 and json.loads(out)["outcome"] == "succeeded"
    assert sandbox.received[-1]["file_url"] == "https://files.example.com/4711.pdf"


def test_data_from_a_json_file_written_by_windows_notepad(run_cli, sandbox, make_file, tmp_path):
    data = tmp_path / "form.json"
    data.write_bytes(b"\xef\xbb\xbf" + json.dumps({"order_id": "ORD-1002"}).encode())  # with a BOM
    code, out, _ = run_cli(["send", "imaterialise", "--data", str(data), "--file", str(make_file("a.pdf"))])
    assert code == 0, out
    assert sandbox.orders["ORD-1002"].invoice is not None


@pytest.mark.parametrize(
    ("name", "kwargs", "words"),
    [
        ("invoice.txt", {"content": b"Invoice"}, "accepts only .pdf .doc .docx .xls .xlsx"),
        ("empty.pdf", {"content": b""}, "is empty"),
        ("huge.pdf", {"size": 10 * 1024 * 1024 + 1}, "the limit is 10 MB"),
        ("fake.pdf", {"content": b"<html>not a pdf</html>"}, "its content is not a PDF document"),
        ("missing.pdf", None, "does not exist"),
        ("folder.pdf", "folder", "is a folder"),
    ],
)
def test_a_refused_file_sends_nothing(run_cli, services, sandbox, make_file, tmp_path, name, kwargs, words):
    if kwargs is None:
        path = tmp_path / name
    elif kwargs == "folder":
        path = tmp_path / name
        path.mkdir()
    else:
        path = make_file(name, **kwargs)
    code, out, err = send(run_cli, "ORD-1001", "--file", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("invoice-desktop: file refused, nothing was sent: ")
    assert words in err
    assert err.count("\n") == 1  # one line, no traceback
    assert sandbox.requests_seen == []
    assert services.history.recent() == []


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ('{"order_id": ""}', "order_id: String should have at least 1 character. Nothing was sent."),
        ("{}", "order_id: Required. Nothing was sent."),
        ('{"order_id": "ORD 1001"}', "An order ID has no spaces."),
        ('{"order_id": "ORD-1001",}', "--data is not valid JSON: "),
        ("[1, 2]", "Some fields need correcting: form: Input should be a valid dictionary"),
        ("no-such-form.json", "--data “no-such-form.json” cannot be read (No such file or directory)"),
    ],
)
def test_bad_data_sends_nothing(run_cli, services, sandbox, make_file, data, words):
    code, out, err = run_cli(["send", "imaterialise", "--data", data, "--file", str(make_file("a.pdf"))])
    assert code == 2 and out == ""
    assert words in err
    assert err.count("\n") == 1
    assert sandbox.requests_seen == [] and services.history.recent() == []


def test_no_file_and_no_url_sends_nothing(run_cli, sandbox):
    code, _, err = send(run_cli, "ORD-1001")
    assert code == 2 and "Add the invoice" in err
    assert sandbox.requests_seen == []


def test_file_and_url_together_are_a_usage_error(run_cli, sandbox, make_file, capsys):
    with pytest.raises(SystemExit) as info:
        send(run_cli, "ORD-1001", "--file", str(make_file("a.pdf")), "--file-url", "https://x.example/a.pdf")
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert sandbox.requests_seen == []


def test_an_unknown_provider_is_named(run_cli):
    code, _, err = run_cli(["send", "imaterialize", "--data", "{}"])
    assert code == 2
    assert "Unknown provider “imaterialize”" in err and "imaterialise" in err


@pytest.mark.parametrize(
    ("order", "provider_words"),
    [
        ("ORD-2001", "[provider: 103 Order is already shipped or cancelled]"),
        ("ORD-2002", "[provider: 103 Order is already shipped or cancelled]"),
        ("ORD-0000", "[provider: 100 Order ID is wrong]"),
        ("ORD-3001", "[provider: 101 Wrong API code]"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_rejected_upload_exits_1_with_the_providers_code(run_cli, services, make_file, order, provider_words, fmt):
    code, out, err = send(run_cli, order, "--file", str(make_file("a.pdf")), "--format", fmt)
    assert code == 1 and out == ""
    [attempt] = services.history.recent()
    assert err.startswith("invoice-desktop: ")
    assert provider_words in err
    assert err.rstrip().endswith(f"(attempt {attempt.id})")
    assert attempt.state == "rejected"
    no_secret(err)


def test_missing_credentials_exit_3_before_anything_is_sent(run_cli, services, make_file):
    code, out, err = run_cli(
        [
            "send",
            "imaterialise",
            "--environment",
            "sandbox",
            "--data",
            '{"order_id": "ORD-1001"}',
            "--file",
            str(make_file("a.pdf")),
        ]
    )
    assert code == 3 and out == ""
    assert "API code is missing" in err and "invoice-desktop credentials set" in err
    assert services.history.recent() == []


def test_a_plain_http_address_is_refused(run_cli, services, make_file):
    run_cli(["credentials", "set", "imaterialise", "-e", "sandbox"], stdin={"api_code": SANDBOX_CODE})
    code, _, err = run_cli(
        [
            *("send", "imaterialise", "-e", "sandbox", "--data", '{"order_id": "ORD-1001"}'),
            *("--file", str(make_file("a.pdf")), "--base-url", "http://imatsandbox.materialise.net"),
        ]
    )
    assert code == 2 and "only https is allowed" in err
    assert services.history.recent() == []


def test_practice_never_sends_to_another_address(run_cli, services, make_file):
    """Issue 11 item 4: `-e practice --base-url …` is refused, not sent there under the practice banner."""
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    elsewhere = services.uploads.practice.base_url(get_provider("imaterialise"))  # a real, listening address
    code, out, err = send(run_cli, "ORD-1001", "--file", str(make_file("a.pdf")), "--base-url", elsewhere)
    assert code == 2 and out == ""
    assert "choose -e sandbox or -e production to send elsewhere" in err
    assert services.history.recent() == [] and sandbox.received == []
    code, _, err = run_cli(["get", "ddapi", "--base-url", "https://example.com", "--data", '{"CustomerNumber": 1}'])
    assert code == 2 and "choose -e sandbox or -e production" in err


# -- credentials ----------------------------------------------------------------------------------------------


def test_credentials_set_show_and_delete(run_cli, memory_keyring):
    code, out, err = run_cli(
        ["credentials", "set", "imaterialise", "--environment", "sandbox"], stdin={"api_code": SANDBOX_CODE}
    )
    assert code == 0, err
    assert out.startswith("Saved the i.materialise credentials for sandbox.")
    assert "system keyring" in out
    assert memory_keyring.items == {("invoice-desktop/imaterialise/sandbox", "api_code"): SANDBOX_CODE}

    code, out, err = run_cli(["credentials", "show", "imaterialise", "--environment", "sandbox"])
    assert code == 0 and out == "api_code: set\n"
    code, out, _ = run_cli(["credentials", "show", "imaterialise", "--environment", "production"])
    assert out == "api_code: not set\n"

    code, out, _ = run_cli(["credentials", "delete", "imaterialise", "--environment", "sandbox"])
    assert code == 0 and out == "Deleted the i.materialise credentials for sandbox.\n"
    assert memory_keyring.items == {}
    no_secret(out, err)


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ({"api_code": "not-a-guid"}, "An API code looks like 3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        ({"api_code": SANDBOX_CODE[:-1]}, "An API code looks like"),
        ({}, "API code is missing."),
        ({"api_code": SANDBOX_CODE, "apikey": "x"}, "has no credential field apikey; its fields are api_code"),
        ("api_code=" + SANDBOX_CODE, "reads a JSON object of fields from standard input"),
        ('["' + SANDBOX_CODE + '"]', "reads a JSON object of fields from standard input"),
    ],
)
def test_credentials_set_refuses_bad_input_and_stores_nothing(run_cli, memory_keyring, stdin, words):
    code, out, err = run_cli(["credentials", "set", "imaterialise", "--environment", "sandbox"], stdin=stdin)
    assert code == 2 and out == ""
    assert words in err
    assert memory_keyring.items == {}


def test_stored_practice_credentials_take_the_place_of_the_demo_ones(run_cli, make_file):
    code, _, _ = run_cli(
        ["credentials", "set", "imaterialise", "--environment", "practice"],
        stdin=json.dumps({"api_code": OTHER_API_CODE}),
    )
    assert code == 0
    assert send(run_cli, "ORD-3001", "--file", str(make_file("a.pdf")))[0] == 0
    code, _, err = send(run_cli, "ORD-1001", "--file", str(make_file("b.pdf")))
    assert code == 1 and "[provider: 101 Wrong API code]" in err
    run_cli(["credentials", "delete", "imaterialise", "--environment", "practice"])
    assert send(run_cli, "ORD-1001", "--file", str(make_file("c.pdf")))[0] == 0  # demo code again


def test_credentials_set_with_a_locked_keyring_says_session_only(run_cli, services, memory_keyring):
    services.credentials = CredentialStore(LockedKeyring())
    code, out, _ = run_cli(
        ["credentials", "set", "imaterialise", "--environment", "sandbox"], stdin={"api_code": SANDBOX_CODE}
    )
    assert code == 0
    assert "kept for this session only" in out
    no_secret(out)


# -- history and retry ---------------------------------------------------------------------------------------


def test_history_lists_attempts_newest_first(run_cli, make_file):
    code, out, _ = run_cli(["history"])
    assert (code, out) == (0, "No uploads yet.\n")
    send(run_cli, "ORD-1001", "--file", str(make_file("first.pdf")))
    send(run_cli, "ORD-2001", "--file", str(make_file("second.pdf")))

    code, out, _ = run_cli(["history"])
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "second.pdf" in lines[0] and "rejected" in lines[0] and "practice" in lines[0]
    assert "first.pdf" in lines[1] and "succeeded" in lines[1] and "i.materialise" in lines[1]  # its name

    code, out, _ = run_cli(["history", "--json", "--limit", "1"])
    [latest] = json.loads(out)
    assert (latest["state"], latest["provider_code"], latest["file_name"]) == ("rejected", "103", "second.pdf")
    no_secret(out)


def test_history_searches_the_whole_history_and_writes_csv(run_cli, make_file, tmp_path):
    for order in ("ORD-1001", "ORD-2001", "ORD-1001"):
        send(run_cli, order, "--file", str(make_file(f"{order}.pdf")))
    code, out, _ = run_cli(["history", "--search", "ORD-2001"])
    [line] = out.splitlines()
    assert code == 0 and line.split()[0] == "2" and "order ORD-2001 — ORD-2001.pdf" in line
    code, out, _ = run_cli(["history", "--state", "succeeded", "--provider", "imaterialise", "--since", "2000-01-01"])
    assert [line.split()[0] for line in out.splitlines()] == ["3", "1"]
    code, out, _ = run_cli(["history", "--until", "2000-01-01"])
    assert (code, out) == (0, "No attempt matches.\n")
    with pytest.raises(SystemExit) as refused:  # argparse: usage and the reason on stderr, exit 2
        run_cli(["history", "--since", "yesterday"])
    assert refused.value.code == 2

    target = tmp_path / "month.csv"
    code, out, _ = run_cli(["history", "--search", "ORD-1001", "--csv", str(target)])
    assert (code, out) == (0, f"Wrote 2 attempts to {target}.\n")
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Attempt,Retry of,Time,Provider") and len(lines) == 3
    assert ",i.materialise,practice,order ORD-1001," in lines[1]


def test_retry_continues_a_failed_attempt(run_cli, services, sandbox, make_file):
    usual = services.uploads.timeouts
    # The provider holds its answer, so the first send runs out of a short read timeout however loaded the machine.
    services.uploads.timeouts = Timeouts(connect=5, read=0.3, deadline=30)
    release = sandbox.hold_answers()
    try:
        code, _, err = send(run_cli, "ORD-1002", "--file", str(make_file("a.pdf")))
    finally:
        release.set()
        # The resend below must be answered: with the usual patience, not 0.3 s (a loaded machine's practice
        # server, in this process, took longer now and then, and the resend came back "uncertain").
        services.uploads.timeouts = usual
    assert code == 4 and "may or may not have received" in err  # 4: uncertain, it may have arrived
    [attempt] = services.history.recent()
    # It may have arrived: the CLI sends it again only when told so, after the clerk checked.
    code, out, err = run_cli(["retry", str(attempt.id)])
    assert (code, out) == (4, "")
    assert "may already have reached i.materialise" in err and "Check order “ORD-1002” in i.materialise" in err
    assert (
        f"Nothing was sent. If it did not arrive, send it again with: invoice-desktop retry {attempt.id} --resend"
        in err
    )
    assert len(services.history.recent()) == 1
    code, out, _ = run_cli(["retry", str(attempt.id), "--resend"])
    retried = json.loads(out)["attempt_id"]
    assert code == 0 and retried != attempt.id  # a new attempt …
    assert services.history.get(retried).retry_of == attempt.id  # … linked to the one it sent again
    code, _, err = run_cli(["retry", str(attempt.id)])
    assert code == 1 and f"already succeeded (it was sent again as attempt {retried})" in err
    code, out, _ = run_cli(["history"])
    assert out.splitlines()[0].split()[0] == str(retried) and f"retry of #{attempt.id}: " in out.splitlines()[0]


# -- the entry point ------------------------------------------------------------------------------------------


def test_python_m_invoice_desktop_runs_the_cli(tmp_path):
    env = {
        **os.environ,
        "INVOICE_DESKTOP_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "invoice_desktop", "providers"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert any(line.startswith("imaterialise ") for line in done.stdout.splitlines())
    assert "i.materialise" in done.stdout and "practice, sandbox, production" in done.stdout
    assert (tmp_path / "home" / "logs" / "invoice-desktop.log").exists()  # the CLI logs to the app's log file


# -- Retry of a refusal asks first (issue 11 item 8) ----------------------------------------------------------------


def test_retry_of_a_refusal_needs_yes_and_quotes_the_reason(run_cli, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    code, _, err = send(run_cli, "ORD-2001", "--file", str(make_file("a.pdf")))  # refused: already shipped
    assert code == 1, err
    refused = services.history.recent()[0]
    seen = len(sandbox.requests_seen)

    code, out, err = run_cli(["retry", str(refused.id)])
    assert code == 2 and out == ""
    assert "i.materialise refused attempt" in err and "already shipped or cancelled" in err
    assert "--yes" in err and "Nothing was sent" in err
    assert len(sandbox.requests_seen) == seen and len(services.history.recent()) == 1

    code, _, err = run_cli(["retry", str(refused.id), "--yes"])
    assert code == 1 and "already shipped" in err  # sent again, and refused again: as the clerk was told
    assert len(sandbox.requests_seen) == seen + 1 and len(services.history.recent()) == 2


def test_the_cli_speaks_the_chosen_language_and_its_json_keeps_its_keys(run_cli, sandbox, make_file, capsys):
    from invoice_desktop.core import i18n

    try:
        code, out, _err = run_cli(["--language", "x-pseudo", "providers"])
        assert code == 0
        assert i18n.pseudo_translate("Attach the invoice document to an i.materialise order.") in out
        with pytest.raises(SystemExit):
            run_cli(["--language", "x-pseudo", "send", "--help"])
        shown = capsys.readouterr().out
        assert i18n.pseudo_translate("the invoice file") in shown  # our help text
        # A result's JSON keeps its keys and codes; only the sentences in it follow the language.
        code, out, _err = run_cli(
            [
                "--language",
                "x-pseudo",
                "send",
                "imaterialise",
                "-d",
                '{"order_id": "ORD-1001"}',
                "-f",
                str(make_file("a.pdf")),
            ]
        )
        assert code == 0
        result = json.loads(out)
        assert result["outcome"] == "succeeded"
        assert result["title"] == i18n.pseudo_translate(
            "i.materialise accepted the invoice for order “{order}”."
        ).format(order="ORD-1001")
    finally:
        i18n.set_language("en")


def test_retry_of_a_refused_api_code_says_to_enter_the_credentials_again(run_cli, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    run_cli(["credentials", "set", "imaterialise", "-e", "practice"], stdin={"api_code": SANDBOX_CODE})  # unknown there
    code, _, err = send(run_cli, "ORD-1001", "--file", str(make_file("a.pdf")))
    assert code == 1 and "Wrong API code" in err
    refused = services.history.recent()[0]
    seen = len(sandbox.requests_seen)

    code, out, err = run_cli(["retry", str(refused.id)])
    assert code == 2 and out == ""
    assert "It refused the credentials, not the invoice: enter them again for this environment" in err
    assert "`invoice-desktop credentials set`" in err and "With the same credentials it will be refused again" in err
    assert "most likely be refused again" not in err
    assert len(sandbox.requests_seen) == seen

    run_cli(["credentials", "set", "imaterialise", "-e", "practice"], stdin={"api_code": DEMO_API_CODE})  # as told
    code, out, err = run_cli(["retry", str(refused.id), "--yes"])
    assert code == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    no_secret(out, err)
