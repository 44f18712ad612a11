"""History: every attempt is written before it is sent, then closed with the outcome and the provider's answer;
an attempt left "sending" by a crash is marked interrupted at the next start; the newest come first."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.errors import InvoiceDesktopError
from invoice_desktop.core.history import History
from invoice_desktop.core.results import Outcome, UploadResult
from invoice_desktop.core.services import Services
from invoice_desktop.core.transport import Timeouts
from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import get_provider, registry
from invoice_desktop.wiring import create_services

PROVIDER = get_provider("imaterialise")


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)


def prepare(services, file, order: str = "ORD-1001"):
    return services.uploads.prepare(PROVIDER, "practice", {"order_id": order}, file_path=file)


def test_the_attempt_is_recorded_before_the_request_reaches_the_provider(services, sandbox, make_file):
    seen_by_server: list[tuple] = []

    def look_at_history(request):  # runs on the server's thread, while the request is being received
        attempts = services.history.recent()
        seen_by_server.append([(a.state, a.file_name, a.form) for a in attempts])

    sandbox.before_handle = look_at_history
    pdf = make_file("Rechnung_Müller_№5.pdf", size=2000)
    prepared = prepare(services, pdf)
    assert services.history.recent() == []  # preparing records nothing
    result = services.uploads.run(prepared)

    assert seen_by_server == [[("sending", "Rechnung_Müller_№5.pdf", {"order_id": "ORD-1001"})]]
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.SUCCEEDED
    assert attempt.provider == "imaterialise" and attempt.environment == "practice"
    assert attempt.base_url == prepared.base_url
    assert (attempt.file_path, attempt.file_size) == (str(pdf), 2000)
    assert attempt.result["outcome"] == "succeeded" and attempt.result["attempt_id"] == result.attempt_id
    assert datetime.fromisoformat(attempt.created_at) <= datetime.fromisoformat(attempt.updated_at)


def test_each_exchange_is_recorded_as_it_happens(services, sandbox, make_file):
    seen: list[int] = []
    result = services.uploads.run(
        prepare(services, make_file("a.pdf")),
        on_exchange=lambda e: seen.append(len(services.history.exchanges(e.attempt_id))),
    )
    assert seen == [1]  # already in the history when the window hears of it
    assert services.history.exchanges(result.attempt_id)[0].attempt_id == result.attempt_id


def test_the_outcome_and_the_providers_answer_are_recorded(services, make_file):
    result = services.uploads.run(prepare(services, make_file("a.pdf"), "ORD-2002"))
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.REJECTED
    assert (
        attempt.summary
        == result.title
        == ("Order “ORD-2002” is already shipped or cancelled, so its invoice can no longer be changed.")
    )
    assert (attempt.provider_code, attempt.provider_message) == ("103", "Order is already shipped or cancelled")
    assert (
        UploadResult.from_dict(attempt.result).detail == "Contact i.materialise if the invoice must still be replaced."
    )


def test_a_bug_in_a_provider_does_not_lose_the_attempt(services, sandbox, make_file, monkeypatch):
    def broken(self, ctx, response):
        raise KeyError("Message")

    monkeypatch.setattr(type(PROVIDER), "read_response", broken)
    result = services.uploads.run(prepare(services, make_file("a.pdf")))
    assert result.outcome is Outcome.FAILED
    assert result.title == "The app ran into an unexpected problem."
    assert "KeyError" in result.detail
    assert services.history.get(result.attempt_id).state == hist.FAILED
    assert len(services.history.exchanges(result.attempt_id)) == 1


def test_a_retry_is_a_new_attempt_linked_to_the_one_it_sends_again(services, sandbox, make_file):
    services.uploads.timeouts = Timeouts(connect=5, read=0.3, deadline=30)
    release = sandbox.hold_answers()
    try:
        first = services.uploads.run(prepare(services, make_file("a.pdf"), "ORD-1002"))
    finally:
        release.set()
    assert services.history.get(first.attempt_id).state == hist.UNCERTAIN  # no answer in time: it may have arrived

    retried = services.uploads.run(services.uploads.prepare_retry(first.attempt_id))
    assert retried.ok and retried.attempt_id != first.attempt_id
    # The history reads as what happened: the failure stays, the retry has its own number and says what it retried.
    original, again = services.history.get(first.attempt_id), services.history.get(retried.attempt_id)
    assert original.state == hist.UNCERTAIN and original.retry_of is None
    assert again.state == hist.SUCCEEDED and again.retry_of == first.attempt_id
    assert again.created_at >= original.created_at
    assert [a.id for a in services.history.recent()] == [retried.attempt_id, first.attempt_id]
    assert [e.status for e in services.history.exchanges(first.attempt_id)] == [None]
    assert [e.status for e in services.history.exchanges(retried.attempt_id)] == [200]
    # Retrying the original again follows it to its retry, which succeeded: nothing is sent twice.
    with pytest.raises(
        InvoiceDesktopError, match=rf"already succeeded \(it was sent again as attempt {retried.attempt_id}\)"
    ):
        services.uploads.prepare_retry(first.attempt_id)
    with pytest.raises(InvoiceDesktopError, match="already succeeded"):
        services.uploads.prepare_retry(retried.attempt_id)
    with pytest.raises(InvoiceDesktopError, match="no upload attempt number 99"):
        services.uploads.prepare_retry(99)


def test_retrying_an_attempt_again_continues_from_its_newest_retry(services, sandbox, make_file):
    services.uploads.timeouts = Timeouts(connect=5, read=0.3, deadline=30)
    release = sandbox.hold_answers()
    try:
        first = services.uploads.run(prepare(services, make_file("a.pdf"), "ORD-1001"))
        second = services.uploads.run(services.uploads.prepare_retry(first.attempt_id))
    finally:
        release.set()
    assert services.history.get(second.attempt_id).retry_of == first.attempt_id

    prepared = services.uploads.prepare_retry(first.attempt_id)  # the clerk picked the original again
    assert prepared.retry_of == second.attempt_id
    third = services.uploads.run(prepared)
    assert third.ok, third
    assert services.history.get(third.attempt_id).retry_of == second.attempt_id


def test_attempts_left_sending_are_marked_interrupted_at_start_up(open_history, memory_keyring):
    before = open_history("history")
    crashed = before.create(
        provider="imaterialise", environment="practice", base_url="http://127.0.0.1:1/x", form={"order_id": "ORD-1001"}
    )
    done = before.create(
        provider="imaterialise", environment="practice", base_url="http://127.0.0.1:1/x", form={"order_id": "ORD-1002"}
    )
    before.finish(done, state=hist.SUCCEEDED, summary="accepted")
    before.close()  # the app stopped mid-upload

    services = create_services(CredentialStore(memory_keyring), open_history("history"))
    try:
        attempt = services.history.get(crashed)
        assert attempt.state == hist.INTERRUPTED
        assert "may have arrived" in attempt.summary
        assert services.history.get(done).state == hist.SUCCEEDED
        assert services.history.mark_interrupted() == 0
    finally:
        services.close()


def test_recent_lists_the_newest_first(open_history):
    history = open_history("h")
    ids = [
        history.create(provider=p, environment="practice", base_url="u", form={"n": i}, targets=[str(i)])
        for i, p in enumerate(["imaterialise", "skypostal", "imaterialise", "payfabric"])
    ]
    assert [a.id for a in history.recent()] == ids[::-1]
    assert [a.id for a in history.recent(limit=2)] == [ids[3], ids[2]]
    assert [a.id for a in history.recent(provider="imaterialise")] == [ids[2], ids[0]]
    history.finish(ids[0], state=hist.SUCCEEDED, summary="ok")
    assert [a.id for a in history.succeeded_with("imaterialise", "practice", "n", "0")] == [ids[0]]
    assert history.succeeded_with("imaterialise", "sandbox", "n", "0") == []
    history.close()


def test_history_survives_a_restart(open_history, services, make_file):
    result = services.uploads.run(prepare(services, make_file("a.pdf")))
    services.history.close()
    again = open_history("history")
    try:
        assert again.get(result.attempt_id).state == hist.SUCCEEDED
        assert len(again.exchanges(result.attempt_id)) == 1
    finally:
        again.close()


def _sending(history: History) -> int:
    return history.create(
        provider="imaterialise", environment="practice", base_url="http://x", form={"order_id": "ORD-1001"}
    )


def _wait_for(predicate, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_an_attempt_another_running_app_is_sending_keeps_its_lease(open_history):
    # The CLI sends while the window is open (or the reverse): its heartbeat keeps the attempt `sending`.
    sender = open_history("history", lease_s=0.4)
    window = open_history("history", lease_s=0.4)
    try:
        attempt = _sending(sender)
        window.keep_leases()
        assert window.mark_interrupted() == 0
        # Several lease periods pass, during which the window looks again and again.
        assert not _wait_for(lambda: window.get(attempt).state != hist.SENDING, timeout_s=2.0)
        sender.finish(attempt, state=hist.SUCCEEDED, summary="accepted")
        assert window.get(attempt).state == hist.SUCCEEDED
    finally:
        sender.close()
        window.close()


def test_an_attempt_whose_sender_was_killed_is_marked_interrupted_promptly_by_a_running_app(open_history):
    killed = open_history("history", lease_s=0.4)
    window = open_history("history", lease_s=0.4)
    try:
        attempt = _sending(killed)
        killed._keeper.stop()  # as SIGKILL would: no heartbeat and no goodbye
        window.keep_leases()
        started = time.monotonic()
        assert _wait_for(lambda: window.get(attempt).state == hist.INTERRUPTED, timeout_s=5.0)
        assert time.monotonic() - started < 2.0  # within a lease and a heartbeat, not an hour or the next start
        assert "may have arrived" in window.get(attempt).summary
    finally:
        window.close()


def test_an_app_that_closes_mid_upload_marks_its_own_attempt_interrupted(open_history):
    history = open_history("history")
    attempt = _sending(history)
    history.close()
    again = open_history("history")
    try:
        assert again.get(attempt).state == hist.INTERRUPTED
    finally:
        again.close()


class _Crash(BaseException):
    """What a crash looks like from inside: not an Exception, so nothing on the way may catch it and call it a
    failure (as SystemExit or KeyboardInterrupt would pass)."""


def test_a_crash_in_the_middle_of_a_retry_leaves_the_retry_reading_interrupted(
    practice, memory_keyring, open_history, make_file
):
    history = open_history("history", lease_s=0.4)
    uploads = UploadService(
        CredentialStore(memory_keyring),
        history,
        providers=registry(),
        practice=lambda: practice,
        timeouts=Timeouts(connect=5, read=0.3),
    )
    services = Services(CredentialStore(memory_keyring), history, uploads)
    release = practice.sandbox_for(PROVIDER).hold_answers()
    try:
        first = uploads.run(prepare(services, make_file("a.pdf", size=300_000), "ORD-1002"))
    finally:
        release.set()
    assert history.get(first.attempt_id).state == hist.UNCERTAIN

    def crash_half_way(sent: int, total: int) -> None:
        if sent < total:
            raise _Crash()

    retry = uploads.prepare_retry(first.attempt_id)
    with pytest.raises(_Crash):
        uploads.run(retry, progress=crash_half_way)
    history._keeper.stop()  # the process is gone: no heartbeat and no goodbye (never closed)

    restarted = open_history("history", lease_s=0.4)
    try:
        (retried,) = [a for a in restarted.recent() if a.id != first.attempt_id]
        assert retried.retry_of == first.attempt_id
        assert retried.state == hist.SENDING  # its sender's lease still runs: not marked yet
        time.sleep(0.5)  # the crashed app's lease lapses
        assert restarted.mark_interrupted() == 1
        retried = restarted.get(retried.id)
        # Part of the file had left when it crashed: it may have arrived, so it reads interrupted, never failed.
        assert retried.state == hist.INTERRUPTED and "may have arrived" in retried.summary
        assert restarted.get(first.attempt_id).state == hist.UNCERTAIN  # the original reads as it happened
        after = UploadService(
            CredentialStore(memory_keyring), restarted, providers=registry(), practice=lambda: practice
        )
        assert after.resend_question(first.attempt_id) is not None  # a Retry now asks before sending again
    finally:
        restarted.close()
        history.close()
