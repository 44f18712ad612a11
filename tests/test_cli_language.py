"""The command line's language and region: `--language` anywhere on the line, else the environment's; argparse's own
words from our catalog; and what is sent is the same bytes whatever the language and region it was typed in."""

from __future__ import annotations

import gettext
import json
import subprocess
import sys

import pytest

from invoice_desktop.core import i18n, local_format
from invoice_desktop.core.local_format import NBSP, NNBSP
from invoice_desktop.providers import get_provider

from .providers.test_payfabric import invoice


def pseudo(text: str) -> bool:
    return "[" in text and "~]" in text


def test_help_in_the_chosen_language_includes_argparses_own_words(run_cli, capsys):
    with pytest.raises(SystemExit) as ended:
        run_cli(["--language", "x-pseudo", "--help"])
    out = capsys.readouterr().out
    assert ended.value.code == 0
    assert out.startswith(i18n.pseudo_translate("usage: "))
    assert i18n.pseudo_translate("show this help message and exit") in out
    assert "--language LANG" in out


def test_a_usage_error_is_said_in_the_chosen_language_and_exits_2(run_cli, capsys):
    with pytest.raises(SystemExit) as ended:
        run_cli(["send", "--language=x-pseudo"])  # after the command too
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert i18n.pseudo_translate("the following arguments are required: %s").split("%s")[0] in err


def test_an_unknown_language_is_refused_with_exit_2(run_cli):
    code, out, err = run_cli(["--language", "tlh", "providers"])
    assert code == 2 and out == ""
    assert "unknown language “tlh”" in err and "de, es, fr, sv" in err


def test_without_the_option_the_environment_decides(run_cli, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "x-pseudo")
    run_cli(["providers"])
    assert i18n.current_language() == i18n.PSEUDO_LANGUAGE
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "sv_SE.UTF-8")
    run_cli(["providers"])
    assert i18n.current_language() == "sv"


def test_the_option_before_the_command_still_runs_the_cli_not_the_window():
    done = subprocess.run(
        [sys.executable, "-m", "invoice_desktop", "--language", "x-pseudo", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert pseudo(done.stdout.splitlines()[0])


# -- the bytes on the wire ----------------------------------------------------------------------------------------

# (language, the computer's locale, an amount and a day as a clerk there types them)
TYPED = [
    ("en", "en_US.UTF-8", "1,234.50", "03/31/2026"),
    ("de", "de_DE.UTF-8", "1.234,50", "31.03.2026"),
    ("sv", "sv_SE.UTF-8", f"1{NBSP}234,50", "2026-03-31"),
    ("fr", "fr_FR.UTF-8", f"1{NNBSP}234,50", "31/03/2026"),
    ("fr", "fr_FR.UTF-8", "1 234,50", "31/3/2026"),  # a plain space, a day without its zero
    ("en", "de_DE.UTF-8", "1.234,50", "31.03.2026"),  # an English UI on a German computer: German numbers
]


def test_what_is_sent_is_the_same_bytes_in_every_language_and_region(run_cli, services, monkeypatch, tmp_path):
    sandbox = services.uploads.practice.sandbox_for(get_provider("payfabric"))
    bodies: list[bytes] = []
    handle = sandbox.handle

    def recording(request):
        if request.method == "POST" and "invoice" in request.path.lower():
            bodies.append(request.body())
        return handle(request)

    monkeypatch.setattr(sandbox, "handle", recording)
    for language, locale, amount, day in TYPED:
        monkeypatch.setenv("LC_ALL", locale)
        local_format.set_region(None)  # read from the environment, as a fresh CLI does
        item = dict(invoice()["InvoiceItems"][0], UnitPrice=amount, ExtendedPrice=amount, ReqShipDate=day)
        typed = invoice(Amount=amount, BalanceDue=amount, SubTotal=amount, DueDate=day, InvoiceItems=[item])
        path = tmp_path / f"{language}-{len(bodies)}.json"
        path.write_text(json.dumps(typed, ensure_ascii=False), encoding="utf-8")
        code, _out, err = run_cli(["--language", language, "send", "payfabric", "--data", str(path)])
        assert code == 0, (language, locale, err)
        assert i18n.current_language() == language
    assert len(bodies) == len(TYPED)
    assert all(body == bodies[0] for body in bodies), [b[:300] for b in bodies]
    sent = json.loads(bodies[0])
    assert (sent["Amount"], sent["DueDate"]) == ("1234.50", "2026-03-31")
    assert sent["InvoiceItems"][0]["UnitPrice"] == "1234.50"


# -- German, with the German catalog as shipped -------------------------------------------------------------------

GERMAN = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=["de"])


def test_the_cli_in_german_refuses_a_wrong_file_in_german_and_exits_2(run_cli, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    wrong = make_file("invoice.txt", content=b"Invoice")
    line = ["send", "imaterialise", "--data", json.dumps({"order_id": "ORD-1001"}), "--file", str(wrong)]

    english = run_cli(["--language", "en", *line])
    code, out, err = run_cli(["--language", "de", *line])

    assert code == english[0] == 2 and out == ""
    refused = GERMAN.gettext("file refused, nothing was sent: {reason}").split("{", 1)[0]
    assert refused != "file refused, nothing was sent: ", "the German catalog lacks the CLI's refusal"
    assert err.startswith(f"invoice-desktop: {refused}")
    english_reason = english[2].split("nothing was sent: ", 1)[1].strip()
    assert english_reason not in err, f"the rule is still said in English: {err}"
    assert not sandbox.requests_seen
