"""DDAPI on the wire: the requests are byte-for-byte the documentation's samples, and its answer samples read right.

The samples below are copied verbatim from the vendor's page (shared/seeds/002_69107cc59ecb608f.txt).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoice_desktop.practice.server import SandboxResponse
from invoice_desktop.providers import get_provider
from invoice_desktop.providers.ddapi import FIELD_ORDER, XML_ORDER, DDAPIForm, json_request, xml_request

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "002_69107cc59ecb608f.txt"

SAMPLE_JSON_REQUEST = """{
  "CustomerNumber": 1,
  "RetainsInvoiceType": true,
  "CurrencyId": 3,
  "TermsOfPaymentId": 4,
  "PaysInvoiceFee": true,
  "InvoiceTypeId": 1,
  "InterestTypeId": 1,
  "InvoiceCycleId": 1,
  "InvoiceRecipientCustomerNumber": 1,
  "CreditAccountId": 1,
  "AllowInvoicePaymentFromOrder": true,
  "SendInvoiceFromOrderAsEmail": true,
  "InvoiceOrderPaymentEmailAddress": "sample string 8",
  "ReverseTax": true
}"""

SAMPLE_XML_REQUEST = """<CustomerInvoicePostRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business">
  <AllowInvoicePaymentFromOrder>true</AllowInvoicePaymentFromOrder>
  <CreditAccountId>1</CreditAccountId>
  <CurrencyId>3</CurrencyId>
  <CustomerNumber>1</CustomerNumber>
  <InterestTypeId>1</InterestTypeId>
  <InvoiceCycleId>1</InvoiceCycleId>
  <InvoiceOrderPaymentEmailAddress>sample string 8</InvoiceOrderPaymentEmailAddress>
  <InvoiceRecipientCustomerNumber>1</InvoiceRecipientCustomerNumber>
  <InvoiceTypeId>1</InvoiceTypeId>
  <PaysInvoiceFee>true</PaysInvoiceFee>
  <RetainsInvoiceType>true</RetainsInvoiceType>
  <ReverseTax>true</ReverseTax>
  <SendInvoiceFromOrderAsEmail>true</SendInvoiceFromOrderAsEmail>
  <TermsOfPaymentId>4</TermsOfPaymentId>
</CustomerInvoicePostRequest>"""

SAMPLE_JSON_RESPONSE = """{
  "Errors": [
    {
      "ErrorCode": 1,
      "ErrorMessage": "sample string 1"
    },
    {
      "ErrorCode": 1,
      "ErrorMessage": "sample string 1"
    }
  ],
  "Success": true
}"""

SAMPLE_XML_RESPONSE = """<CustomerInvoicePostResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Compilator.DDAPI.DTO.Business">
  <Errors>
    <PostCustomerInvoiceError>
      <ErrorCode>InternalServerError</ErrorCode>
      <ErrorMessage>sample string 1</ErrorMessage>
    </PostCustomerInvoiceError>
    <PostCustomerInvoiceError>
      <ErrorCode>InternalServerError</ErrorCode>
      <ErrorMessage>sample string 1</ErrorMessage>
    </PostCustomerInvoiceError>
  </Errors>
  <Success>true</Success>
</CustomerInvoicePostResponse>"""

# The sample's values, e-mail "sample string 8" included: the docs only limit it to 50 characters, so the app sends
# it after a warning to confirm, and the sandbox stores it.
SAMPLE_VALUES = json.loads(SAMPLE_JSON_REQUEST)


def test_samples_here_are_verbatim_from_the_seed():
    if not SEED.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    seed = SEED.read_text(encoding="utf-8")
    for sample in (SAMPLE_JSON_REQUEST, SAMPLE_XML_REQUEST, SAMPLE_JSON_RESPONSE, SAMPLE_XML_RESPONSE):
        assert sample in seed


def test_json_request_is_the_documented_sample_byte_for_byte():
    assert json_request(SAMPLE_VALUES).encode("utf-8") == SAMPLE_JSON_REQUEST.encode("utf-8")


def test_xml_request_is_the_documented_sample_byte_for_byte():
    assert xml_request(SAMPLE_VALUES).encode("utf-8") == SAMPLE_XML_REQUEST.encode("utf-8")


def test_xml_elements_are_in_data_contract_order():
    # Any other order makes the server silently skip elements, blanking those settings.
    assert tuple(sorted(FIELD_ORDER)) == XML_ORDER
    assert tuple(DDAPIForm.model_fields) == FIELD_ORDER


@pytest.mark.parametrize(
    ("fmt", "sample", "content_type"),
    [
        ("json", SAMPLE_JSON_REQUEST, "application/json; charset=utf-8"),
        ("xml", SAMPLE_XML_REQUEST, "application/xml; charset=utf-8"),
    ],
)
def test_what_reaches_the_server_is_the_sample(services, fmt, sample, content_type):
    provider = get_provider("ddapi")
    values = SAMPLE_VALUES
    result = services.uploads.run(services.uploads.prepare(provider, "practice", values, options={"format": fmt}))
    assert result.ok, result
    sandbox = services.uploads.practice.sandbox_for(provider)
    received = sandbox.received[-1]
    assert received["body"] == sample.encode("utf-8")
    assert received["content_type"] == content_type
    assert sandbox.ignored_elements == []
    # Exactly one request: every field was given, so nothing had to be read first.
    assert len(services.history.exchanges(result.attempt_id)) == 1
    assert services.uploads.load(provider, "practice", {"CustomerNumber": 1}) == values


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (SAMPLE_JSON_RESPONSE, "application/json"),
        (SAMPLE_JSON_RESPONSE, "text/json"),
        (SAMPLE_XML_RESPONSE, "application/xml"),
        (SAMPLE_XML_RESPONSE, "text/xml"),
    ],
)
def test_documented_answer_samples_read_as_saved_with_their_errors_named(services, body, content_type):
    provider = get_provider("ddapi")
    sandbox = services.uploads.practice.sandbox_for(provider)
    sandbox.answer_once(SandboxResponse.text(body, content_type=content_type))
    result = services.uploads.run(services.uploads.prepare(provider, "practice", SAMPLE_VALUES))
    assert result.ok
    assert result.title == "DäckData saved the invoicing settings of customer 1."
    assert result.detail.count("InternalServerError (1): sample string 1") == 2
    assert result.provider_code == "InternalServerError, InternalServerError"
    assert result.data["errors"][0]["ErrorMessage"] == "sample string 1"
