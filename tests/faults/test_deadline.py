"""The overall deadline holds against a server that trickles its answer a byte at a time (requests' read timeout
restarts with every byte, so only the app's own deadline can stop it), in the window's core and in the CLI."""

from __future__ import annotations

import json
import time

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.practice.imaterialise import IMaterialiseSandbox
from invoice_desktop.providers import get_provider

from .server import FaultServer

PROVIDER = get_provider("imaterialise")


@pytest.fixture
def server(services):
    sandbox = IMaterialiseSandbox()
    services.credentials.set_many(PROVIDER.id, "sandbox", dict(sandbox.DEMO_CREDENTIALS))
    with FaultServer(sandbox) as fault_server:
        fault_server.set_fault("trickle")
        yield fault_server


def test_a_trickling_answer_is_stopped_at_the_deadline(services, server, make_file):
    # A read timeout of 1 s never fires (a byte comes every 50 ms); the 1.5 s deadline must.
    services.uploads.timeouts = Timeouts(connect=1, read=1, deadline=1.5)
    prepared = services.uploads.prepare(
        PROVIDER, "sandbox", {"order_id": "ORD-1001"}, file_path=make_file("invoice.pdf"), base_url=server.url
    )
    started = time.monotonic()
    result = services.uploads.run(prepared)
    took = time.monotonic() - started

    assert took < 3.0, f"the 1.5 s deadline let the exchange run {took:.1f} s"
    assert result.outcome is not Outcome.SUCCEEDED
    assert "did not finish answering within the 1.5-second limit" in result.title
    assert "may or may not have received" in result.title
    assert services.history.get(result.attempt_id).state != hist.SUCCEEDED
    [exchange] = services.history.exchanges(result.attempt_id)
    assert "1.5-second limit" in (exchange.error or "")
    assert [r.processed for r in server.received] == [True]  # sent once; never again after the deadline


def test_a_deadline_that_passes_before_the_connection_is_made_still_stops_a_trickle(services, make_file, monkeypatch):
    # Name resolution (not bound by the connect timeout) or a busy machine can use up the deadline before the
    # connection exists: the watchdog then finds nothing to cut, and the connection made just after must not run
    # for as long as the trickle lasts. (SkyPostal's step 1: a JSON body, so no streamed file notices the time.)
    import urllib3.util.connection

    from invoice_desktop.practice.skypostal import SkyPostalSandbox

    skypostal = get_provider("skypostal")
    sandbox = SkyPostalSandbox()
    services.credentials.set_many(skypostal.id, "sandbox", dict(sandbox.DEMO_CREDENTIALS))
    real_connect = urllib3.util.connection.create_connection

    def slow_connect(*args, **kwargs):
        time.sleep(0.8)  # past the 0.5 s deadline
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", slow_connect)
    services.uploads.timeouts = Timeouts(connect=2, read=1, deadline=0.5)
    with FaultServer(sandbox) as fault_server:
        fault_server.set_fault("trickle")
        prepared = services.uploads.prepare(
            skypostal,
            "sandbox",
            {"trck_nmr_fol": 13869085},
            file_path=make_file("invoice.pdf"),
            base_url=fault_server.url,
        )
        started = time.monotonic()
        result = services.uploads.run(prepared)
        took = time.monotonic() - started

    assert took < 5.0, f"the 0.5 s deadline let the exchange run {took:.1f} s"  # the trickle lasts 10+ s
    assert result.outcome is not Outcome.SUCCEEDED
    assert "0.5-second limit" in f"{result.title} {result.detail}"
    assert services.history.get(result.attempt_id).state != hist.SUCCEEDED


def test_the_cli_takes_a_timeout_and_keeps_to_it(run_cli, services, server, make_file):
    services.uploads.timeouts = Timeouts(connect=5, read=30, deadline=600)  # the defaults' order of magnitude
    args = [
        "send",
        "imaterialise",
        "-e",
        "sandbox",
        "--base-url",
        server.url,
        "--data",
        json.dumps({"order_id": "ORD-1001"}),
    ]
    started = time.monotonic()
    code, out, err = run_cli([*args, "--file", str(make_file("invoice.pdf")), "--timeout", "1.5"])
    took = time.monotonic() - started
    assert took < 3.0, f"--timeout 1.5 let the CLI run {took:.1f} s"
    assert code != 0 and out == ""
    assert "within the 1.5-second limit" in err


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_timeout_that_is_not_a_number_of_seconds_is_refused(run_cli, value, capsys):
    with pytest.raises(SystemExit) as stopped:
        run_cli(["send", "imaterialise", "--data", "{}", "--timeout", value])
    assert stopped.value.code == 2
    assert "is not a number of seconds" in capsys.readouterr().err
