"""Shopwave uploads against the practice sandbox: invoices with lines, batches of at most 200 objects, 919
splitting, per-invoice outcomes of a 201, every error id in plain words, the token refresh on 907/908, retry,
redaction, and the form's accepted shapes."""
# ruff: noqa: F811  (the fixtures imported below are redefined as test parameters, as pytest wants)

from __future__ import annotations

import json

import pytest

from invoice_desktop.core.errors import CredentialsMissing, FormInvalid
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import CancelToken
from invoice_desktop.practice.server import SandboxResponse
from invoice_desktop.practice.shopwave import DEMO_CLIENT_SECRET
from invoice_desktop.providers._shopwave_answers import PLAIN, VENDOR_ERRORS

from .test_shopwave_signin import browser, provider, sandbox, signed_in  # noqa: F401


def invoice(reference, supplier=10, lines=1, **extra):
    return {
        "supplierId": supplier,
        "storeId": 1,
        "reference": reference,
        "completeDate": "2024-05-31",
        "invoiceItems": [
            {"name": f"Item {n}", "quantity": n + 1, "price": "4.20", "vatPercentage": 20} for n in range(lines)
        ],
        **extra,
    }


def send(services, provider, data, **kwargs):
    prepared = services.uploads.prepare(provider, "practice", data)
    return services.uploads.run(prepared, **kwargs)


def secrets_of(services, sandbox):
    values = {DEMO_CLIENT_SECRET, *sandbox.access_tokens, *sandbox.refresh_tokens}
    for name in ("access_token", "refresh_token"):
        value = services.credentials.get("shopwave", "practice", name)
        if value:
            values.add(value)
    return values


def assert_nothing_secret(services, sandbox, result):
    texts = [e.as_text() + e.curl for e in services.history.exchanges(result.attempt_id)]
    texts.append(json.dumps(result.to_dict()))
    texts.append(json.dumps(services.history.get(result.attempt_id).__dict__, default=str))
    for secret in secrets_of(services, sandbox):
        assert all(secret not in text for text in texts), "a secret reached the history or the result"


def objects_in(post):
    return sum(1 + len(inv.get("invoiceItems", {})) for inv in post["invoices"].values())


# -- the clerk's day ----------------------------------------------------------------------------------------------


def test_two_invoices_with_lines_are_created(services, provider, sandbox, signed_in):
    result = send(services, provider, [invoice("INV-1", lines=2), invoice("INV-2", supplier=11)])

    assert result.ok, result
    assert result.title == "Shopwave saved all 2 invoices."
    assert [i.outcome for i in result.items] == [Outcome.SUCCEEDED, Outcome.SUCCEEDED]
    first_id, second_id = (i.data["id"] for i in result.items)
    assert result.items[0].message == f"Created in Shopwave as invoice {first_id}."
    stored = sandbox.invoices[first_id]
    assert stored["reference"] == "INV-1" and stored["completeDate"] == "2024-05-31"
    assert [line["price"] for line in stored["invoiceItems"].values()] == ["4.20", "4.20"]  # a string on the wire
    assert sandbox.invoices[second_id]["supplierId"] == 11
    [post] = sandbox.posts
    assert set(post["invoices"]) == {"new-1", "new-2"}
    assert_nothing_secret(services, sandbox, result)


def test_an_invoice_id_updates_that_invoice(services, provider, sandbox, signed_in):
    result = send(services, provider, {"id": 4001, "note": "Paid late"})
    assert result.ok, result
    assert result.items[0].message == "Invoice 4001 updated in Shopwave."
    assert sandbox.invoices[4001]["note"] == "Paid late"
    assert sandbox.posts[0]["invoices"] == {"4001": {"id": 4001, "note": "Paid late"}}


def test_a_201_with_per_invoice_errors_reports_each_invoice(services, provider, sandbox, signed_in):
    result = send(
        services,
        provider,
        [invoice("OK-1"), invoice("BAD-2", supplier=999), {"id": 4999, "note": "x"}, invoice("OK-4")],
    )

    assert result.outcome is Outcome.REJECTED
    assert result.title == "Shopwave saved 2 of 4 invoices; 2 were not saved."
    outcomes = [(i.label, i.outcome, i.provider_code) for i in result.items]
    assert outcomes == [
        ("#1 OK-1", Outcome.SUCCEEDED, None),
        ("#2 BAD-2", Outcome.REJECTED, "912"),
        ("#3 invoice 4999", Outcome.REJECTED, "912"),
        ("#4 OK-4", Outcome.SUCCEEDED, None),
    ]
    assert "does not belong to the signed-in Shopwave account" in result.items[1].message
    assert "supplierId 999" in result.items[1].message  # Shopwave's own words, for the clerk to act on
    assert result.provider_code == "912"
    assert len(sandbox.invoices) == 3  # 4001 and the two new ones


def test_after_a_partly_saved_list_sending_it_again_warns_about_the_saved_ones_only(
    services, provider, sandbox, signed_in
):
    # Recorded as refused overall (one invoice was not saved), but the saved one exists in Shopwave: a new Send of
    # the same list must ask before creating it a second time.
    first = send(services, provider, [invoice("PART-1"), invoice("PART-2", supplier=999)])
    assert first.outcome is Outcome.REJECTED
    assert [i.outcome for i in first.items] == [Outcome.SUCCEEDED, Outcome.REJECTED]

    prepared = services.uploads.prepare(provider, "practice", [invoice("PART-1"), invoice("PART-2")])
    warnings = provider.warnings(prepared.form, services.history, "practice")
    assert any("PART-1" in w and "already created" in w for w in warnings), warnings
    assert not any("PART-2" in w for w in warnings), warnings


def test_sending_the_same_invoice_again_is_warned_about(services, provider, signed_in):
    assert send(services, provider, invoice("DUP-1")).ok
    prepared = services.uploads.prepare(provider, "practice", invoice("DUP-1"))
    warnings = provider.warnings(prepared.form, services.history, "practice")
    assert any("DUP-1" in w and "already created" in w for w in warnings)


# -- batches ------------------------------------------------------------------------------------------------------


def test_450_objects_go_in_three_posts_of_at_most_200(services, provider, sandbox, signed_in):
    invoices = [invoice(f"B-{n}", lines=2) for n in range(150)]  # 150 invoices + 300 lines = 450 objects
    result = send(services, provider, invoices)

    assert result.ok, result
    assert len(sandbox.posts) == 3
    assert all(objects_in(post) <= 200 for post in sandbox.posts)
    assert sum(objects_in(post) for post in sandbox.posts) == 450
    # Each invoice got the id Shopwave gave it (matched by key, not by position).
    ids = [item.data["id"] for item in result.items]
    assert len(set(ids)) == 150
    assert all(sandbox.invoices[i]["reference"] == f"B-{n}" for n, i in enumerate(ids))


def test_error_919_splits_the_request_and_sends_it_again(services, provider, sandbox, signed_in):
    sandbox.object_limit = 50
    result = send(services, provider, [invoice(f"S-{n}", lines=2) for n in range(30)])  # 90 objects

    assert result.ok, result
    assert objects_in(sandbox.posts[0]) == 90  # the first try, refused with 919
    assert [objects_in(post) for post in sandbox.posts[1:]] == [45, 45]  # halves, as few as fit
    assert len({inv["reference"] for inv in sandbox.invoices.values()}) == 31
    assert len(sandbox.invoices) == 31  # nothing created twice


def test_a_429_without_error_919_is_busy_and_nothing_is_split_or_refused(services, provider, sandbox, signed_in):
    sandbox.answer_next(429, "Too Many Requests", {"Content-Type": "text/plain"})
    result = send(services, provider, [invoice("B-1"), invoice("B-2")])
    assert result.outcome is Outcome.FAILED
    assert result.title == "Shopwave is busy: try again later."
    assert "press Retry in a few minutes" in result.detail
    assert all(i.outcome is Outcome.FAILED and "busy" in i.message for i in result.items)
    assert len(sandbox.posts) == 1  # one 429 answer, not split into smaller requests
    assert len(sandbox.invoices) == 1  # nothing stored
    again = services.uploads.run(services.uploads.prepare_retry(result.attempt_id))
    assert again.ok, again
    assert len(sandbox.invoices) == 3 and len(sandbox.posts) == 2


def test_an_invoice_alone_over_shopwaves_limit_fails_with_a_plain_reason(services, provider, sandbox, signed_in):
    sandbox.object_limit = 5
    result = send(services, provider, [invoice("SMALL", lines=1), invoice("BIG", lines=9)])
    assert [i.outcome for i in result.items] == [Outcome.SUCCEEDED, Outcome.REJECTED]
    assert "more lines than Shopwave takes" in result.items[1].message


def test_a_whole_request_913_naming_one_invoice_resends_the_others(services, provider, sandbox, signed_in):
    sandbox.answer_next(
        400,
        {
            "api": {
                "message": {
                    "errors": {
                        "new-2": {
                            "id": 913,
                            "title": "Required parameter or object missing in request",
                            "details": "invoices[new-2].supplierStoreId is required",
                        }
                    }
                }
            }
        },
    )
    result = send(services, provider, [invoice("A"), invoice("B"), invoice("C")])

    assert [i.outcome for i in result.items] == [Outcome.SUCCEEDED, Outcome.REJECTED, Outcome.SUCCEEDED]
    assert "supplierStoreId is required" in result.items[1].message
    assert set(sandbox.posts[1]["invoices"]) == {"new-1", "new-3"}


# -- tokens -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["expired", "907", "908"])
def test_an_expired_token_is_renewed_once_and_the_invoices_sent_again(services, provider, sandbox, signed_in, how):
    old_token = services.credentials.get("shopwave", "practice", "access_token")
    if how == "expired":
        sandbox.expire_tokens()
    else:
        sandbox.fail_next(int(how))
    result = send(services, provider, [invoice("R-1"), invoice("R-2")])

    assert result.ok, result
    assert sandbox.token_grants == ["authorization_code", "refresh_token"]
    new_token = services.credentials.get("shopwave", "practice", "access_token")
    assert new_token != old_token and new_token in sandbox.access_tokens
    labels = [e.label for e in services.history.exchanges(result.attempt_id)]
    assert labels == ["Send 2 invoices (4 objects)", "Renew the access token", "Send 2 invoices (4 objects)"]
    assert len(sandbox.invoices) == 3
    assert_nothing_secret(services, sandbox, result)


def test_a_renewed_token_that_is_refused_too_asks_to_sign_in_again(services, provider, sandbox, signed_in):
    sandbox.issue_expired_tokens = True
    sandbox.expire_tokens()
    result = send(services, provider, [invoice("X-1"), invoice("X-2")])

    assert result.outcome is Outcome.REJECTED
    assert "Sign in with Shopwave (Credentials…) or paste an access token" in result.title
    assert sandbox.token_grants.count("refresh_token") == 1  # exactly once
    assert all(i.message == "Not sent: Shopwave needs a new sign-in first." for i in result.items)
    assert_nothing_secret(services, sandbox, result)


def test_a_refused_refresh_asks_to_sign_in_again(services, provider, sandbox, signed_in):
    sandbox.revoke_refresh_tokens()
    sandbox.expire_tokens()
    result = send(services, provider, invoice("Y-1"))

    assert result.outcome is Outcome.REJECTED
    assert "could not be renewed" in result.title and "Sign in with Shopwave" in result.title
    # Shopwave's words are quoted once, without a second full stop after its own.
    assert "Shopwave said: “The refresh token is invalid or was revoked”. Sign in" in result.title
    assert sandbox.token_grants == ["authorization_code", "refresh_token"]
    assert len(sandbox.posts) == 0  # the refused POST never got past the token check
    assert_nothing_secret(services, sandbox, result)


def test_a_pasted_token_works_and_cannot_be_renewed(services, provider, sandbox, signed_in):
    token = services.credentials.get("shopwave", "practice", "access_token")
    services.credentials.delete("shopwave", "practice", "refresh_token")
    services.credentials.set("shopwave", "practice", "access_token", f"Bearer {token}\n")
    assert send(services, provider, invoice("P-1")).ok

    sandbox.expire_tokens()
    result = send(services, provider, invoice("P-2"))
    assert result.outcome is Outcome.REJECTED
    assert "cannot be renewed here" in result.title
    assert sandbox.token_grants == ["authorization_code"]


def test_without_an_access_token_nothing_is_sent(services, provider, sandbox):
    with pytest.raises(CredentialsMissing, match=r"Sign in with Shopwave \(Credentials…\) or paste an access token"):
        services.uploads.prepare(provider, "practice", invoice("N-1"))
    assert services.history.recent() == []


def test_client_id_and_secret_can_be_stored_before_signing_in(provider):
    assert provider.check_credentials({"client_id": "app", "client_secret": "s3cret"}) == {}
    assert provider.check_credentials({"access_token": "pasted"}) == {}
    assert "client_secret" in provider.check_credentials({"client_id": "app"})
    assert "client_id" in provider.check_credentials({})


# -- every documented error id --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(set(VENDOR_ERRORS) - {907, 908}))
def test_every_error_id_becomes_a_plain_sentence(services, provider, sandbox, signed_in, code):
    sandbox.fail_next(code)
    result = send(services, provider, invoice(f"E-{code}"))

    assert result.outcome is Outcome.REJECTED
    assert result.title == PLAIN[code][0]
    assert result.detail.startswith(PLAIN[code][1])
    assert result.provider_code == str(code)
    assert result.http_status == VENDOR_ERRORS[code][0]
    assert result.items[0].provider_code == str(code)
    assert len(sandbox.invoices) == 1  # nothing stored


@pytest.mark.parametrize("code", [907, 908])
def test_token_errors_without_a_way_to_renew_say_what_to_do(services, provider, sandbox, signed_in, code):
    services.credentials.delete("shopwave", "practice", "refresh_token")
    sandbox.fail_next(code)
    result = send(services, provider, invoice("T-1"))
    assert result.outcome is Outcome.REJECTED
    assert "Sign in with Shopwave (Credentials…) or paste an access token" in result.title


def test_a_stopping_error_leaves_later_batches_unsent(services, provider, sandbox, signed_in):
    sandbox.fail_next(900)
    result = send(services, provider, [invoice(f"U-{n}", lines=149) for n in range(3)])  # 3 requests of 150
    assert result.title == PLAIN[900][0]
    assert len(sandbox.posts) == 0
    assert [i.message.split(".")[0] for i in result.items] == [
        "Not saved",
        "Not sent: Shopwave refused the previous request",
        "Not sent: Shopwave refused the previous request",
    ]


def test_an_unreadable_answer_leaves_the_invoices_uncertain(services, provider, sandbox, signed_in):
    sandbox.answer_next(502, "<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"})
    result = send(services, provider, [invoice("H-1"), invoice("H-2")])
    assert result.outcome is Outcome.UNCERTAIN  # a proxy's page after the request left: it may have been saved
    assert "could not be read" in result.title
    assert all(i.outcome is Outcome.UNCERTAIN for i in result.items)
    assert all(i.data.get("uncertain") and "Check in Shopwave" in i.message for i in result.items)


# -- retry and cancel -----------------------------------------------------------------------------------------------


def test_retry_after_a_failure_does_not_create_twice(services, provider, sandbox, signed_in, monkeypatch):
    invoices = [invoice(f"Z-{n}", lines=149) for n in range(3)]  # three requests of 150 objects
    # The second request meets a server fault after the first went through.
    original = sandbox._store_all
    calls = []

    def store_then_fail(invoices_map):
        calls.append(1)
        if len(calls) == 2:
            return SandboxResponse.json(
                {"api": {"message": {"errors": {"899": {"id": 899, "title": "Unknown Error", "details": "boom"}}}}},
                status=500,
            )
        return original(invoices_map)

    monkeypatch.setattr(sandbox, "_store_all", store_then_fail)
    result = send(services, provider, invoices)
    assert [i.outcome for i in result.items] == [Outcome.SUCCEEDED, Outcome.REJECTED, Outcome.FAILED]
    assert "Retry sends only the others" in result.detail

    retried = services.uploads.run(services.uploads.prepare_retry(result.attempt_id))
    assert retried.ok, retried
    assert "earlier try" in retried.items[0].message
    references = sorted(inv["reference"] for inv in sandbox.invoices.values() if inv["id"] != 4001)
    assert references == ["Z-0", "Z-1", "Z-2"]


def test_cancel_before_sending_sends_nothing(services, provider, sandbox, signed_in):
    cancel = CancelToken()
    cancel.cancel()
    result = send(services, provider, [invoice("C-1"), invoice("C-2")], cancel=cancel)
    assert result.outcome is Outcome.CANCELLED
    assert all(i.outcome is Outcome.CANCELLED for i in result.items)
    assert sandbox.posts == []


# -- the form -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["one", "list", "wrapped", "wire"])
def test_the_form_takes_one_invoice_a_list_or_the_wire_form(provider, shape):
    one = invoice("F-1", lines=2)
    data = {
        "one": one,
        "list": [one, invoice("F-2")],
        "wrapped": {"invoices": [one]},
        "wire": {"invoices": {"new-1": {**one, "invoiceItems": {"line-1": one["invoiceItems"][0]}}}},
    }[shape]
    form = provider.form_model.model_validate(data)
    assert form.invoices[0].reference == "F-1"
    assert form.invoices[0].invoiceItems[0].name == "Item 0"


def test_a_new_invoice_needs_its_supplier_store_reference_and_date(services, provider):
    with pytest.raises(FormInvalid) as caught:
        services.uploads.prepare(provider, "practice", {"invoices": [{"note": "?", "supplierId": ""}]})
    assert set(caught.value.fields) >= {
        "invoices.0.supplierId",
        "invoices.0.storeId",
        "invoices.0.reference",
        "invoices.0.completeDate",
    }
    # An update needs only its id.
    assert provider.form_model.model_validate({"id": 4001}).invoices[0].is_update


def test_lines_are_checked(provider):
    bad = {
        **invoice("L-1"),
        "invoiceItems": [{"quantity": 1, "price": "1.00"}, {"name": "x", "quantity": 0, "price": "abc"}],
    }
    with pytest.raises(ValueError) as caught:
        provider.form_model.model_validate(bad)
    text = str(caught.value)
    assert "name, a product ID or a barcode" in text and "quantity other than 0" in text and "price" in text


def test_the_same_invoice_id_twice_is_refused_before_sending(services, provider):
    with pytest.raises(FormInvalid, match="Invoice ID 4001 is in the list twice"):
        services.uploads.prepare(provider, "practice", [{"id": 4001}, {"id": 4001, "note": "again"}])


def test_cli_sends_a_file_of_invoices(run_cli, services, sandbox, signed_in, tmp_path):
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps([invoice("CLI-1"), invoice("CLI-2", lines=3)]), encoding="utf-8")
    code, out, err = run_cli(["send", "shopwave", "--data", str(path)])
    assert code == 0, err
    answer = json.loads(out)
    assert [i["outcome"] for i in answer["items"]] == ["succeeded", "succeeded"]
    code, out, err = run_cli(
        ["send", "shopwave", "--data", json.dumps([invoice("CLI-3", supplier=999), invoice("CLI-4")])]
    )
    assert code == 1
    assert "Shopwave saved 1 of 2 invoices" in err
    assert "#1 CLI-3: rejected: Not saved. A store, supplier, invoice or product given does not belong" in err
    assert "#2 CLI-4: succeeded: Created in Shopwave as invoice" in err


def test_retry_never_creates_again_an_invoice_whose_answer_was_lost(services, provider, sandbox, signed_in):
    original = sandbox._store_all
    calls: list[int] = []

    def store_then_lose_the_answer(message):
        calls.append(1)
        answer = original(message)
        if len(calls) == 1:  # stored, but the answer is lost behind a proxy's error page
            return SandboxResponse.text("<html>Bad gateway</html>", 502, "text/html")
        return answer

    sandbox._store_all = store_then_lose_the_answer
    data = [
        {
            "supplierId": 10,
            "storeId": 1,
            "reference": "DUP-1",
            "completeDate": "2026-05-31",
            "invoiceItems": [{"name": "x", "quantity": 1, "price": "1.00"}],
        },
        {
            "supplierId": 10,
            "storeId": 1,
            "reference": "LATER-1",
            "completeDate": "2026-05-31",
            "invoiceItems": [{"name": "x", "quantity": 1, "price": "1.00"}],
        },
    ]
    first = services.uploads.run(services.uploads.prepare(provider, "practice", data))
    assert first.outcome is not Outcome.SUCCEEDED
    retried = services.uploads.run(services.uploads.prepare_retry(first.attempt_id))
    references = [invoice["reference"] for invoice in sandbox.invoices.values()]
    assert references.count("DUP-1") == 1  # never created twice
    by_label = {item.label: item for item in retried.items}
    dup = next(item for label, item in by_label.items() if "DUP-1" in label)
    assert dup.outcome is Outcome.UNCERTAIN and "Check in Shopwave" in dup.message


class _Crash(BaseException):
    """The app dying (power cut, kill -9) right after a request reached Shopwave: nothing below catches it."""


def test_the_title_after_a_crash_retry_counts_truly(services, provider, sandbox, signed_in, monkeypatch):
    from invoice_desktop.core.provider import RequestContext

    invoices = [invoice(f"K-{n}", lines=149) for n in range(4)]  # four requests of 150 objects each
    original = RequestContext.send
    sent: list[int] = []

    def crash_on_the_second_post(self, request):
        response = original(self, request)
        if request.method == "POST" and request.url.endswith("/invoice"):
            sent.append(1)
            if len(sent) == 2:  # Shopwave stored K-1, then the app died before reading the answer
                raise _Crash()
        return response

    monkeypatch.setattr(RequestContext, "send", crash_on_the_second_post)
    prepared = services.uploads.prepare(provider, "practice", invoices)
    with pytest.raises(_Crash):
        services.uploads.run(prepared)
    monkeypatch.setattr(RequestContext, "send", original)
    attempt_id = services.history.recent()[0].id
    # The app died: its heartbeat stopped, and the next start comes once the attempt's lease has lapsed.
    services.history._keeper.stop()
    services.history._write(lambda db: db.execute("UPDATE attempts SET lease_until=0 WHERE id=?", (attempt_id,)))
    assert services.history.mark_interrupted() == 1  # what the next start does

    retried = services.uploads.run(services.uploads.prepare_retry(attempt_id))
    references = sorted(inv["reference"] for inv in sandbox.invoices.values() if inv["id"] != 4001)
    assert references == ["K-0", "K-1", "K-2", "K-3"]  # K-1 was saved by the try that crashed, and only once
    assert [i.outcome for i in retried.items] == [Outcome.SUCCEEDED, Outcome.UNCERTAIN, *[Outcome.SUCCEEDED] * 2]
    assert retried.items[1].data.get("uncertain")
    # K-1 is not said to be "not saved": it may well have been (it was).
    assert retried.title == "Shopwave saved 3 of 4 invoices; 1 may have been saved (its answer was lost)."
    assert "not saved" not in retried.title
    assert "Check in Shopwave" in retried.detail


def test_the_title_counts_refused_and_uncertain_invoices_apart(services, provider, sandbox, signed_in):
    original = sandbox._store_all
    calls: list[int] = []

    def lose_the_first_answer(message):
        calls.append(1)
        answer = original(message)
        return SandboxResponse.text("<html>Bad gateway</html>", 502, "text/html") if len(calls) == 1 else answer

    sandbox._store_all = lose_the_first_answer
    data = [invoice("U-1", lines=149), invoice("U-2", lines=149), invoice("U-3", supplier=999, lines=149)]
    first = send(services, provider, data)
    retried = services.uploads.run(services.uploads.prepare_retry(first.attempt_id))
    assert [i.outcome for i in retried.items] == [Outcome.UNCERTAIN, Outcome.SUCCEEDED, Outcome.REJECTED]
    assert retried.title == (
        "Shopwave saved 1 of 3 invoices; 1 was not saved; 1 may have been saved (its answer was lost)."
    )
