"""PayFabric Receivables through the app's core (UploadService) and the CLI, against its practice sandbox: the
token (fetched, kept in the keyring, reused after a restart, renewed once on 401), both invoice endpoints, the
seed's sample invoice as it is, every documented answer, redaction, and the warnings shown before sending."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.attachments import AttachmentRefused
from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.results import Outcome
from invoice_desktop.core.upload import UploadService
from invoice_desktop.practice.payfabric import DEMO_KEY, DEMO_PASSWORD, DENIED
from invoice_desktop.providers import get_provider, registry

PROVIDER = get_provider("payfabric")
SERVICE = "invoice-desktop/payfabric/practice"

# The request body of PayFabric's "Create or Update an Invoice" page (the seed), exactly as published.
SEED = json.loads(
    r"""
{
	"Amount": "30.00",
	"BalanceDue": "30.00",
	"BatchNumber": "API20180525",
	"BillingAddress": {
		"Address1": "1234 Street", "Address2": null, "Address3": null, "AddressID": "PRIMARY",
		"City": "Los Angeles", "Country": "US", "EMailAddress": "Nodus0002@nodus.com", "Fax": null,
		"Name": "Nodus Technologies", "Phone": "1234567890", "State": "CA", "Zip": "12345"
	},
	"Comments": null,
	"CopyEmail": "Nodus0002@nodus.com; Nodus0003@nodus.com",
	"Currency": "Z-US$",
	"CustomerId": "Nodus0002",
	"CustomerName": "Nodus Technologies",
	"Discount": "0.00",
	"DocumentType": "Invoice",
	"DueDate": "10/30/2017 3:19:11 PM",
	"Email": "Nodus0001@nodus.com",
	"ExtensionData": "<ExtData><Ext_USERDEF1>UserDefine1 Value</Ext_USERDEF1>"""  # one line in the original
    r"""<Ext_USERDEF2>UserDefine2 Value</Ext_USERDEF2></ExtData>",
	"Freight": "0.00",
	"Identity": "",
	"InvoiceGuid": "8e734fd5-29a5-4a6f-80ca-63cc92b793b9",
	"InvoiceId": "STDINV999999",
	"InvoiceItems": [{
		"Comment": null, "CommodityCode": "TEST", "Description": "TEST Item", "ExtendedPrice": "30.00",
		"ExtensionData": "", "InvoiceNumber": "STDINV999999", "ItemCode": "TEST", "Markdown": "0.00",
		"MarkdownPercentage": "0.00", "NonInventory": true, "PriceLevel": "RETAIL", "Quantity": "1",
		"ReqShipDate": "10/30/2017 3:19:11 PM", "SalesPerson": "SANDRA M.", "Sequence": "1",
		"ShippingMethod": "GROUND",
		"ShippingToAddress": {
			"Address1": "1234 Street", "Address2": null, "Address3": null, "AddressID": "PRIMARY",
			"City": "Los Angeles", "Country": "US", "EMailAddress": "TEST@nodus.com", "Fax": null,
			"Name": "Test User", "Phone": "1234567890", "State": "CA", "Zip": "12345"
		},
		"Taxable": "0", "TaxAmount": "0.00", "UnitOfMeasure": "EACH", "UnitPrice": "30.00"
	}],
	"InvoiceType": "3",
	"MiscCost": "0.00",
	"PaymentTerms": null,
	"PONumber": null,
	"PostingDate": "09/30/2017 2:00:00 PM",
	"SalesPerson": "SANDRA M.",
	"SendNewInvoiceEmail": "No",
	"ShippingAddress": {
		"Address1": "1234 Street", "Address2": null, "Address3": null, "AddressID": "PRIMARY",
		"City": "Los Angeles", "Country": "US", "EMailAddress": "Nodus0002@nodus.com", "Fax": null,
		"Name": "Nodus Technologies", "Phone": "1234567890", "State": "CA", "Zip": "12345"
	},
	"ShippingMethod": "GROUND",
	"Site": "WAREHOUSE",
	"SubTotal": "30.00",
	"Tax": "0.00",
	"TermDiscounts": null,
	"Tracking_Number": null
}
"""
)

# How the seed's values look once normalised for the wire (everything else goes out exactly as given).
NORMALISED = {
    "DueDate": "2017-10-30 15:19:11",
    "PostingDate": "2017-09-30 14:00:00",
    "ReqShipDate": "2017-10-30 15:19:11",
    "Sequence": 1,
    "Taxable": False,
    "Quantity": "1",
}


def invoice(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SEED)
    data.update(changes)
    return data


@pytest.fixture
def sandbox(services):
    return services.uploads.practice.sandbox_for(PROVIDER)


def upload(
    services,
    data: dict[str, Any] | None = None,
    *,
    file=None,
    uploads: UploadService | None = None,
    environment: str = "practice",
    **kwargs: Any,
):
    uploads = uploads or services.uploads
    return uploads.run(uploads.prepare(PROVIDER, environment, data or invoice(), file_path=file, **kwargs))


def labels(services, result) -> list[tuple[str, int | None]]:
    return [(e.label, e.status) for e in services.history.exchanges(result.attempt_id)]


def stored(memory_keyring, name: str) -> str | None:
    return memory_keyring.items.get((SERVICE, name))


def assert_secrets_hidden(services, result, *secrets: str) -> None:
    attempt = services.history.get(result.attempt_id)
    exchanges = services.history.exchanges(result.attempt_id)
    assert exchanges
    for secret in (DEMO_PASSWORD, DEMO_KEY, *secrets):
        assert secret not in repr(result.to_dict())
        assert secret not in repr(attempt)
        for exchange in exchanges:
            assert secret not in json.dumps(exchange.to_dict(), ensure_ascii=False)
            assert secret not in exchange.as_text()


# -- token -------------------------------------------------------------------------------------------------------


def test_first_upload_gets_a_token_keeps_it_with_its_expiry_and_is_accepted(services, sandbox, memory_keyring):
    result = upload(services)

    assert result.outcome is Outcome.SUCCEEDED, result
    assert result.title == "PayFabric accepted invoice “STDINV999999” for customer “Nodus0002”."
    assert labels(services, result) == [("Get access token", 200), ("Upload invoice", 200)]
    assert sandbox.token_requests == 1
    token = stored(memory_keyring, "access_token")
    assert token in sandbox.tokens
    expires = datetime.fromisoformat(stored(memory_keyring, "token_expires_at"))
    assert abs(expires - (datetime.now(UTC) + timedelta(seconds=8639999))) < timedelta(minutes=1)
    token_exchange = services.history.exchanges(result.attempt_id)[0]
    assert token_exchange.url.endswith("/payfabric/DemoPortal/api/token")
    assert "grant_type=password" in token_exchange.request_body
    assert_secrets_hidden(services, result, token)


def test_the_token_is_reused_across_uploads_and_after_a_restart(services, sandbox, memory_keyring, practice):
    first = upload(services)
    second = upload(services, invoice(InvoiceId="INV-2"))
    # "Restart": a new credential store and upload service over the same keyring (the practice server stays, as
    # PayFabric does).
    restarted = UploadService(
        CredentialStore(memory_keyring), services.history, providers=registry(), practice=lambda: practice
    )
    third = upload(services, invoice(InvoiceId="INV-3"), uploads=restarted)

    assert [r.outcome for r in (first, second, third)] == [Outcome.SUCCEEDED] * 3
    assert sandbox.token_requests == 1
    assert labels(services, third) == [("Upload invoice", 200)]


def test_a_token_refused_with_401_is_renewed_once_and_the_invoice_sent_again(services, sandbox, memory_keyring):
    upload(services)
    old_token = stored(memory_keyring, "access_token")
    sandbox.expire_tokens()
    before = len(sandbox.received)

    result = upload(
        services,
        invoice(
            Amount="45.00",
            BalanceDue="45.00",
            SubTotal="45.00",
            InvoiceItems=[{"ItemCode": "TEST", "Quantity": "1", "UnitPrice": "45.00"}],
        ),
    )

    assert result.outcome is Outcome.SUCCEEDED, result
    assert labels(services, result) == [("Upload invoice", 401), ("Get access token", 200), ("Upload invoice", 200)]
    assert sandbox.token_requests == 2
    assert len(sandbox.received) == before + 1
    new_token = stored(memory_keyring, "access_token")
    assert new_token != old_token and new_token in sandbox.tokens
    assert_secrets_hidden(services, result, old_token, new_token)


def test_renewal_happens_only_once_when_the_new_token_is_refused_too(services, sandbox):
    upload(services)
    sandbox.fail_next(401, DENIED)
    sandbox.fail_next(401, DENIED)

    result = upload(services)

    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric did not accept the access token, even a new one."
    assert "Integration Key Password" in result.detail
    assert labels(services, result) == [("Upload invoice", 401), ("Get access token", 200), ("Upload invoice", 401)]
    assert sandbox.token_requests == 2


def test_a_fresh_token_refused_is_not_renewed_again(services, sandbox):
    sandbox.fail_next(401, DENIED)
    result = upload(services)
    assert result.outcome is Outcome.REJECTED
    assert labels(services, result) == [("Get access token", 200), ("Upload invoice", 401)]
    assert sandbox.token_requests == 1


def test_a_token_past_its_stored_expiry_is_replaced_before_sending(services, sandbox, memory_keyring):
    upload(services)
    memory_keyring.items[(SERVICE, "token_expires_at")] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()

    result = upload(services)

    assert result.ok
    assert labels(services, result) == [("Get access token", 200), ("Upload invoice", 200)]
    assert sandbox.token_requests == 2


def test_a_wrong_integration_key_password_is_refused_and_nothing_is_uploaded(services, sandbox):
    services.credentials.set("payfabric", "practice", "integration_key_password", "not-the-password")
    result = upload(services)

    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric refused the integration key or its password."
    assert "Settings > General Settings" in result.detail
    assert result.provider_message == "The user name or password is incorrect."
    assert labels(services, result) == [("Get access token", 400)]
    assert sandbox.received == []
    assert_secrets_hidden(services, result, "not-the-password")


def test_an_unknown_portal_is_named(services, sandbox):
    services.credentials.set("payfabric", "practice", "portal_name", "NoSuchPortal")
    result = upload(services)
    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric does not know the portal “NoSuchPortal” here."


def test_a_portal_name_that_is_a_web_address_is_refused_before_sending(services):
    from invoice_desktop.core.errors import CredentialsMissing

    services.credentials.set("payfabric", "practice", "portal_name", "https://www.payfabric.com/x")
    with pytest.raises(CredentialsMissing, match="only the portal name"):
        services.uploads.prepare(PROVIDER, "practice", invoice())


def test_real_environments_put_the_portal_into_the_address(services):
    prepared = services.uploads.prepare(
        PROVIDER,
        "sandbox",
        invoice(),
        credentials={
            "portal_name": "nodus",
            "integration_key": "k",
            "integration_key_password": "secret-pw",
            "access_token": "stored-token-value",
        },
    )
    from invoice_desktop.core.provider import UploadContext

    ctx = UploadContext(
        environment="sandbox",
        base_url=prepared.base_url,
        credentials=prepared.credentials,
        options={},
        transport=None,
        form=prepared.form,
    )  # type: ignore[arg-type]
    request = PROVIDER.build_request(ctx, "stored-token-value")
    assert request.url == "https://sandbox.payfabric.com/receivables/sync/api/nodus/api/invoices"
    assert request.headers["Authorization"] == "Bearer stored-token-value"
    assert PROVIDER.environment("production").base_url == "https://www.payfabric.com/receivables/sync/api"


# -- the two endpoints and the seed ------------------------------------------------------------------------------


def expected_wire(value: Any, key: str = "") -> Any:
    """The seed's value as PayFabric should receive it: nulls and empty texts left out, dates and types
    normalised, Tracking_Number/TrackingNumber and EMailAddress/Email both carried."""
    if isinstance(value, dict):
        out = {k: expected_wire(v, k) for k, v in value.items() if v not in (None, "")}
        if "EMailAddress" in out:
            out["Email"] = out["EMailAddress"]
        return out
    if isinstance(value, list):
        return [expected_wire(v) for v in value]
    return NORMALISED.get(key, value)


def test_the_seed_sample_is_accepted_as_it_is_by_the_cli_and_arrives_normalised(run_cli, sandbox, tmp_path):
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(SEED), encoding="utf-8")

    code, out, err = run_cli(["send", "payfabric", "--data", str(path)])

    assert code == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    got = sandbox.received[-1]
    assert got["endpoint"] == "invoices"
    assert got["invoice"] == expected_wire(SEED)
    assert "Tracking_Number" not in got["invoice"]  # null in the seed: left out


def test_with_a_pdf_the_invoice_goes_as_multipart_with_the_json_and_the_file(run_cli, sandbox, tmp_path, make_file):
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(invoice(Tracking_Number="1Z999")), encoding="utf-8")
    pdf = make_file("Rechnung_Müller_№5.pdf", size=300_000)

    code, _, err = run_cli(["send", "payfabric", "--data", str(path), "--file", str(pdf)])

    assert code == 0, err
    got = sandbox.received[-1]
    assert got["endpoint"] == "InvoiceWithAttachment"
    assert got["invoice"] == expected_wire(invoice(TrackingNumber="1Z999", Tracking_Number="1Z999"))
    assert got["attachment"]["filename"] == "Rechnung_Müller_№5.pdf"
    assert got["attachment"]["content_type"] == "application/pdf"
    assert got["attachment"]["invoice_content_type"] == "application/json"
    assert got["attachment"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert got["attachment"]["size"] == 300_000


def test_attachment_rules_pdf_only_real_pdf_and_the_apps_own_limit(services, make_file):
    with pytest.raises(AttachmentRefused, match=r"accepts only \.pdf"):
        services.uploads.prepare(PROVIDER, "practice", invoice(), file_path=make_file("inv.docx"))
    with pytest.raises(AttachmentRefused, match="not a PDF document"):
        services.uploads.prepare(PROVIDER, "practice", invoice(), file_path=make_file("inv.pdf", content=b"hello"))
    with pytest.raises(AttachmentRefused, match="empty"):
        services.uploads.prepare(PROVIDER, "practice", invoice(), file_path=make_file("e.pdf", content=b""))
    big = make_file("big.pdf", size=2 * 1024 * 1024)
    with pytest.raises(AttachmentRefused, match="this app's limit") as refused:
        services.uploads.prepare(PROVIDER, "practice", invoice(), file_path=big, options={"max_bytes": 1024 * 1024})
    assert "1 MB" in refused.value.message
    assert services.history.recent() == []  # nothing recorded, nothing sent
    assert PROVIDER.attachment.max_bytes == 10 * 1024 * 1024
    assert PROVIDER.attachment.limit_source == "app"


# -- answers -----------------------------------------------------------------------------------------------------


def test_missing_mandatory_fields_412_are_named(services, sandbox):
    prepared = services.uploads.prepare(PROVIDER, "practice", invoice())
    prepared.form.Amount = None  # what the form would refuse, to see PayFabric's answer
    prepared.form.BalanceDue = None
    result = services.uploads.run(prepared)

    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric says mandatory fields are missing: Amount, BalanceDue."
    assert result.detail.startswith("Fill in Amount, BalanceDue")
    assert result.provider_code == "412"
    assert "Missing mandatory fields" in services.history.exchanges(result.attempt_id)[-1].response_body


def test_bad_data_400_says_what_payfabric_objected_to(services):
    prepared = services.uploads.prepare(PROVIDER, "practice", invoice())
    prepared.form.CustomerId = "C" * 51
    result = services.uploads.run(prepared)

    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric refused the data of invoice “STDINV999999”."
    assert "The field CustomerId must be a string with a maximum length of 50." in result.detail
    assert result.provider_code == "400"


@pytest.mark.parametrize(
    ("status", "body", "outcome", "title"),
    [
        (
            404,
            {"Message": "No HTTP resource was found."},
            Outcome.REJECTED,
            "PayFabric has no such address: the portal name or the address may be wrong.",
        ),
        (
            500,
            {"Message": "An error has occurred."},
            Outcome.UNCERTAIN,
            "PayFabric had a problem of its own with invoice “STDINV999999”: it may or may not have stored it.",
        ),
        (
            500,
            "<html><body>Server Error</body></html>",
            Outcome.UNCERTAIN,
            "PayFabric had a problem of its own with invoice “STDINV999999”: it may or may not have stored it.",
        ),
        (200, "false", Outcome.REJECTED, "PayFabric answered “false”: it did not take invoice “STDINV999999”."),
        (
            200,
            "<html>maintenance</html>",
            Outcome.UNCERTAIN,
            "The answer could not be read: invoice “STDINV999999” may or may not be in PayFabric.",
        ),
        (418, "", Outcome.FAILED, "The server answered something unexpected."),
    ],
)
def test_every_answer_becomes_a_plain_sentence_and_the_body_is_kept(services, sandbox, status, body, outcome, title):
    upload(services)  # a token first, so the forced answer comes from the invoice call
    sandbox.fail_next(status, body)
    result = upload(services)

    assert result.outcome is outcome
    assert result.title == title
    assert result.http_status == status
    last = services.history.exchanges(result.attempt_id)[-1]
    expected_body = body if isinstance(body, str) else json.dumps(body)
    assert last.response_body == expected_body


def test_a_500_says_sending_again_is_safe_and_a_retry_succeeds(services, sandbox):
    upload(services)
    sandbox.fail_next(500, {"Message": "An error has occurred."})
    failed = upload(services)
    assert "Sending it again is safe" in failed.detail

    retried = services.uploads.run(services.uploads.prepare_retry(failed.attempt_id))

    assert retried.ok
    assert sandbox.received[-1]["invoice"] == expected_wire(SEED)  # the form survived the history


# -- warnings ----------------------------------------------------------------------------------------------------


def test_sending_an_invoice_id_again_warns_that_it_replaces_the_whole_invoice(services, sandbox):
    form = services.uploads.prepare(PROVIDER, "practice", invoice()).form
    assert PROVIDER.warnings(form, services.history, "practice") == []

    sandbox.fail_next(500, None)
    upload(services)  # failed: not a reason to warn yet
    assert PROVIDER.warnings(form, services.history, "practice") == []

    done = upload(services)
    warnings = PROVIDER.warnings(form, services.history, "practice")
    assert len(warnings) == 1
    assert "“STDINV999999” was already uploaded" in warnings[0]
    assert f"attempt {done.attempt_id}" in warnings[0]
    assert "replaces the whole invoice" in warnings[0]
    assert PROVIDER.warnings(form, services.history, "sandbox") == []  # another environment: another invoice


def test_the_cli_prints_the_warnings_before_sending(run_cli, tmp_path):
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(invoice(Amount="31.00")), encoding="utf-8")

    code, _, err = run_cli(["send", "payfabric", "--data", str(path)])
    assert code == 0
    assert "warning: The amount is 31.00, but the subtotal plus tax" in err
    assert "already uploaded" not in err

    code, _, err = run_cli(["send", "payfabric", "--data", str(path)])
    assert code == 0
    assert "replaces the whole invoice" in err


def test_history_rows_say_which_invoice(services):
    result = upload(services)
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == hist.SUCCEEDED
    assert attempt.options["description"] == "invoice STDINV999999 for Nodus0002"
    assert attempt.form["DueDate"] == "2017-10-30 15:19:11"


# -- new credentials, new token (issue 11 item 3) -----------------------------------------------------------------


def test_a_new_integration_key_password_drops_the_stored_token(run_cli, services, sandbox, memory_keyring):
    assert upload(services).outcome is Outcome.SUCCEEDED
    assert stored(memory_keyring, "access_token")
    typed = {"portal_name": "DemoPortal", "integration_key": DEMO_KEY, "integration_key_password": "a-new-password"}
    code, _, err = run_cli(["credentials", "set", "payfabric", "-e", "practice"], stdin=typed)
    assert code == 0, err
    assert not stored(memory_keyring, "access_token") and not stored(memory_keyring, "token_expires_at")
    # The next upload asks PayFabric with the new password (wrong here), instead of going out on the old token.
    result = upload(services, invoice(InvoiceId="STDINV1000"))
    assert result.outcome is Outcome.REJECTED
    assert result.title == "PayFabric refused the integration key or its password."
    assert sandbox.token_requests == 2


def test_the_credentials_dialog_drops_the_token_when_the_key_changes(qtbot, services, memory_keyring):
    from invoice_desktop.ui.credentials_dialog import CredentialsDialog
    from invoice_desktop.ui.tasks import TaskRunner

    assert upload(services).outcome is Outcome.SUCCEEDED
    runner = TaskRunner()
    dialog = CredentialsDialog(PROVIDER, "practice", services, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.values().get("integration_key") == DEMO_KEY, timeout=5000)
    dialog.inputs["integration_key"].setText("another-integration-key")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert runner.shutdown(timeout=10)
    assert stored(memory_keyring, "integration_key") == "another-integration-key"
    assert not stored(memory_keyring, "access_token")


def test_saving_the_same_credentials_keeps_the_token(run_cli, services, memory_keyring):
    typed = {"portal_name": "DemoPortal", "integration_key": DEMO_KEY, "integration_key_password": DEMO_PASSWORD}
    assert run_cli(["credentials", "set", "payfabric", "-e", "practice"], stdin=typed)[0] == 0
    assert upload(services).outcome is Outcome.SUCCEEDED
    token = stored(memory_keyring, "access_token")
    assert run_cli(["credentials", "set", "payfabric", "-e", "practice"], stdin=typed)[0] == 0
    assert stored(memory_keyring, "access_token") == token
