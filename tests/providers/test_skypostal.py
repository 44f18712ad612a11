"""SkyPostal API-BOX against its practice sandbox: both steps, refusals, resume without a second step 1,
redaction, the 5 MB boundary and the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
import requests

from invoice_desktop.core.attachments import MB, AttachmentRefused
from invoice_desktop.core.errors import CredentialsMissing, FormInvalid
from invoice_desktop.core.redaction import MASK
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.transport import Transport
from invoice_desktop.practice.skypostal import APP_KEY, CUSTOMERS, SkyPostalSandbox
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.skypostal import SkyPostal

DEMO_KEY = CUSTOMERS[0].key
SECOND = CUSTOMERS[1]  # its customer key holds a "/"


@pytest.fixture
def provider() -> SkyPostal:
    p = get_provider("skypostal")
    assert isinstance(p, SkyPostal)
    return p


@pytest.fixture
def sandbox(services, provider) -> SkyPostalSandbox:
    box = services.uploads.practice.sandbox_for(provider)
    assert isinstance(box, SkyPostalSandbox)
    return box


def send(services, provider, path, trck="13869085", **kwargs):
    prepared = services.uploads.prepare(provider, "practice", {"trck_nmr_fol": trck}, file_path=path, **kwargs)
    return services.uploads.run(prepared)


def retry(services, attempt_id):
    return services.uploads.run(services.uploads.prepare_retry(attempt_id))


def assert_no_secrets(services, attempt_id, *secrets):
    dumped = json.dumps([e.to_dict() for e in services.history.exchanges(attempt_id)], ensure_ascii=False)
    attempt = services.history.get(attempt_id)
    dumped += json.dumps([attempt.result, attempt.resume, attempt.provider_message, attempt.summary], default=str)
    for secret in secrets:
        assert secret not in dumped
        assert secret.replace("/", "\\/") not in dumped


# -- both steps ------------------------------------------------------------------------------------------------


def test_both_steps_attach_the_file_and_give_its_link(services, provider, sandbox, make_file):
    pdf = make_file("Rechnung_Müller_№5.pdf", size=20_000)
    result = send(services, provider, pdf)

    assert result.ok, result
    assert result.title == "SkyPostal attached the invoice to parcel 13869085."
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1
    ((label, url),) = result.links
    assert label == "Invoice file at SkyPostal"
    assert url == result.data["invoice_file_url"]
    assert result.data["invoice_id"] == "442825"
    assert result.data["invoice_file_name"].endswith("_13869085_Rechnung_Müller_№5.pdf")
    # The link opens the very file that was sent.
    assert requests.get(url, timeout=5).content == pdf.read_bytes()

    received = sandbox.received[-1]
    assert received["content_type"] == "text/plain"
    assert received["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert {"invoice_file_guid", "user_code", "app_key", "customer_key", "customer_box_id"} <= set(received["headers"])
    assert received["guid"] == result.data["invoice_file_guid"]

    exchanges = services.history.exchanges(result.attempt_id)
    assert [e.label for e in exchanges] == ["Step 1: invoice data", "Step 2: invoice file"]
    assert all(e.attempt_id == result.attempt_id for e in exchanges)
    step1, step2 = exchanges
    body = json.loads(step1.request_body)
    assert body == {
        "user_code": 396,
        "app_key": MASK,
        "customer_box_id": 811111,
        "customer_key": MASK,
        "trck_nmr_fol": 13869085,
        "invoice_file_name": "Rechnung_Müller_№5.pdf",
    }
    # The raw body is shown as its size and hash, never its bytes.
    assert "20,000 bytes" in step2.request_body
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in step2.request_body
    assert "%PDF" not in step2.request_body
    assert step2.request_headers["invoice_file_guid"] == result.data["invoice_file_guid"]
    assert step2.request_headers["Content-Type"] == "text/plain"
    assert services.history.get(result.attempt_id).state == "succeeded"


def test_each_upload_gets_its_own_invoice_record(services, provider, sandbox, make_file):
    first = send(services, provider, make_file("a.png"))
    second = send(services, provider, make_file("b.txt", content=b"Invoice 43\nTotal 10.00\n"), trck="13869086")
    assert first.ok and second.ok
    assert first.data["invoice_file_guid"] != second.data["invoice_file_guid"]
    assert first.data["invoice_id"] != second.data["invoice_id"]


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("scan.jpg", "scan.jpeg"),
        ("SCAN.JPG", "SCAN.jpeg"),
        ("INVOICE.PDF", "INVOICE.pdf"),
        ("photo.jpeg", "photo.jpeg"),
    ],
)
def test_file_name_sent_is_the_dropped_one_with_a_listed_extension(services, provider, sandbox, make_file, name, sent):
    result = send(services, provider, make_file(name))
    assert result.ok, result
    step1 = services.history.exchanges(result.attempt_id)[0]
    assert json.loads(step1.request_body)["invoice_file_name"] == sent


# -- refused before anything is sent --------------------------------------------------------------------------


def test_exactly_5_mb_is_sent_and_one_byte_more_is_refused_before_sending(services, provider, sandbox, make_file):
    exact = make_file("exact.pdf", size=5 * MB)
    result = send(services, provider, exact)
    assert result.ok, result
    assert sandbox.received[-1]["size"] == 5 * MB

    over = make_file("over.pdf", size=5 * MB + 1)
    with pytest.raises(AttachmentRefused) as refused:
        send(services, provider, over)
    assert refused.value.rule == "size"
    assert "5 MB (5,242,880 bytes)" in refused.value.message
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1
    assert len(services.history.recent()) == 1


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("invoice.doc", None, "extension"),
        ("invoice.gif", None, "extension"),
        ("invoice.pdf", b"<html>not a pdf</html>", "content"),
        ("invoice.png", b"%PDF-1.4 a pdf named png", "content"),
        ("invoice.txt", b"binary\x00data", "content"),
        ("invoice.pdf", b"", "empty"),
    ],
)
def test_files_the_api_does_not_take_are_refused_before_sending(
    services, provider, sandbox, make_file, name, content, rule
):
    with pytest.raises(AttachmentRefused) as refused:
        send(services, provider, make_file(name, content=content))
    assert refused.value.rule == rule
    if rule == "extension":
        assert ".pdf .jpeg .png .txt" in refused.value.message
    assert sandbox.step1_requests == 0
    assert services.history.recent() == []


@pytest.mark.parametrize("trck", ["", "ABC123", "1386-9085", "0", None])
def test_tracking_number_must_be_digits(services, provider, sandbox, make_file, trck):
    with pytest.raises(FormInvalid) as invalid:
        send(services, provider, make_file("i.pdf"), trck=trck)
    assert "trck_nmr_fol" in invalid.value.fields
    assert sandbox.step1_requests == 0


def test_a_file_is_required(services, provider, sandbox):
    with pytest.raises(FormInvalid, match="Add the invoice file"):
        services.uploads.prepare(provider, "practice", {"trck_nmr_fol": 13869085})


def test_missing_customer_credentials_point_to_sign_in_and_nothing_is_recorded(services, provider, sandbox, make_file):
    creds = {"user_code": "396", "app_key": APP_KEY, "customer_box_id": "811111"}
    # Storing the issued pair alone is fine (sign-in comes after) ...
    assert provider.check_credentials(creds) == {}
    # ... but an upload needs the customer's key too.
    with pytest.raises(CredentialsMissing, match="Customer key is missing: sign in"):
        services.uploads.prepare(
            provider, "practice", {"trck_nmr_fol": "13869085"}, file_path=make_file("i.pdf"), credentials=creds
        )
    with pytest.raises(CredentialsMissing, match="user code is a number"):
        services.uploads.prepare(
            provider,
            "practice",
            {"trck_nmr_fol": "13869085"},
            file_path=make_file("i.pdf"),
            credentials={**creds, "user_code": "abc", "customer_key": DEMO_KEY},
        )
    assert services.history.recent() == [] and sandbox.step1_requests == 0


# -- refused by SkyPostal at step 1 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trck", "creds", "description", "hint"),
    [
        ("99999999", {}, "Tracking number 99999999 not found.", "Check the tracking number"),
        ("13869090", {}, "Tracking number 13869090 does not belong to this customer.", "Check the tracking number"),
        ("13869085", {"app_key": "0" * 32}, "Invalid user_code or app_key.", "Check the credentials"),
        ("13869085", {"user_code": "397"}, "Invalid user_code or app_key.", "Check the credentials"),
        ("13869085", {"customer_key": SECOND.key}, "Invalid customer_box_id or customer_key.", "Check the credentials"),
        (
            "13869085",
            {"customer_box_id": "822222"},
            "Invalid customer_box_id or customer_key.",
            "Check the credentials",
        ),
    ],
)
def test_step1_refusals_are_reported_and_step2_is_not_sent(
    services, provider, sandbox, make_file, trck, creds, description, hint
):
    credentials = {**SkyPostalSandbox.DEMO_CREDENTIALS, **creds}
    result = send(services, provider, make_file("inv.pdf"), trck=trck, credentials=credentials)

    assert result.outcome is Outcome.REJECTED
    assert result.title == f"SkyPostal refused the invoice data: {description}"
    assert hint in result.detail and "Nothing was stored" in result.detail
    assert result.provider_message == f"{description} (at customer-upload-invoice-data)"
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 0
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == "rejected" and attempt.provider_message == result.provider_message
    assert len(services.history.exchanges(result.attempt_id)) == 1
    assert_no_secrets(services, result.attempt_id, credentials["app_key"], credentials["customer_key"])


def test_sandbox_refuses_a_bad_extension_and_a_file_over_5_mb(services, provider, sandbox):
    """What the app never sends, the sandbox refuses as SkyPostal would (raw requests)."""
    base = services.uploads.base_url(provider, "practice") + "/service-customer.svc/customer/"
    body = {
        "user_code": 396,
        "app_key": APP_KEY,
        "customer_box_id": 811111,
        "customer_key": DEMO_KEY,
        "trck_nmr_fol": 13869085,
        "invoice_file_name": "invoice.docx",
    }
    (answer,) = requests.post(base + "customer-upload-invoice-data", json=body, timeout=5).json()
    assert answer["_verify"] is False
    assert answer["error"]["error_description"].startswith("Invalid file extension")

    (answer,) = requests.post(
        base + "customer-upload-invoice-data", json={**body, "invoice_file_name": "i.pdf"}, timeout=5
    ).json()
    assert answer["_verify"] is True
    headers = {
        "invoice_file_guid": answer["invoice_file_guid"],
        "user_code": "396",
        "app_key": APP_KEY,
        "Content-Type": "text/plain",
    }
    (answer,) = requests.post(
        base + "customer-upload-invoice-file", data=b"x" * (5 * MB + 1), headers=headers, timeout=10
    ).json()
    assert answer["_verify"] is False and "5 MB" in answer["error"]["error_description"]
    (answer,) = requests.post(
        base + "customer-upload-invoice-file", data=b"x" * (5 * MB), headers=headers, timeout=10
    ).json()
    assert answer["_verify"] is True and answer["invoice_file_url"]

    # A tracking number sent as a string does not fit WCF's data contract: its HTML error page.
    page = requests.post(base + "customer-upload-invoice-data", json={**body, "trck_nmr_fol": "13869085"}, timeout=5)
    assert page.status_code == 400 and "Request Error" in page.text


# -- step 2 fails: retry continues with the stored GUID ---------------------------------------------------------


@pytest.mark.parametrize(("failure", "outcome"), [("http500", Outcome.UNCERTAIN), ("refuse", Outcome.FAILED)])
def test_retry_after_a_step2_failure_sends_only_step2(services, provider, sandbox, make_file, failure, outcome):
    pdf = make_file("invoice.pdf", size=3000)
    sandbox.fail_next_step2 = failure
    failed = send(services, provider, pdf)

    assert failed.outcome is outcome
    assert "Retry sends only the file" in failed.detail
    attempt = services.history.get(failed.attempt_id)
    assert attempt.state == outcome.value
    # Step 2 again with the same GUID only replaces that record's file: nothing to ask.
    assert services.uploads.resend_question(failed.attempt_id) is None
    guid = attempt.resume["invoice_file_guid"]
    assert attempt.resume["invoice_id"] == "442825"
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1

    done = retry(services, failed.attempt_id)
    assert done.ok, done
    assert services.history.get(done.attempt_id).retry_of == failed.attempt_id  # a new attempt, linked
    assert done.data["invoice_file_guid"] == guid and done.data["invoice_id"] == "442825"
    assert done.links and done.links[0][1].startswith("http://127.0.0.1")
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 2
    assert len(sandbox.invoices) == 1
    labels = [e.label for e in services.history.exchanges(failed.attempt_id)]
    assert labels == ["Step 1: invoice data", "Step 2: invoice file"]
    assert [e.label for e in services.history.exchanges(done.attempt_id)] == ["Step 2: invoice file"]
    assert services.history.get(failed.attempt_id).state == outcome.value
    assert services.history.get(done.attempt_id).state == "succeeded"
    assert_no_secrets(services, failed.attempt_id, APP_KEY, DEMO_KEY)
    assert_no_secrets(services, done.attempt_id, APP_KEY, DEMO_KEY)


def test_retry_from_the_cli_after_a_step2_failure(services, provider, sandbox, make_file, run_cli):
    pdf = make_file("invoice.pdf")
    sandbox.fail_next_step2 = "http500"
    code, out, err = run_cli(["send", "skypostal", "--data", '{"trck_nmr_fol": 13869085}', "--file", str(pdf)])
    assert code == 4  # step 2 got a 500: the file may or may not be attached
    attempt_id = services.history.recent()[0].id
    assert f"(attempt {attempt_id})" in err and "Retry sends only the file" in err

    code, out, err = run_cli(["retry", str(attempt_id)])
    assert code == 0, err
    assert json.loads(out)["links"][0]["url"].startswith("http://127.0.0.1")
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 2

    code, out, err = run_cli(["retry", str(attempt_id)])
    assert code == 1 and "already succeeded" in err
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 2


def test_retry_after_step2_could_not_connect(services, provider, sandbox, make_file, monkeypatch):
    monkeypatch.setattr(Transport, "_pause", lambda self, seconds: None)  # no waiting between automatic retries
    real = SkyPostal.step2_request

    def unreachable(self, ctx, guid):
        return dataclasses.replace(real(self, ctx, guid), url="http://127.0.0.1:9/closed")

    monkeypatch.setattr(SkyPostal, "step2_request", unreachable)
    failed = send(services, provider, make_file("invoice.pdf"))
    assert failed.outcome is Outcome.FAILED
    assert failed.title.startswith("The invoice file did not reach SkyPostal")
    assert "Retry sends only the file" in failed.detail

    monkeypatch.setattr(SkyPostal, "step2_request", real)
    done = retry(services, failed.attempt_id)
    assert done.ok, done
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1


def test_step2_with_an_unknown_guid_is_refused(services, provider, sandbox, make_file):
    sandbox.fail_next_step2 = "http500"
    failed = send(services, provider, make_file("invoice.pdf"))
    attempt = services.history.get(failed.attempt_id)
    services.history.set_resume(
        failed.attempt_id, {**attempt.resume, "invoice_file_guid": "00000000-0000-4000-8000-000000000000"}
    )
    result = retry(services, failed.attempt_id)
    assert result.outcome is Outcome.REJECTED
    assert result.title == "SkyPostal refused the invoice file: invoice_file_guid not found."
    assert sandbox.step1_requests == 1


def test_a_refused_step1_may_be_retried(services, provider, sandbox, make_file):
    refused = send(services, provider, make_file("invoice.pdf"), trck="55555555")
    assert refused.outcome is Outcome.REJECTED
    sandbox.parcels[55555555] = 811111  # the parcel is registered meanwhile
    done = retry(services, refused.attempt_id)
    assert done.ok, done
    assert sandbox.step1_requests == 2 and len(sandbox.invoices) == 1


def test_step1_is_never_sent_twice_when_its_answer_was_unreadable(services, provider, sandbox, make_file, monkeypatch):
    real = SkyPostalSandbox._step1

    def stored_but_broken(self, request):
        real(self, request)  # the invoice record is created ...
        return self._request_error(500)  # ... but the answer is an error page

    monkeypatch.setattr(SkyPostalSandbox, "_step1", stored_but_broken)
    failed = send(services, provider, make_file("invoice.pdf"))
    assert failed.outcome is Outcome.UNCERTAIN
    assert "may or may not have stored" in failed.detail
    assert "Check in SkyPostal whether parcel 13869085 has an invoice" in failed.detail
    assert sandbox.step1_requests == 1

    # Unconfirmed, a retry does not send the invoice data again (the window and the CLI ask first) ...
    assert "may already have reached SkyPostal" in services.uploads.resend_question(failed.attempt_id)
    again = retry(services, failed.attempt_id)
    assert again.outcome is Outcome.UNCERTAIN
    assert again.title.startswith("This upload cannot be continued")
    assert "press Retry and confirm that it did not arrive" in again.detail
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 0
    assert len(services.history.exchanges(failed.attempt_id)) == 1

    # ... and when the clerk checked and confirmed it did not arrive, it does.
    monkeypatch.setattr(SkyPostalSandbox, "_step1", real)
    prepared = services.uploads.prepare_retry(again.attempt_id)
    prepared.resend_confirmed = True
    done = services.uploads.run(prepared)
    assert done.ok, done
    assert sandbox.step1_requests == 2 and sandbox.step2_requests == 1


def test_a_client_error_page_at_step1_means_nothing_was_stored_and_may_be_retried(
    services, provider, sandbox, make_file, monkeypatch
):
    real = SkyPostalSandbox._step1
    monkeypatch.setattr(SkyPostalSandbox, "_step1", lambda self, request: self._request_error(400))
    refused = send(services, provider, make_file("invoice.pdf"))
    assert refused.outcome is Outcome.REJECTED
    assert refused.title == "SkyPostal refused the invoice data (HTTP 400) without saying why."
    assert "Nothing was stored" in refused.detail

    monkeypatch.setattr(SkyPostalSandbox, "_step1", real)
    done = retry(services, refused.attempt_id)
    assert done.ok, done
    assert sandbox.step2_requests == 1 and len(sandbox.invoices) == 1


def test_sending_to_a_parcel_again_is_flagged(services, provider, sandbox, make_file):
    form = provider.form_model.model_validate({"trck_nmr_fol": 13869085})
    assert provider.warnings(form, services.history, "practice") == []
    assert send(services, provider, make_file("invoice.pdf")).ok
    (warning,) = provider.warnings(form, services.history, "practice")
    assert "already attached to parcel 13869085" in warning and "second invoice record" in warning
    assert provider.warnings(form, services.history, "sandbox") == []


# -- redaction -------------------------------------------------------------------------------------------------


def test_app_key_and_customer_key_are_hidden_in_headers_and_bodies(
    services, provider, sandbox, make_file, memory_keyring
):
    credentials = {**SkyPostalSandbox.DEMO_CREDENTIALS, "customer_box_id": "822222", "customer_key": SECOND.key}
    sandbox.fail_next_step2 = "refuse"
    failed = send(services, provider, make_file("invoice.pdf"), trck="13869090", credentials=credentials)
    assert failed.outcome is Outcome.FAILED
    prepared = services.uploads.prepare_retry(failed.attempt_id)
    prepared.credentials.update(credentials)
    done = services.uploads.run(prepared)
    assert done.ok, done

    exchanges = services.history.exchanges(failed.attempt_id) + services.history.exchanges(done.attempt_id)
    assert len(exchanges) == 3
    for exchange in exchanges:
        assert APP_KEY not in exchange.curl and SECOND.key not in exchange.curl
    for step2 in exchanges[1:]:
        assert step2.request_headers["app_key"] == MASK
        assert step2.request_headers["customer_key"] == MASK
        assert step2.request_headers["user_code"] == "396"  # not a secret: shown, which helps support
    assert MASK in exchanges[0].request_body
    assert_no_secrets(services, failed.attempt_id, APP_KEY, SECOND.key)
    assert APP_KEY not in json.dumps(done.to_dict()) and SECOND.key not in json.dumps(done.to_dict())


# -- CLI -------------------------------------------------------------------------------------------------------


def test_cli_send_performs_both_steps(services, sandbox, make_file, run_cli):
    pdf = make_file("invoice.pdf")
    code, out, err = run_cli(["send", "skypostal", "--data", '{"trck_nmr_fol": 13869085}', "--file", str(pdf)])
    assert code == 0, err
    shown = json.loads(out)
    assert shown["outcome"] == "succeeded"
    assert shown["links"] == [{"label": "Invoice file at SkyPostal", "url": shown["data"]["invoice_file_url"]}]
    assert sandbox.step1_requests == 1 and sandbox.step2_requests == 1
    assert APP_KEY not in out + err and DEMO_KEY not in out + err


def test_cli_reports_refusals_and_bad_input(services, sandbox, make_file, run_cli):
    code, _, err = run_cli(
        ["send", "skypostal", "--data", '{"trck_nmr_fol": 99999999}', "--file", str(make_file("invoice.pdf"))]
    )
    assert code == 1 and "Tracking number 99999999 not found." in err
    code, _, err = run_cli(
        [
            "send",
            "skypostal",
            "--data",
            '{"trck_nmr_fol": 13869085}',
            "--file",
            str(make_file("big.pdf", size=5 * MB + 1)),
        ]
    )
    assert code == 2 and "file refused, nothing was sent" in err
    assert sandbox.step1_requests == 1
