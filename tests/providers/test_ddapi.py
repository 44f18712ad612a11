"""DäckData DDAPI against its practice sandbox: load before change, answers, errors, sign-in methods, redaction."""

from __future__ import annotations

import base64
import json

import pytest

from invoice_desktop.core.errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from invoice_desktop.core.results import Outcome
from invoice_desktop.practice.ddapi import (
    DEMO_PASSWORD,
    DEMO_TOKEN,
    DEMO_TOKEN_HEADER,
    DEMO_USER,
    FAILING_CUSTOMER,
    IIS_ERROR_PAGE,
)
from invoice_desktop.practice.server import SandboxResponse
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.ddapi import FIELD_ORDER, DDAPIForm

FORMATS = ("json", "xml")
CUSTOMER_1 = {
    "CustomerNumber": 1,
    "RetainsInvoiceType": True,
    "CurrencyId": 3,
    "TermsOfPaymentId": 4,
    "PaysInvoiceFee": True,
    "InvoiceTypeId": 1,
    "InterestTypeId": 1,
    "InvoiceCycleId": 1,
    "InvoiceRecipientCustomerNumber": 1,
    "CreditAccountId": 1,
    "AllowInvoicePaymentFromOrder": True,
    "SendInvoiceFromOrderAsEmail": True,
    "InvoiceOrderPaymentEmailAddress": "faktura@dackcentralen.se",
    "ReverseTax": False,
}
NEW_SETTINGS = {
    "CustomerNumber": 3,
    "RetainsInvoiceType": False,
    "CurrencyId": 2,
    "TermsOfPaymentId": 30,
    "PaysInvoiceFee": True,
    "InvoiceTypeId": 3,
    "InterestTypeId": 1,
    "InvoiceCycleId": 2,
    "InvoiceRecipientCustomerNumber": 3,
    "CreditAccountId": 7,
    "AllowInvoicePaymentFromOrder": False,
    "SendInvoiceFromOrderAsEmail": True,
    "InvoiceOrderPaymentEmailAddress": "ekonomi@vinterdack.se",
    "ReverseTax": True,
}


@pytest.fixture
def provider():
    return get_provider("ddapi")


@pytest.fixture
def sandbox(services, provider):
    return services.uploads.practice.sandbox_for(provider)


def send(services, provider, values, fmt="json", **kwargs):
    prepared = services.uploads.prepare(provider, "practice", values, options={"format": fmt}, **kwargs)
    return services.uploads.run(prepared)


def load(services, provider, number, fmt="json"):
    return services.uploads.load(provider, "practice", {"CustomerNumber": number}, options={"format": fmt})


def exchanges_text(services, attempt_id):
    return json.dumps([e.to_dict() for e in services.history.exchanges(attempt_id)], ensure_ascii=False)


# -- load before change --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_returns_exactly_the_forms_fields(services, provider, fmt):
    values = load(services, provider, 1, fmt)
    assert values == CUSTOMER_1
    assert list(values) == list(FIELD_ORDER)
    DDAPIForm.model_validate(values)  # the GUI can fill its form from it as is


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_of_a_customer_without_an_address_gives_an_empty_known_address(services, provider, fmt):
    values = load(services, provider, 2, fmt)
    assert values["InvoiceOrderPaymentEmailAddress"] == ""
    assert values["ReverseTax"] is True and values["CreditAccountId"] == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_of_a_customer_without_settings_is_none(services, provider, fmt):
    assert load(services, provider, 3, fmt) is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_then_change_only_the_email_keeps_every_other_field(services, provider, fmt):
    values = load(services, provider, 1, fmt)
    values["InvoiceOrderPaymentEmailAddress"] = "ny.adress@dackcentralen.se"
    result = send(services, provider, values, fmt)
    assert result.ok, result
    assert result.title == "DäckData saved the invoicing settings of customer 1."
    assert load(services, provider, 1, fmt) == {
        **CUSTOMER_1,
        "InvoiceOrderPaymentEmailAddress": "ny.adress@dackcentralen.se",
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_fields_not_loaded_keep_their_current_values(services, provider, sandbox, fmt):
    # The CLI (or a form not loaded) gives only what should change; nothing else may be blanked.
    result = send(services, provider, {"CustomerNumber": 1, "ReverseTax": True}, fmt)
    assert result.ok, result
    assert result.detail.startswith("Changed: ReverseTax (no → yes).")
    assert result.data["changed"] == {"ReverseTax": {"from": False, "to": True}}
    assert load(services, provider, 1, fmt) == {**CUSTOMER_1, "ReverseTax": True}
    labels = [e.method for e in services.history.exchanges(result.attempt_id)]
    assert labels == ["GET", "POST"]


@pytest.mark.parametrize(
    "emptied",
    [
        lambda values: values.pop("InvoiceOrderPaymentEmailAddress"),  # the window leaves an empty input out
        lambda values: values.update(InvoiceOrderPaymentEmailAddress=""),
        lambda values: values.update(InvoiceOrderPaymentEmailAddress=None),
    ],
    ids=["left-out", "empty", "null"],
)
def test_an_emptied_address_in_a_loaded_form_is_removed_not_kept(services, provider, sandbox, emptied):
    values = load(services, provider, 1)
    emptied(values)
    form = DDAPIForm.model_validate(values)
    assert provider.warnings(form, services.history, "practice")[1] == (
        "The e-mail address for order-payment invoices is empty: the customer will have none."
    )
    result = send(services, provider, values)
    assert result.ok
    assert load(services, provider, 1) == {**CUSTOMER_1, "InvoiceOrderPaymentEmailAddress": ""}
    assert json.loads(sandbox.received[-1]["body"])["InvoiceOrderPaymentEmailAddress"] is None
    assert len(services.history.exchanges(result.attempt_id)) == 1  # a complete form needs no read


def test_a_partial_update_keeps_the_address(services, provider):
    form = DDAPIForm(CustomerNumber=1, CurrencyId=9)
    assert "InvoiceOrderPaymentEmailAddress" in form.unknown_fields()
    result = send(services, provider, form.model_dump())  # as the history stores it for a retry
    assert result.ok
    assert load(services, provider, 1) == {**CUSTOMER_1, "CurrencyId": 9}


def test_a_new_customer_needs_every_field_and_nothing_is_posted_until_then(services, provider, sandbox):
    result = send(services, provider, {"CustomerNumber": 3, "CurrencyId": 2})
    assert result.outcome is Outcome.FAILED
    assert result.title == "Nothing was saved: some fields are still unknown."
    assert "no invoicing settings yet" in result.detail and "TermsOfPaymentId" in result.detail
    assert "CurrencyId" not in result.detail
    assert "InvoiceOrderPaymentEmailAddress" not in result.detail  # an address may stay empty
    assert sandbox.received == []
    assert send(services, provider, NEW_SETTINGS, "xml").ok
    assert load(services, provider, 3) == NEW_SETTINGS
    without_address = {k: v for k, v in NEW_SETTINGS.items() if k != "InvoiceOrderPaymentEmailAddress"}
    assert send(services, provider, {**without_address, "CustomerNumber": 3}).ok
    assert load(services, provider, 3) == {**NEW_SETTINGS, "InvoiceOrderPaymentEmailAddress": ""}


def test_warnings_say_the_settings_are_replaced_and_what_was_not_loaded(services, provider):
    form = DDAPIForm(CustomerNumber=2, ReverseTax=False)
    warnings = provider.warnings(form, services.history, "practice")
    assert "replaces all invoicing settings of customer 2" in warnings[0]
    assert "CurrencyId" in warnings[1] and "ReverseTax" not in warnings[1]
    assert provider.warnings(DDAPIForm(**CUSTOMER_1), services.history, "practice")[1:] == []
    assert "InvoiceOrderPaymentEmailAddress" in DDAPIForm(CustomerNumber=2, ReverseTax=False).unknown_fields()


# -- the form ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("a" * 40 + "@example.se", "at most 50"),  # 51 characters
        ("x" * 38 + "😀@example.se", "at most 50"),  # 50 code points, 51 UTF-16 units as .NET counts
    ],
)
def test_the_form_refuses_a_bad_address_before_anything_is_sent(services, provider, sandbox, email, problem):
    with pytest.raises(FormInvalid) as caught:
        services.uploads.prepare(provider, "practice", {**CUSTOMER_1, "InvoiceOrderPaymentEmailAddress": email})
    assert problem.lower() in caught.value.fields["InvoiceOrderPaymentEmailAddress"].lower()
    assert sandbox.requests_seen == []


@pytest.mark.parametrize("email", ["sample string 8", "faktura at example.se", "faktura@example"])
def test_an_address_that_does_not_look_like_one_is_a_warning_to_confirm_not_a_refusal(
    services, provider, sandbox, email
):
    prepared = services.uploads.prepare(provider, "practice", {**CUSTOMER_1, "InvoiceOrderPaymentEmailAddress": email})
    warnings = provider.warnings(prepared.form, services.history, "practice")
    assert any(f"“{email}”, does not look like an e-mail address" in w for w in warnings)
    result = services.uploads.run(prepared)
    assert result.ok, result
    assert sandbox.received[-1]["values"]["InvoiceOrderPaymentEmailAddress"] == email
    # A real address raises no such warning.
    form = DDAPIForm(**{**CUSTOMER_1, "InvoiceOrderPaymentEmailAddress": "åsa@däckhuset.se"})
    assert not any("does not look like" in w for w in provider.warnings(form, services.history, "practice"))


def test_the_form_takes_a_50_character_address_and_a_swedish_domain():
    address = "k" * 39 + "@example.se"
    assert len(address) == 50
    assert DDAPIForm(CustomerNumber=1, InvoiceOrderPaymentEmailAddress=address)
    assert DDAPIForm(CustomerNumber=1, InvoiceOrderPaymentEmailAddress="åsa@däckhuset.se")


def test_the_form_needs_a_customer_number_and_whole_non_negative_ids(services, provider):
    with pytest.raises(FormInvalid) as caught:
        services.uploads.prepare(provider, "practice", {"CurrencyId": 3})
    assert caught.value.fields["CustomerNumber"] == "Required."
    with pytest.raises(FormInvalid) as caught:
        services.uploads.prepare(provider, "practice", {"CustomerNumber": 1, "CurrencyId": -1, "InvoiceTypeId": 1.5})
    assert set(caught.value.fields) == {"CurrencyId", "InvoiceTypeId"}
    form = DDAPIForm(CustomerNumber=1)
    assert form.ReverseTax is None and form.CurrencyId is None  # unknown until loaded: tri-state


def test_load_needs_a_customer_number(services, provider):
    with pytest.raises(FormInvalid):
        services.uploads.load(provider, "practice", {"CustomerNumber": ""})


# -- answers and errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_customer_is_refused_with_the_providers_error(services, provider, fmt):
    result = send(services, provider, {**NEW_SETTINGS, "CustomerNumber": 999, "InvoiceRecipientCustomerNumber": 1}, fmt)
    assert result.outcome is Outcome.REJECTED
    assert result.title == "DäckData did not save the settings of customer 999."
    assert "• InternalServerError (1): Customer 999 was not found." in result.detail
    assert result.provider_code == "InternalServerError"
    assert result.provider_message == "Customer 999 was not found."
    assert result.http_status == 400
    attempt = services.history.get(result.attempt_id)
    assert attempt.state == "rejected" and attempt.provider_code == "InternalServerError"


@pytest.mark.parametrize("fmt", FORMATS)
def test_load_of_an_unknown_customer_says_so(services, provider, fmt):
    with pytest.raises(InvoiceDesktopError) as caught:
        load(services, provider, 999, fmt)
    assert "could not read the settings of customer 999" in caught.value.message
    assert "InternalServerError (1): Customer 999 was not found." in caught.value.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_address_over_50_characters_is_refused_by_the_server_too(services, provider, fmt):
    # Bypasses the form's own check, as an older copy of the app or another client would.
    form = DDAPIForm.model_construct(**{**CUSTOMER_1, "InvoiceOrderPaymentEmailAddress": "a" * 45 + "@example.se"})
    result = send(services, provider, form, fmt)
    assert result.outcome is Outcome.REJECTED
    assert "InternalServerError (1): InvoiceOrderPaymentEmailAddress can be at most 50 characters." in result.detail
    assert load(services, provider, 1) == CUSTOMER_1


def test_an_unsuccessful_answer_with_http_200_is_still_a_refusal(services, provider, sandbox):
    sandbox.error_status = 200
    result = send(services, provider, {**NEW_SETTINGS, "InvoiceRecipientCustomerNumber": 77})
    assert result.outcome is Outcome.REJECTED
    assert "InternalServerError (1): Invoice recipient customer 77 was not found." in result.detail


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_server_failure_names_internal_server_error_and_says_what_to_do(services, provider, fmt):
    result = send(services, provider, {**NEW_SETTINGS, "CustomerNumber": FAILING_CUSTOMER}, fmt)
    assert result.outcome is Outcome.REJECTED
    assert result.http_status == 500
    assert "InternalServerError (1): An unexpected error occurred." in result.detail
    assert "DDAPI itself failed" in result.detail


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        (
            '{"Errors": [{"ErrorCode": 7, "ErrorMessage": "Kunden är spärrad"}], "Success": false}',
            "application/json",
            "error code 7: Kunden är spärrad",
        ),
        (
            '<CustomerInvoicePostResponse xmlns="http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business">'
            "<Errors><PostCustomerInvoiceError><ErrorCode>CustomerBlocked</ErrorCode><ErrorMessage>Spärrad"
            "</ErrorMessage></PostCustomerInvoiceError></Errors><Success>false</Success></CustomerInvoicePostResponse>",
            "text/xml",
            "CustomerBlocked: Spärrad",
        ),
        ('{"Errors": [], "Success": false}', "application/json", "DäckData gave no reason."),
    ],
)
def test_undocumented_error_codes_and_reasonless_refusals_are_shown_as_they_came(
    services, provider, sandbox, body, content_type, shown
):
    sandbox.answer_once(SandboxResponse.text(body, status=400, content_type=content_type))
    result = send(services, provider, CUSTOMER_1)
    assert result.outcome is Outcome.REJECTED
    assert shown in result.detail


def test_an_aspnet_error_message_is_shown(services, provider, sandbox):
    sandbox.answer_once(
        SandboxResponse.json(
            {"Message": "The request is invalid.", "ModelState": {"request.CurrencyId": ["Value too large."]}},
            status=400,
        )
    )
    result = send(services, provider, CUSTOMER_1)
    assert result.outcome is Outcome.REJECTED
    assert result.title == "DäckData refused the settings of customer 1: The request is invalid. Value too large."


@pytest.mark.parametrize(
    ("response", "logged"),
    [
        (lambda sb: sb.answer_html_error_once(), IIS_ERROR_PAGE),
        (lambda sb: sb.answer_once(SandboxResponse(200, b"", {"Content-Type": "application/json"})), ""),
        (lambda sb: sb.answer_once(SandboxResponse.text("OK")), "OK"),
        (lambda sb: sb.answer_once(SandboxResponse.json({"ok": True})), '{"ok": true}'),
        (
            lambda sb: sb.answer_once(SandboxResponse(200, b"{not json", {"Content-Type": "application/json"})),
            "{not json",
        ),
        (
            lambda sb: sb.answer_once(SandboxResponse.text("<Success>maybe", content_type="application/xml")),
            "<Success>maybe",
        ),
    ],
)
def test_an_answer_that_cannot_be_read_is_settled_by_reading_the_settings_back(
    services, provider, sandbox, response, logged
):
    # The sandbox answers this instead of saving: reading back shows the settings were not saved, so the app
    # says so (no "may have arrived" question to the clerk), and sending again is safe.
    changed = {**CUSTOMER_1, "TermsOfPaymentId": 2}
    response(sandbox)
    result = send(services, provider, changed)
    assert result.outcome is Outcome.FAILED
    assert result.title == "DäckData did not save the settings of customer 1."
    assert "reading the settings back shows they are not the ones sent" in result.detail
    post, read_back = services.history.exchanges(result.attempt_id)
    assert post.response_body == logged and post.method == "POST"
    assert read_back.method == "GET" and read_back.status == 200
    # The sandbox is back to normal after one answer.
    assert send(services, provider, changed).ok


def test_load_after_an_html_error_page_says_the_answer_was_unexpected(services, provider, sandbox):
    sandbox.answer_html_error_once()
    with pytest.raises(InvoiceDesktopError) as caught:
        load(services, provider, 1)
    assert caught.value.message.startswith("The server answered something unexpected.")
    assert "base URL" in caught.value.message


def test_an_unreadable_current_settings_read_saves_nothing(services, provider, sandbox):
    sandbox.answer_html_error_once(status=502)
    result = send(services, provider, {"CustomerNumber": 1, "ReverseTax": True})
    assert result.outcome is Outcome.FAILED
    assert result.title == "The server answered something unexpected."
    assert "Nothing was saved" in result.detail
    assert sandbox.received == []


# -- sign-in methods -----------------------------------------------------------------------------------------------

BASIC = {"auth_scheme": "basic", "username": DEMO_USER, "password": DEMO_PASSWORD}
HEADER = {"auth_scheme": "header", "header_name": DEMO_TOKEN_HEADER, "token": DEMO_TOKEN}
BEARER = {"auth_scheme": "header", "header_name": "Authorization", "token": f"Bearer {DEMO_TOKEN}"}


@pytest.mark.parametrize(
    "credentials", [{"auth_scheme": "none"}, BASIC, HEADER, BEARER], ids=["none", "basic", "header", "bearer"]
)
def test_each_sign_in_method_with_the_right_values_is_accepted(services, provider, sandbox, credentials):
    sandbox.require_scheme = None if credentials["auth_scheme"] == "none" else credentials["auth_scheme"]
    result = send(services, provider, CUSTOMER_1, credentials=credentials)
    assert result.ok, result
    sent_headers = services.history.exchanges(result.attempt_id)[0].request_headers
    if credentials is BASIC:
        assert sent_headers["Authorization"].startswith("Basic ")
    elif credentials is HEADER:
        assert DEMO_TOKEN_HEADER in sent_headers


@pytest.mark.parametrize(
    "credentials",
    [
        {**BASIC, "password": "wrong-password"},
        {**BASIC, "username": "someone"},
        {**HEADER, "token": "wrong-token-123"},
        {**BEARER, "token": "Bearer wrong-token-123"},
    ],
    ids=["basic-password", "basic-user", "header", "bearer"],
)
def test_each_sign_in_method_with_a_wrong_value_is_refused(services, provider, credentials):
    result = send(services, provider, CUSTOMER_1, credentials=credentials)
    assert result.outcome is Outcome.REJECTED
    assert result.title == "The DDAPI installation refused the sign-in (HTTP 401)."
    assert "Credentials…" in result.detail and "Nothing was saved." in result.detail
    assert result.provider_message == "Authorization has been denied for this request."


def test_an_installation_that_requires_a_method_refuses_none(services, provider, sandbox):
    sandbox.require_scheme = "basic"
    result = send(services, provider, CUSTOMER_1)
    assert result.outcome is Outcome.REJECTED and result.http_status == 401
    assert send(services, provider, CUSTOMER_1, credentials=BASIC).ok


def test_load_uses_the_stored_sign_in_method(services, provider, sandbox):
    sandbox.require_scheme = "header"
    with pytest.raises(InvoiceDesktopError) as caught:
        load(services, provider, 1)
    assert "refused the sign-in" in caught.value.message
    services.credentials.set_many("ddapi", "practice", HEADER)
    assert load(services, provider, 1) == CUSTOMER_1
    services.credentials.set("ddapi", "practice", "token", "not-the-token")
    with pytest.raises(InvoiceDesktopError):
        load(services, provider, 1)


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({}, {}),
        ({"auth_scheme": "none", "header_name": "not a header"}, {}),
        ({"auth_scheme": "basic"}, {"username", "password"}),
        ({"auth_scheme": "basic", "username": "a:b", "password": "x"}, {"username"}),
        ({"auth_scheme": "basic", "username": "demo", "password": "x"}, set()),
        ({"auth_scheme": "header"}, {"token"}),  # the header name defaults to Authorization
        ({"auth_scheme": "header", "token": "t", "header_name": "X Api Key"}, {"header_name"}),
        ({"auth_scheme": "header", "token": "a\r\nX-Evil: 1"}, {"token"}),
        ({"auth_scheme": "oauth"}, {"auth_scheme"}),
    ],
)
def test_what_credentials_are_needed_depends_on_the_method(provider, values, problems):
    assert set(provider.check_credentials(values)) == set(problems)


def test_missing_credentials_for_the_chosen_method_stop_before_sending(services, provider, sandbox):
    with pytest.raises(CredentialsMissing) as caught:
        send(services, provider, CUSTOMER_1, credentials={"auth_scheme": "header", "header_name": "X-Key"})
    assert "Token is missing" in caught.value.message
    assert sandbox.requests_seen == []


# -- redaction -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [BASIC, HEADER, BEARER, {**BASIC, "password": "wrong-password"}],
    ids=["basic", "header", "bearer", "refused"],
)
def test_secrets_never_reach_the_history(services, provider, credentials):
    result = send(services, provider, {"CustomerNumber": 1, "ReverseTax": True}, credentials=credentials)
    recorded = exchanges_text(services, result.attempt_id) + json.dumps(result.to_dict(), ensure_ascii=False)
    recorded += json.dumps(services.history.get(result.attempt_id).__dict__, default=str, ensure_ascii=False)
    secrets = [credentials.get("password"), credentials.get("token"), DEMO_TOKEN]
    if credentials["auth_scheme"] == "basic":
        secrets.append(base64.b64encode(f"{credentials['username']}:{credentials['password']}".encode()).decode())
    for secret in filter(None, secrets):
        assert secret not in recorded
    assert "•••redacted•••" in recorded
    assert len(services.history.exchanges(result.attempt_id)) == (2 if result.ok else 1)


def test_a_token_echoed_back_by_the_server_is_hidden(services, provider, sandbox):
    sandbox.answer_once(SandboxResponse.json({"Message": f"Token {DEMO_TOKEN} is not valid here."}, status=400))
    result = send(services, provider, CUSTOMER_1, credentials=BEARER)
    assert result.title == "DäckData refused the settings of customer 1: Token •••redacted••• is not valid here."
    attempt = services.history.get(result.attempt_id)
    recorded = exchanges_text(services, result.attempt_id) + json.dumps(attempt.__dict__, default=str)
    assert DEMO_TOKEN not in recorded
    sandbox.answer_once(
        SandboxResponse.json({"Errors": [{"ErrorCode": 1, "ErrorMessage": DEMO_TOKEN}], "Success": False}, status=404)
    )
    services.credentials.set_many("ddapi", "practice", BEARER)
    with pytest.raises(InvoiceDesktopError) as caught:
        load(services, provider, 1)
    assert DEMO_TOKEN not in caught.value.message and "•••redacted•••" in caught.value.message


# -- environments --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_a_real_installation_needs_its_address(services, provider, environment):
    with pytest.raises(FormInvalid) as caught:
        services.uploads.prepare(provider, environment, CUSTOMER_1)
    assert caught.value.fields == {"base_url": "Required."}
    assert "ddapipilot.compilator.net" in provider.environment(environment).note


def test_production_goes_to_the_address_given(services, provider):
    address = services.uploads.practice.base_url(provider)  # stands in for the installation's host
    prepared = services.uploads.prepare(provider, "production", CUSTOMER_1, base_url=address)
    result = services.uploads.run(prepared)
    assert result.ok
    assert services.history.exchanges(result.attempt_id)[0].url == f"{address}/api/customers/invoice"


def test_provider_declares_no_attachment_and_both_formats(provider):
    assert provider.attachment is None and provider.attachment_mode == "none"
    assert provider.formats == ("json", "xml") and provider.format_label == "Format"
    assert provider.load_key_fields == ("CustomerNumber",) and provider.supports_load
    assert {f.name: f.secret for f in provider.credential_fields} == {
        "auth_scheme": False,
        "username": False,
        "password": True,
        "header_name": False,
        "token": True,
    }


# -- an answer lost after DDAPI saved: settled by reading back, never a question ----------------------------------


@pytest.fixture
def fault_server(services, provider):
    from invoice_desktop.practice.ddapi import DDAPISandbox

    from ..faults.server import FaultServer

    with FaultServer(DDAPISandbox()) as server:
        yield server


def send_to(services, provider, server, values):
    prepared = services.uploads.prepare(provider, "sandbox", values, base_url=server.url)
    return services.uploads.run(prepared)


@pytest.mark.parametrize("fault", ["html_200", "malformed_200", "reset_mid_body"])
def test_a_lost_answer_to_a_save_that_happened_is_read_back_as_saved(services, provider, fault_server, fault):
    changed = {**CUSTOMER_1, "TermsOfPaymentId": 2}
    fault_server.set_fault(fault, times=1)  # the POST is processed, its answer lost; the read-back works
    result = send_to(services, provider, fault_server, changed)
    assert result.outcome is Outcome.SUCCEEDED, result
    assert result.title == "DäckData saved the invoicing settings of customer 1."
    assert "the app read the settings back: they are the ones sent" in result.detail
    assert fault_server.sandbox.settings[1]["TermsOfPaymentId"] == 2
    assert [(r.method, r.processed) for r in fault_server.received] == [("POST", True), ("GET", True)]


def test_when_the_read_back_fails_too_retry_reads_back_and_sends_nothing_twice(services, provider, fault_server):
    changed = {**CUSTOMER_1, "TermsOfPaymentId": 2}
    fault_server.set_fault("html_200")  # every answer is a Wi-Fi login page
    result = send_to(services, provider, fault_server, changed)
    assert result.outcome is Outcome.UNCERTAIN
    assert "Reading the settings back did not work either" in result.detail
    assert "Retry is safe: it reads the customer's settings back first" in result.detail
    assert services.uploads.resend_question(result.attempt_id) is None  # nothing to ask: DDAPI can tell

    fault_server.set_fault(None)
    again = services.uploads.run(services.uploads.prepare_retry(result.attempt_id))
    assert again.ok, again
    assert "read the settings back" in again.detail
    posts = [r for r in fault_server.received if r.method == "POST"]
    assert len(posts) == 1  # saved once; the retry only read back


# -- reading back "no address": DDAPI keeps it as null, the form says "" or None -----------------------------------

EMAIL = "InvoiceOrderPaymentEmailAddress"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("no_address", ["", None])
def test_a_lost_answer_to_removing_the_address_is_read_back_as_saved(services, provider, fault_server, fmt, no_address):
    # DDAPI stores no address as null and reads it back as null (JSON) or i:nil (XML); the form's "" (emptied
    # after Load) or None (never typed) are the same "no address": the save is known to have happened.
    removed = {**CUSTOMER_1, EMAIL: no_address}
    fault_server.set_fault("reset_mid_body", times=1)  # saved; its answer cut off
    prepared = services.uploads.prepare(
        provider, "sandbox", removed, base_url=fault_server.url, options={"format": fmt}
    )
    result = services.uploads.run(prepared)
    assert result.outcome is Outcome.SUCCEEDED, (result.title, result.detail)
    assert "the app read the settings back: they are the ones sent" in result.detail
    assert fault_server.sandbox.settings[1][EMAIL] is None
    assert [(r.method, r.processed) for r in fault_server.received] == [("POST", True), ("GET", True)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("customer", "address"), [(1, ""), (2, "ekonomi@hjulhuset.se")])
def test_an_address_the_save_did_not_change_is_read_back_as_not_saved(
    services, provider, sandbox, fmt, customer, address
):
    # The save did not happen (an HTML page instead of DDAPI's answer): the address read back (customer 1 keeps
    # one, customer 2 still has none) is not the form's (none; one), so "not saved", never "saved".
    values = {**load(services, provider, customer, fmt), EMAIL: address}
    sandbox.answer_html_error_once(status=200)
    result = send(services, provider, values, fmt)
    assert result.outcome is Outcome.FAILED, (result.title, result.detail)
    assert "reading the settings back shows they are not the ones sent" in result.detail
    assert send(services, provider, values, fmt).ok  # and sending again saves it
    assert sandbox.settings[customer][EMAIL] == (address or None)


def test_a_retry_after_a_lost_answer_reads_no_address_back_and_sends_nothing_again(services, provider, fault_server):
    removed = {**CUSTOMER_1, EMAIL: ""}
    fault_server.set_fault("reset_mid_body", times=2)  # the save's answer and the read-back's are both lost
    first = send_to(services, provider, fault_server, removed)
    assert first.outcome is Outcome.UNCERTAIN, (first.title, first.detail)
    again = services.uploads.run(services.uploads.prepare_retry(first.attempt_id))
    assert again.ok, (again.title, again.detail)
    assert "An earlier try's answer was lost, so the app read the settings back" in again.detail
    assert [r.method for r in fault_server.received] == ["POST", "GET", "GET"]  # saved once, then only read
