"""The fault matrix: 5 providers × 10 faults, each played by a loopback server posing as the provider's host, each
sent as a clerk's script would send it (the CLI), then sent again with Retry once the fault is gone.

Every cell asserts what a clerk relies on: the exit code and outcome class (succeeded / refused / failed, nothing
arrived / uncertain, may have arrived), a plain message that says what to do next, the history's record, how many
requests the provider's host received and processed (never a second create unasked), and that Retry completes
exactly once, or asks first where the upload may already have arrived.

The answer faults strike the provider's create request (the one that stores something); its other requests (a
token, DDAPI's read-back) are answered normally, as when a proxy breaks one exchange. Connection faults (refused,
untrusted certificate) strike everything. Timeouts are short so the whole matrix runs in well under a minute.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.practice.server import SandboxRequest
from invoice_desktop.providers import get_provider

from ..providers.test_ddapi import CUSTOMER_1
from ..providers.test_payfabric import SEED as PAYFABRIC_INVOICE
from .server import FaultServer

EXIT_OK, EXIT_FAILED, EXIT_UNCERTAIN = 0, 1, 4
FAULTS = (
    "refused",
    "reset_mid_body",
    "never_answers",
    "trickle",
    "busy_429",
    "error_500",
    "unavailable_503",
    "html_200",
    "html_502",
    "malformed_200",
    "tls_untrusted",
)
# Faults where the host did the work before the answer went wrong (FaultServer.FAULTS says which).
PROCESSED = {"reset_mid_body", "never_answers", "trickle", "html_200", "malformed_200"}
NOT_ARRIVED = {"refused", "tls_untrusted"}
# Words that tell the clerk what to do next; every message that is not a success carries one.
NEXT_STEP = ("try again", "Retry", "Check", "check", "Send them again")


@dataclass(frozen=True)
class Case:
    provider: str
    data: Any
    creates: Callable[[SandboxRequest], bool]  # the request that stores something
    file: bool = True


def _shopwave_invoice() -> dict[str, Any]:
    return {
        "supplierId": 10,
        "storeId": 1,
        "reference": "FAULT-1",
        "completeDate": "2024-05-31",
        "invoiceItems": [{"name": "Tyres", "quantity": 4, "price": "49.00", "vatPercentage": 20}],
    }


CASES = {
    "imaterialise": Case(
        "imaterialise", {"order_id": "ORD-1001"}, lambda r: r.method == "POST" and r.path.endswith("/invoice")
    ),
    "skypostal": Case(
        "skypostal",
        {"trck_nmr_fol": 13869085},
        lambda r: r.method == "POST" and r.path.endswith("customer-upload-invoice-data"),
    ),
    "payfabric": Case(
        "payfabric", PAYFABRIC_INVOICE, lambda r: r.method == "POST" and "/invoices" in r.path, file=False
    ),
    "shopwave": Case(
        "shopwave", _shopwave_invoice(), lambda r: r.method == "POST" and r.path.endswith("/invoice"), file=False
    ),
    "ddapi": Case(
        "ddapi",
        {**CUSTOMER_1, "TermsOfPaymentId": 2},
        lambda r: r.method == "POST" and r.path.endswith("/api/customers/invoice"),
        file=False,
    ),
}


def expected(provider: str, fault: str) -> tuple[int, str]:
    """(exit code, history state) after the faulty send."""
    if fault in NOT_ARRIVED or fault == "busy_429":
        return EXIT_FAILED, hist.FAILED
    if provider == "ddapi":
        # DDAPI settles the lost answer by reading the settings back: saved, or not saved.
        return (EXIT_OK, hist.SUCCEEDED) if fault in PROCESSED else (EXIT_FAILED, hist.FAILED)
    return EXIT_UNCERTAIN, hist.UNCERTAIN


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    authority.cert_pem.write_to_path(str(path))
    authority.pem_path = path
    yield authority


def _server(case: Case, fault: str, ca: Any) -> FaultServer:
    provider = get_provider(case.provider)
    module_name, _, class_name = provider.practice_sandbox.partition(":")
    import importlib

    sandbox = getattr(importlib.import_module(module_name), class_name)()
    tls = None
    if fault == "tls_untrusted":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1").configure_cert(tls)
    return FaultServer(sandbox, tls=tls, faulty=case.creates)


def _sign_in(services: Any, case: Case, server: FaultServer) -> None:
    sandbox = server.sandbox
    values = dict(sandbox.DEMO_CREDENTIALS)
    if case.provider == "shopwave":  # a token the sandbox issued (the OAuth dance has its own tests)
        from invoice_desktop.practice.shopwave import DEMO_CLIENT_ID

        token = "fault-matrix-token"
        sandbox.access_tokens[token] = time.time() + 3600
        sandbox.token_clients[token] = DEMO_CLIENT_ID
        values.update(access_token=token, token_type="Bearer")
    services.credentials.set_many(case.provider, "sandbox", values)


def _processed_creates(server: FaultServer, case: Case) -> int:
    return sum(1 for r in server.received if r.processed and case.creates(_as_request(r)))


def _as_request(received: Any) -> Any:
    return type("R", (), {"method": received.method, "path": received.path})()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", list(CASES))
def test_fault(provider, fault, services, run_cli, make_file, ca, monkeypatch):
    case = CASES[provider]
    services.uploads.timeouts = Timeouts(connect=0.5, read=0.6, deadline=1.5)
    with _server(case, fault, ca) as server:
        _sign_in(services, case, server)
        server.set_fault(fault)
        args = ["send", provider, "-e", "sandbox", "--base-url", server.url, "--data", json.dumps(case.data)]
        if case.file:
            args += ["--file", str(make_file("invoice.pdf"))]

        started = time.monotonic()
        code, out, err = run_cli(args)
        took = time.monotonic() - started

        want_code, want_state = expected(provider, fault)
        assert code == want_code, f"{provider}/{fault}: exit {code}, {err or out}"
        assert took < 5.0, f"{provider}/{fault} took {took:.1f} s"
        [attempt] = services.history.recent()
        assert attempt.state == want_state
        if code == EXIT_OK:
            assert json.loads(out)["outcome"] == "succeeded"
        else:
            assert out == "" and f"(attempt {attempt.id})" in err
            assert any(words in err for words in NEXT_STEP), f"no next step in: {err}"
        if fault == "busy_429":
            assert "busy: try again later" in err and "Correct" not in err
            turned_away = [r for r in server.received if case.creates(_as_request(r))]
            assert len(turned_away) == 3 and _processed_creates(server, case) == 0  # 2 retries after Retry-After
        if fault in NOT_ARRIVED:
            assert server.received == []
            assert "could not be reached" in err or "not trusted" in err
        creates = _processed_creates(server, case)
        assert creates == (1 if fault in PROCESSED else 0)

        # The fault goes away (the certificate gets installed, the proxy recovers). Retry.
        server.set_fault(None)
        if fault == "tls_untrusted":
            monkeypatch.setenv("SSL_CERT_FILE", str(ca.pem_path))
        before = len(server.received)
        code, out, err = run_cli(["retry", str(attempt.id)])

        if want_state == hist.SUCCEEDED:
            assert code == EXIT_FAILED and "already succeeded" in err
            assert len(server.received) == before
        elif want_state == hist.UNCERTAIN and services.uploads.resend_question(attempt.id) is not None:
            # It may have arrived and sending again could duplicate it: asked first, nothing sent.
            assert code == EXIT_UNCERTAIN and out == ""
            assert f"invoice-desktop retry {attempt.id} --resend" in err and "Nothing was sent" in err
            assert len(server.received) == before
            assert provider in ("imaterialise", "skypostal", "shopwave")
        else:
            assert code == EXIT_OK, f"{provider}/{fault} retry: {err}"
            retried = json.loads(out)
            assert retried["outcome"] == "succeeded"
            assert services.history.get(retried["attempt_id"]).retry_of == attempt.id
            if provider == "ddapi":
                # Read back first: a save that happened is never sent twice.
                assert _processed_creates(server, case) == 1
            elif provider == "payfabric":
                # Create-or-update by InvoiceId: sending again is safe, so Retry does not ask.
                assert _processed_creates(server, case) == creates + 1
                assert len(server.sandbox.invoices) == 1
            else:
                assert _processed_creates(server, case) == 1  # exactly once in all
