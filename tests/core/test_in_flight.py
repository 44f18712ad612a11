"""Two clerks sending the same target at the same moment: one proceeds, the other is told "being sent by NAME right
now" and sends nothing — decided by the database (a unique in-flight key on the target, held while the attempt is
`sending`), not by timing; a crashed clerk's claim expires with its lease. The same rule on this computer's history
(a window and a command) and on the office's server."""

from __future__ import annotations

import threading
import time

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.history import BeingSent
from invoice_desktop.core.results import Outcome
from invoice_desktop.providers import get_provider

IMAT = get_provider("imaterialise")
ANNA, BEN, CARLA = "anna@FRONTDESK-2", "ben@BACKOFFICE", "carla@FRONTDESK-3"


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


def claim(history, target: str = "ORD-1001") -> int:
    return history.create(provider="imaterialise", environment="practice", base_url="u", form={}, targets=[target])


def uploads_seen(sandbox) -> int:
    return sum(1 for method, path in sandbox.requests_seen if method == "POST")


def test_a_clerk_sending_what_a_colleague_is_sending_right_now_is_told_who_and_sends_nothing(clerks, make_file):
    anna, ben = clerks[ANNA], clerks[BEN]
    sandbox = anna.uploads.practice.sandbox_for(IMAT)
    arrived, release = threading.Event(), threading.Event()

    def hold(_request) -> None:  # Anna's upload is on its way: the provider is still receiving it
        arrived.set()
        assert release.wait(30)

    sandbox.before_handle = hold
    annas: dict[str, object] = {}
    prepared = anna.uploads.prepare(IMAT, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    sending = threading.Thread(target=lambda: annas.setdefault("result", anna.uploads.run(prepared)))
    sending.start()
    try:
        assert arrived.wait(30)
        sandbox.before_handle = None
        bens = ben.uploads.run(
            ben.uploads.prepare(IMAT, "practice", {"order_id": "ORD-1001"}, file_path=make_file("b.pdf", size=4000))
        )
    finally:
        release.set()
        sending.join(30)

    assert bens.outcome is Outcome.FAILED
    assert bens.title.startswith(f"Not sent: “ORD-1001” is being sent by {ANNA} right now (attempt ")
    assert "Nothing was sent" in bens.detail
    assert uploads_seen(sandbox) == 1  # Anna's only
    annas_result = annas["result"]
    assert annas_result.ok  # type: ignore[attr-defined]
    # Both are recorded as they happened: Anna's sent, Ben's refused before sending, under his name.
    recorded = ben.history.get(bens.attempt_id)
    assert recorded is not None and recorded.state == hist.FAILED and recorded.clerk == BEN
    assert recorded.summary == bens.title and ben.history.exchanges(bens.attempt_id) == []
    assert recorded.result["data"]["being_sent_by"] == ANNA
    # Anna's upload settled: the order is free again (and Ben is now told it was already uploaded, by whom).
    again = ben.uploads.prepare(IMAT, "practice", {"order_id": "ORD-1001"}, file_path=make_file("b.pdf", size=4000))
    assert any(f"by {ANNA}" in w for w in again.warnings(ben.history))
    assert ben.uploads.run(again).ok


def race(apps, target: str) -> tuple[list[int], list[BeingSent]]:
    """Every app claims `target` at the same instant (released by a barrier); who won, who was told who."""
    barrier = threading.Barrier(len(apps))
    won: list[int] = []
    lost: list[BeingSent] = []

    def go(history) -> None:
        barrier.wait(30)
        try:
            won.append(claim(history, target))
        except BeingSent as exc:
            lost.append(exc)

    threads = [threading.Thread(target=go, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return won, lost


def test_apps_claiming_one_target_at_the_same_instant_get_it_exactly_once(open_history):
    apps = [open_history("office", clerk=f"clerk{n}@DESK-{n}") for n in range(4)]
    try:
        for round_ in range(5):
            won, lost = race(apps, f"ORD-{round_}")
            assert len(won) == 1 and len(lost) == len(apps) - 1, (won, lost)
            assert {exc.holder_id for exc in lost} == set(won)
            winner = apps[0].get(won[0])
            assert winner is not None and winner.state == hist.SENDING
            for exc in lost:
                refused = apps[0].get(exc.attempt_id)
                assert refused is not None and refused.state == hist.FAILED
                assert str(winner.clerk) in str(exc.title) and refused.summary == exc.title
    finally:
        for app in apps:
            app.close()


def test_a_settled_attempt_frees_its_target_and_uploads_without_targets_never_wait(open_history):
    anna, ben = open_history("office", clerk=ANNA), open_history("office", clerk=BEN)
    try:
        first = claim(anna)
        with pytest.raises(BeingSent):
            claim(ben)
        anna.finish(first, state=hist.REJECTED, summary="refused")
        second = claim(ben)  # free once settled, whatever the outcome
        with pytest.raises(BeingSent, match="another Invoice Desktop window or command of yours"):
            claim(ben)  # Ben's own other window
        ben.close()  # his app closes mid-upload: the attempt is interrupted, and the order free
        assert anna.get(second).state == hist.INTERRUPTED
        claim(anna)
        # DäckData's settings declare no target: saving them twice at once is no conflict.
        for history in (anna, anna):
            history.create(provider="ddapi", environment="practice", base_url="u", form={}, targets=[])
        # Another environment or provider is another target.
        anna.create(provider="imaterialise", environment="sandbox", base_url="u", form={}, targets=["ORD-1001"])
        anna.create(provider="skypostal", environment="practice", base_url="u", form={}, targets=["ORD-1001"])
    finally:
        anna.close()
        ben.close()


def test_a_crashed_clerks_claim_expires_with_the_lease_and_the_colleague_proceeds(open_history):
    anna = open_history("office", clerk=ANNA, lease_s=0.3)
    carla = open_history("office", clerk=CARLA)  # a live clerk with the usual 30 s lease
    ben = open_history("office", clerk=BEN)
    try:
        carlas = claim(carla, "ORD-2")
        annas = claim(anna, "ORD-1")
        anna._keeper.stop()  # Anna's app dies: no heartbeat renews her lease
        time.sleep(0.6)
        with pytest.raises(BeingSent, match=CARLA):
            claim(ben, "ORD-2")  # Carla's lease is live: still hers
        bens = claim(ben, "ORD-1")  # Anna's lapsed: hers is marked interrupted and Ben proceeds
        assert ben.get(annas).state == hist.INTERRUPTED
        assert "may have arrived" in ben.get(annas).summary
        assert ben.get(bens).state == hist.SENDING and ben.get(carlas).state == hist.SENDING
    finally:
        for h in (anna, carla, ben):
            h.close()


def test_leases_are_judged_by_the_databases_clock_not_a_clerks(open_history, monkeypatch):
    anna = open_history("office", clerk=ANNA)
    try:
        claim(anna)
        # Ben's computer clock runs an hour ahead: by it, Anna's lease lapsed long ago.
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 3600)
        ben = open_history("office", clerk=BEN)
        try:
            with pytest.raises(BeingSent, match=ANNA):
                claim(ben)
            assert ben.mark_interrupted() == 0
        finally:
            ben.close()
    finally:
        anna.close()
