"""A Shopwave sign-in outlives the command that made it: `credentials login` in one CLI process, `send` from the
next, each with its own in-process practice sandbox, as a clerk's terminal runs them (real child processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the stand-in browser forks")

# The clerk's browser, as webbrowser starts it from $BROWSER: it must return at once (the CLI waits for it) and then
# follow the practice sign-in's redirect back to the CLI's loopback address.
BROWSER_SCRIPT = """
import os, sys, urllib.request
if os.fork() == 0:
    urllib.request.urlopen(sys.argv[1], timeout=30).read()
    os._exit(0)
"""


def run_cli(app_home: Path, keyring_file: Path, browser: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(
        INVOICE_DESKTOP_HOME=str(app_home),
        INVOICE_DESKTOP_TEST_KEYRING_FILE=str(keyring_file),
        BROWSER=f"{sys.executable} {browser} %s",
        PYTHONUNBUFFERED="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "tests.cli_child", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_send_in_a_new_process_uses_the_sign_in_of_an_earlier_one(app_home, tmp_path):
    keyring_file, browser = tmp_path / "keyring.json", tmp_path / "browser.py"
    browser.write_text(BROWSER_SCRIPT, encoding="utf-8")
    login = run_cli(app_home, keyring_file, browser, "credentials", "login", "shopwave", "-e", "practice")
    assert login.returncode == 0, login.stderr
    stored = {name for _service, name, _value in json.loads(keyring_file.read_text(encoding="utf-8"))}
    assert {"access_token", "refresh_token"} <= stored

    data = {"supplierId": 10, "storeId": 1, "reference": "RESTART-1", "completeDate": "2024-05-02"}
    send = run_cli(app_home, keyring_file, browser, "send", "shopwave", "-e", "practice", "--data", json.dumps(data))
    assert send.returncode == 0, send.stdout + send.stderr
    assert "sign-in has ended" not in send.stdout + send.stderr


def test_a_send_before_any_sign_in_names_the_command_that_signs_in(app_home, tmp_path):
    """The hint names `credentials login`, which obtains Shopwave's tokens (the test above runs it), not only
    `credentials set`, which stores what the clerk types."""
    keyring_file, browser = tmp_path / "keyring.json", tmp_path / "browser.py"
    browser.write_text(BROWSER_SCRIPT, encoding="utf-8")
    data = {"supplierId": 10, "storeId": 1, "reference": "NO-SIGN-IN", "completeDate": "2024-05-02"}
    send = run_cli(app_home, keyring_file, browser, "send", "shopwave", "-e", "practice", "--data", json.dumps(data))
    assert send.returncode != 0
    assert "Shopwave needs an access token" in send.stderr, send.stderr
    assert "`invoice-desktop credentials login` to sign in" in send.stderr, send.stderr


def test_a_provider_without_a_sign_in_still_names_credentials_set(services, make_file):
    from invoice_desktop.core.errors import CredentialsMissing
    from invoice_desktop.providers import get_provider

    provider = get_provider("imaterialise")
    with pytest.raises(CredentialsMissing) as caught:
        services.uploads.prepare(provider, "production", {"order_id": "ORD-1001"}, file_path=make_file("inv.pdf"))
    assert "(or `invoice-desktop credentials set`)" in str(caught.value)
    assert "credentials login" not in str(caught.value)
