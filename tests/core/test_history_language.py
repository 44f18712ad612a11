"""A history written in one language reads in another: the sentences the app keeps (outcomes, what to do next,
"interrupted" notes, a batch row's message) are stored as code + parameters and translated when read; older records
hold plain English and are shown as written."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core import i18n
from invoice_desktop.core.history import History, HistoryQuery
from invoice_desktop.core.i18n import Msg
from invoice_desktop.core.outbox import Batch, BatchRow, Outbox
from invoice_desktop.core.results import ItemResult, Outcome, UploadResult, busy_result


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def history(open_history) -> Iterator[History]:
    opened = open_history("history")
    yield opened
    opened.close()


def _record(history: History, result: UploadResult) -> int:
    attempt_id = history.create(
        provider="imaterialise", environment="practice", base_url="http://127.0.0.1:1", form={"order_id": "ORD-7"}
    )
    history.finish(
        attempt_id,
        state=hist.SUCCEEDED,
        summary=result.title,
        provider_code=result.provider_code,
        provider_message=result.provider_message,
        result=result.to_dict(),
    )
    return attempt_id


def test_an_outcome_written_in_english_reads_in_another_language(history):
    result = UploadResult(
        Outcome.SUCCEEDED,
        Msg("The invoice was attached to order {order}.", order="ORD-7"),
        Msg("Nothing else to do."),
        provider_code="OK",
        provider_message="Invoice stored",
        items=[ItemResult("INV-1", Outcome.SUCCEEDED, Msg("Created as {id}.", id="77"))],
    )
    attempt_id = _record(history, result)
    assert history.get(attempt_id).summary == "The invoice was attached to order ORD-7."  # English when written

    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    attempt = history.get(attempt_id)
    shown = UploadResult.from_dict(attempt.result)
    expected_title = i18n.pseudo_translate("The invoice was attached to order {order}.").format(order="ORD-7")
    assert str(attempt.summary) == expected_title
    assert str(shown.title) == expected_title
    assert str(shown.detail) == i18n.pseudo_translate("Nothing else to do.")
    assert str(shown.items[0].message) == i18n.pseudo_translate("Created as {id}.").format(id="77")
    # The provider's own code and words are kept verbatim, in no language of ours.
    assert (attempt.provider_code, attempt.provider_message) == ("OK", "Invoice stored")
    # The History list shows the summary in the language read now.
    [row] = history.rows(HistoryQuery())
    assert row.summary == expected_title

    i18n.set_language("en")  # and back: nothing was frozen in the language it was last read in
    assert history.rows(HistoryQuery())[0].summary == "The invoice was attached to order ORD-7."


def test_an_interrupted_note_is_translated_when_read(open_history):
    first = open_history("history", lease_s=60)
    attempt_id = first.create(provider="imaterialise", environment="practice", base_url="http://x", form={})
    first.close()  # this app stopped while sending: its attempt was interrupted
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    again = open_history("history")
    try:
        attempt = again.get(attempt_id)
        assert attempt.state == hist.INTERRUPTED
        assert str(attempt.summary) == i18n.pseudo_translate(str(hist.INTERRUPTED_SUMMARY.msgid))
    finally:
        again.close()


def test_older_records_in_plain_english_are_shown_as_written(history):
    attempt_id = history.create(provider="imaterialise", environment="practice", base_url="http://x", form={})
    old_result = {"outcome": "succeeded", "title": "Uploaded to order 5.", "detail": "", "items": [], "links": []}
    history.finish(attempt_id, state=hist.SUCCEEDED, summary="Uploaded to order 5.", result=old_result)
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    assert history.get(attempt_id).summary == "Uploaded to order 5."
    assert UploadResult.from_dict(history.get(attempt_id).result).title == "Uploaded to order 5."
    assert history.rows(HistoryQuery())[0].summary == "Uploaded to order 5."


def test_the_stored_summary_is_code_and_parameters_not_a_sentence(history):
    attempt_id = _record(history, busy_result("Shopwave", type("Busy", (), {"retry_after_s": 30})()))
    [(stored,)] = history.read("SELECT summary FROM attempts WHERE id=?", (attempt_id,))
    assert json.loads(stored) == {"msgid": "{provider} is busy: try again later.", "params": {"provider": "Shopwave"}}


def test_a_batch_rows_message_and_problems_read_in_another_language(history):
    # On both engines: the shared PostgreSQL history keeps the batch outbox too.
    outbox = Outbox(history)
    row = BatchRow(1, "a.pdf", "/tmp/a.pdf", "invalid", message=Msg("Row(s) {rows} have the same file.", rows="2"))
    row.problems = [Msg("The PDF has no text layer.")]
    batch = outbox.insert(Batch("imaterialise", "practice", [row], problems=[Msg("The sheet is empty.")]))
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    loaded = outbox.load(batch.id)
    assert str(loaded.rows[0].message) == i18n.pseudo_translate("Row(s) {rows} have the same file.").format(rows="2")
    assert str(loaded.rows[0].problems[0]) == i18n.pseudo_translate("The PDF has no text layer.")
    assert str(loaded.problems[0]) == i18n.pseudo_translate("The sheet is empty.")
    # What the CLI prints as JSON stays plain text.
    assert json.loads(json.dumps(loaded.rows[0].to_dict()))["message"] == str(loaded.rows[0].message)
    history.close()


def test_a_providers_refusal_keeps_its_own_words_and_translates_ours(services, make_file):
    # i.materialise's practice sandbox refuses a shipped order with its code 103 and its own English message.
    from invoice_desktop.providers import get_provider

    provider = get_provider("imaterialise")
    prepared = services.uploads.prepare(provider, "practice", {"order_id": "ORD-2001"}, file_path=make_file("a.pdf"))
    result = services.uploads.run(prepared)
    assert result.outcome is Outcome.REJECTED
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    attempt = services.history.get(result.attempt_id)
    ours = "Order “{order}” is already shipped or cancelled, so its invoice can no longer be changed."
    assert str(attempt.summary) == i18n.pseudo_translate(ours).format(order="ORD-2001")
    assert str(UploadResult.from_dict(attempt.result).detail) == i18n.pseudo_translate(
        "Contact i.materialise if the invoice must still be replaced."
    )
    # The provider's code and text are what it said, untouched by the language.
    assert (attempt.provider_code, attempt.provider_message) == ("103", "Order is already shipped or cancelled")
