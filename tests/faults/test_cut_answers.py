"""An answer cut short is never taken for an answer: a connection that ends inside the headers (http.client takes
the end of the stream for the end of the headers, and urllib3 only logs it) or inside the body leaves the upload
"may have arrived", never "accepted"."""

from __future__ import annotations

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.practice.imaterialise import IMaterialiseSandbox
from invoice_desktop.providers import get_provider

from .server import FaultServer

PROVIDER = get_provider("imaterialise")


@pytest.mark.parametrize("fault", ["cut_in_headers", "reset_mid_body"])
def test_an_answer_cut_short_is_uncertain_never_success(services, make_file, fault):
    sandbox = IMaterialiseSandbox()
    services.credentials.set_many(PROVIDER.id, "sandbox", dict(sandbox.DEMO_CREDENTIALS))
    services.uploads.timeouts = Timeouts(connect=2, read=2, deadline=10)
    with FaultServer(sandbox) as server:
        server.set_fault(fault)
        prepared = services.uploads.prepare(
            PROVIDER, "sandbox", {"order_id": "ORD-1001"}, file_path=make_file("invoice.pdf"), base_url=server.url
        )
        result = services.uploads.run(prepared)
    assert result.outcome is Outcome.UNCERTAIN, result
    assert "may or may not have received" in result.title
    assert result.detail.startswith("Check order “ORD-1001” in i.materialise")
    assert services.history.get(result.attempt_id).state == hist.UNCERTAIN
    assert [r.processed for r in server.received] == [True]  # it did arrive: exactly why "accepted" would be a guess
