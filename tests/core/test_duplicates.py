"""Across clerks, no duplicate: before a send the app looks for a success by anyone to the same provider,
environment and target, or of the same file, and names who and when — on this computer's history and on the
office's shared server alike. Saving DäckData settings again is no duplicate."""

from __future__ import annotations

import pytest

from invoice_desktop.core.duplicates import HistoryLookup, when
from invoice_desktop.core.history import History
from invoice_desktop.core.services import Services
from invoice_desktop.providers import get_provider

IMAT = get_provider("imaterialise")
DDAPI = get_provider("ddapi")
ANNA, BEN = "anna@FRONTDESK-2", "ben@BACKOFFICE"


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


def send(app: Services, order: str, file) -> int:
    result = app.uploads.run(app.uploads.prepare(IMAT, "practice", {"order_id": order}, file_path=file))
    assert result.ok, result
    assert result.attempt_id is not None
    return result.attempt_id


def warnings(app: Services, order: str, file) -> list[str]:
    prepared = app.uploads.prepare(IMAT, "practice", {"order_id": order}, file_path=file)
    try:
        return prepared.warnings(app.history)
    finally:
        app.uploads.discard(prepared)


def test_a_colleagues_upload_to_the_same_order_is_named_with_who_and_when(clerks, make_file):
    anna, ben = clerks[ANNA], clerks[BEN]
    first = send(anna, "ORD-1001", make_file("a.pdf"))
    made = anna.history.get(first)
    assert made is not None and made.clerk == ANNA

    [warning] = warnings(ben, "ORD-1001", make_file("another.pdf", size=5000))
    assert warning == (
        f"An invoice was already attached to order “ORD-1001” by {ANNA} on {when(made)} (attempt {first}). "
        "Sending again replaces the order's invoice document with this one."
    )
    assert warnings(ben, "ORD-1002", make_file("another.pdf", size=5000)) == []  # another order: no duplicate


def test_the_same_file_for_another_target_is_named_with_who_when_and_what_it_went_to(clerks, make_file):
    anna, ben = clerks[ANNA], clerks[BEN]
    pdf = make_file("Rechnung_1001.pdf")
    first = send(anna, "ORD-1001", pdf)
    made = anna.history.get(first)
    assert made is not None

    copy = make_file("copy-of-the-same.pdf", content=pdf.read_bytes())  # another name, the same bytes
    [warning] = warnings(ben, "ORD-1002", copy)
    assert f"This same file was already uploaded by {ANNA} on {when(made)} (attempt {first})" in warning
    assert "for order ORD-1001" in warning
    # To the same order, the provider's own warning says it once; not to the same file twice.
    [only] = warnings(ben, "ORD-1001", copy)
    assert "already attached to order “ORD-1001”" in only


def test_a_refused_attempt_is_no_duplicate(clerks, make_file):
    anna, ben = clerks[ANNA], clerks[BEN]
    pdf = make_file("a.pdf")
    # ORD-2001 is shipped: the practice i.materialise refuses it (103).
    refused = anna.uploads.run(anna.uploads.prepare(IMAT, "practice", {"order_id": "ORD-2001"}, file_path=pdf))
    assert not refused.ok and refused.provider_code == "103"
    assert warnings(ben, "ORD-2001", pdf) == []
    assert warnings(ben, "ORD-1002", pdf) == []


def test_saving_daeckdata_settings_again_is_no_duplicate(clerks):
    anna, ben = clerks[ANNA], clerks[BEN]
    settings = {"CustomerNumber": 1, "ReverseTax": True, "CurrencyId": 3}
    for app in (anna, ben, anna):
        prepared = app.uploads.prepare(DDAPI, "practice", settings)
        said = prepared.warnings(app.history)
        assert not any("already" in w.lower() or ANNA in w or BEN in w for w in said), said
        assert app.uploads.run(prepared).ok


def test_both_engines_implement_the_lookup_providers_read(clerks):
    lookup: HistoryLookup = clerks[ANNA].history  # mypy checks the engines against the Protocol here
    assert isinstance(lookup, History)
    assert lookup.clerk == ANNA
    assert lookup.succeeded_with_file(IMAT.id, "practice", "0" * 64) == []


def test_a_colleagues_upload_that_may_have_arrived_is_named_before_sending_again(clerks, make_file):
    anna, ben = clerks[ANNA], clerks[BEN]
    # Anna's app stops while sending ORD-1001 (her history closes with the attempt still on its way).
    pdf = make_file("a.pdf")
    stopped = anna.history.create(
        provider=IMAT.id,
        environment="practice",
        base_url="u",
        form={"order_id": "ORD-1001"},
        file_path=pdf,
        file_size=pdf.stat().st_size,
        targets=["ORD-1001"],
    )
    anna.history.close()
    made = ben.history.get(stopped)
    assert made is not None and made.state == "interrupted"

    [warning] = warnings(ben, "ORD-1001", make_file("b.pdf"))
    assert warning.startswith(
        f"The last upload to “ORD-1001”, by {ANNA} on {when(made)} (attempt {stopped}), may have arrived: "
        "The app stopped while this upload was being sent"
    )
    assert warning.endswith("Check in i.materialise whether it arrived before sending it again.")
    assert warnings(ben, "ORD-1002", make_file("b.pdf")) == []

    # Retrying that very attempt asks its own question; no warning about itself.
    retry = ben.uploads.prepare_retry(stopped)
    try:
        assert retry.warnings(ben.history) == []
    finally:
        ben.uploads.discard(retry)

    # Once it is settled by a later success, the provider's own "already uploaded" says it instead.
    sent = send(ben, "ORD-1001", make_file("b.pdf"))
    [after] = warnings(ben, "ORD-1001", make_file("c.pdf", size=5000))
    assert "already attached" in after and f"attempt {sent}" in after
