"""The CLI and the content checks: a damaged file is refused before anything is sent (exit 2); a file sent with a
warning (an encrypted PDF) says so on stderr."""

from __future__ import annotations

import json

from invoice_desktop.providers import get_provider

from . import documents


def send(run_cli, path):
    data = json.dumps({"order_id": "ORD-1001"})
    return run_cli(["send", "imaterialise", "--environment", "practice", "--data", data, "--file", str(path)])


def test_an_encrypted_pdf_is_sent_with_a_warning_on_stderr(run_cli, services, tmp_path):
    path = tmp_path / "protected.pdf"
    path.write_bytes(documents.pdf(owner_password="owner"))
    code, out, err = send(run_cli, path)
    assert code == 0 and json.loads(out)["outcome"] == "succeeded"
    assert err.startswith("invoice-desktop: warning: “protected.pdf” is an encrypted PDF")


def test_a_pdf_cut_short_is_refused_and_nothing_is_sent(run_cli, services, tmp_path):
    sandbox = services.uploads.practice.sandbox_for(get_provider("imaterialise"))
    real = documents.pdf(pages=2)
    path = tmp_path / "cut.pdf"
    path.write_bytes(real[: len(real) // 2])
    code, out, err = send(run_cli, path)
    assert code == 2 and out == ""
    assert "file refused, nothing was sent" in err and "“cut.pdf” is a damaged or incomplete PDF document" in err
    assert sandbox.requests_seen == [] and services.history.recent() == []
