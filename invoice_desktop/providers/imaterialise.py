"""i.materialise: attach the invoice document to an order (Invoice Add/Update API).

POST {base}/web-api/order/{order_id}/invoice, multipart with exactly one of `File` or `FileUrl`,
header `ApiCode` (a GUID). Answers in JSON or XML as chosen by `Accept`. Errors carry a message (and perhaps a
code); the documented codes 100–110 become plain sentences.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.attachments import MB, AttachmentRules, CheckedAttachment
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.errors import FormInvalid
from ..core.http import MultipartBody, OutgoingRequest, Part, Response
from ..core.i18n import N_, Msg, _
from ..core.provider import (
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    UploadContext,
    join_url,
)
from ..core.results import Outcome, UploadResult, uncertain_answer, unexpected_answer
from ..core.stored_text import Text

GUID_PATTERN = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"

ACCEPT = {"json": "application/json", "xml": "application/xml"}

# The documented error table: code → the vendor's message.
VENDOR_MESSAGES: dict[int, str] = {
    100: "Order ID is wrong",
    101: "Wrong API code",
    103: "Order is already shipped or cancelled",
    104: "Incorrect document link format",
    105: "Document cannot be downloaded or timeout",
    106: "Document file format is not supported. File should be of one of formats .doc, .docx, .pdf, .xls, .xlsx",
    107: "No document in request",
    108: "Invoice file cannot be empty",
    109: "Invoice file should be not more than 10MB.",
    110: "Please, use either FileUrl or File, but not both within the same request.",
}

# What each code means for the clerk, and what to do next. {order} is the order id.
PLAIN: dict[int, tuple[str, str]] = {
    100: (N_("i.materialise does not know order “{order}”."), N_("Check the order ID and try again.")),
    101: (
        N_("Order “{order}” was placed with a different API code."),
        N_("Use the API code of the account that placed the order (Credentials…)."),
    ),
    103: (
        N_("Order “{order}” is already shipped or cancelled, so its invoice can no longer be changed."),
        N_("Contact i.materialise if the invoice must still be replaced."),
    ),
    104: (N_("The document URL is not a valid link."), N_("Enter a full address starting with https://.")),
    105: (
        N_("i.materialise could not download the document from the URL (or it took too long)."),
        N_("Check that the link is public and works in a browser, or upload the file instead."),
    ),
    106: (N_("i.materialise does not accept this file format."), N_("Use a .doc, .docx, .pdf, .xls or .xlsx file.")),
    107: (N_("i.materialise received no document."), N_("Attach the invoice file or enter its URL.")),
    108: (N_("i.materialise received an empty invoice file."), N_("Check the file and upload it again.")),
    109: (
        N_("The invoice file is over i.materialise's 10 MB limit."),
        N_("Make the file smaller and upload it again."),
    ),
    110: (N_("Send either a file or a document URL, not both."), N_("Remove one of them and upload again.")),
}


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_CODE_BY_MESSAGE = {_normalise(m): c for c, m in VENDOR_MESSAGES.items()}


class IMaterialiseForm(BaseModel):
    model_config = ConfigDict(title=N_("Order invoice"), str_strip_whitespace=True)

    order_id: str = Field(
        title=N_("Order ID"),
        description=N_("The i.materialise order the invoice belongs to."),
        min_length=1,
        max_length=100,
        json_schema_extra={"placeholder": N_("as in the order confirmation, e.g. ORD-1001")},
    )

    @field_validator("order_id")
    @classmethod
    def _no_spaces(cls, value: str) -> str:
        if any(ch.isspace() for ch in value):
            raise ValueError(_("An order ID has no spaces."))
        return value


def read_error(response: Response) -> tuple[int | None, str | None]:
    """The provider's (code, message) from a JSON or XML error body, in any of the shapes i.materialise uses."""
    code: Any = None
    message: Any = None
    body = response.content.strip().removeprefix(b"\xef\xbb\xbf").lstrip()  # .NET may write a BOM
    if not body:
        return None, None
    if body.startswith((b"{", b"[")):
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except ValueError:
            data = None
        if isinstance(data, dict):
            lowered = {k.lower(): v for k, v in data.items()}
            inner = lowered.get("error")
            if isinstance(inner, dict):
                lowered = {k.lower(): v for k, v in inner.items()}
            message = lowered.get("message")
            code = lowered.get("code")
    elif body.startswith(b"<"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            root = None
        if root is not None:
            for element in root.iter():
                tag = element.tag.rsplit("}", 1)[-1].lower()
                if tag == "message" and element.text:
                    message = element.text.strip()
                elif tag == "code" and element.text:
                    code = element.text.strip()
    number: int | None = None
    try:
        number = int(code) if code is not None else None
    except (TypeError, ValueError):
        number = None
    if number is None and isinstance(message, str):
        number = _CODE_BY_MESSAGE.get(_normalise(message))
    return number, message if isinstance(message, str) else None


def readable(response: Response) -> bool:
    """True for an answer the app can read: an empty body, or well-formed JSON or XML. An HTML page (a proxy's
    error page, a Wi-Fi login) or a body cut short is not: after a 200 it says nothing about the invoice."""
    body = response.content.strip().removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body:
        return True
    if "html" in response.content_type:
        return False
    if body.startswith((b"{", b"[")):
        try:
            json.loads(body.decode("utf-8"))
        except ValueError:
            return False
        return True
    if body.startswith(b"<"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return False
        return root.tag.rsplit("}", 1)[-1].lower() != "html"  # XHTML parses as XML, and is still a web page
    return False


_ERROR_KEYS = ("error", "errors", "exception", "exceptionmessage")
_SUCCESS_KEYS = ("success", "succeeded", "ok")


def carries_error(response: Response) -> bool:
    """True for a readable body that says something went wrong (an `error`/`errors` member or element, an
    `<Error>` document, `"Success": false`), whatever the status: after a 200 it is no success either."""
    body = response.content.strip().removeprefix(b"\xef\xbb\xbf").lstrip()
    if body.startswith(b"{"):
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            return False
        if not isinstance(data, dict):
            return False
        lowered = {str(k).lower(): v for k, v in data.items()}
        if any(lowered.get(key) not in (None, "", [], {}, False) for key in _ERROR_KEYS):
            return True
        return any(str(lowered.get(key, "")).lower() == "false" for key in _SUCCESS_KEYS)
    if body.startswith(b"<"):
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return False
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in _ERROR_KEYS and (element is root or (element.text or "").strip() or len(element)):
                return True
            if tag in _SUCCESS_KEYS and (element.text or "").strip().lower() == "false":
                return True
    return False


class IMaterialise(Provider):
    id = "imaterialise"
    name = "i.materialise"
    summary = N_("Attach the invoice document to an i.materialise order.")
    order = 10
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX, "https://imatsandbox.materialise.net", N_("Sandbox and production have different API codes.")
        ),
        Environment(PRODUCTION, "https://i.materialise.com"),
    )
    credential_fields = (
        CredentialField(
            "api_code",
            N_("API code"),
            secret=True,
            pattern=GUID_PATTERN,
            help=N_("The API code (a GUID) i.materialise gave you for this environment."),
            pattern_message=N_("An API code looks like 3f2504e0-4f89-41d3-9a0c-0305e82c3301 (36 characters)."),
        ),
    )
    form_model = IMaterialiseForm
    attachment = AttachmentRules((".pdf", ".doc", ".docx", ".xls", ".xlsx"), 10 * MB)
    attachment_mode = "optional"  # a document URL may take its place
    accepts_file_url = True
    formats = ("json", "xml")
    practice_sandbox = "invoice_desktop.practice.imaterialise:IMaterialiseSandbox"
    # A batch row's order id is the buyer's order reference the invoice states (EN 16931 BT-13).
    document_fields: ClassVar[Mapping[str, str]] = {"order_id": "order_reference"}
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = N_(
        "Enter the order's ID as it appears in the order confirmation, attach the invoice (or give a public link to "
        "it) and press Upload. i.materialise adds the document to that order; an order that is already shipped or "
        "cancelled refuses it."
    )
    notes = N_(
        "Error answers: the HTTP status i.materialise uses is not documented, so the app reads the message "
        "(JSON or XML) and maps it to the documented codes. The file part is sent with its real content type."
    )

    def refused_credentials(self, http_status: int | None, code: str | None, message: str | None) -> bool:
        # 101: the order was placed with another account's API code; that account's code makes it go through.
        return super().refused_credentials(http_status, code, message) or code == "101"

    def check(
        self, form: BaseModel, attachment: CheckedAttachment | None, file_url: str | None, options: Mapping[str, Any]
    ) -> None:
        if attachment is not None and file_url:
            raise FormInvalid(Msg("Use either the file or the document URL, not both (i.materialise refuses both)."))
        if attachment is None and not file_url:
            raise FormInvalid(
                Msg("Add the invoice: drop the file on the window, choose it with Browse…, or enter a document URL.")
            )
        if file_url:
            parts = urlsplit(file_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise FormInvalid(
                    Msg("The document URL must be a full web address starting with https://."),
                    {"file_url": _("Not a web address.")},
                )

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        assert isinstance(form, IMaterialiseForm)
        earlier = history.succeeded_with(self.id, environment, "order_id", form.order_id)
        if not earlier:
            return []
        return [
            _(
                "An invoice was already attached to order “{order}” {who_and_when}. Sending again replaces the "
                "order's invoice document with this one."
            ).format(order=form.order_id, who_and_when=who_and_when(earlier[0]))
        ]

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, IMaterialiseForm)
        # Translators: the History's few words about an upload ("order ORD-1001"); stored as shown.
        return _("order {order}").format(order=form.order_id)

    def targets_of(self, form: BaseModel) -> tuple[str, ...]:
        assert isinstance(form, IMaterialiseForm)
        return (form.order_id,)

    def build_request(self, ctx: UploadContext) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, IMaterialiseForm)
        fmt = ctx.options.get("format", "json")
        if ctx.attachment is not None:
            part = Part(
                "File",
                path=ctx.attachment.path,
                filename=ctx.attachment.upload_name,
                content_type=ctx.attachment.content_type,
            )
        else:
            part = Part("FileUrl", value=ctx.file_url or "")
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, "web-api", "order", form.order_id, "invoice"),
            headers={"ApiCode": ctx.credentials["api_code"], "Accept": ACCEPT[fmt]},
            body=MultipartBody((part,)),
            label=N_("Upload invoice"),
            idempotent=True,  # add/update: sending it again replaces the same order's invoice
        )

    def read_response(self, ctx: UploadContext, response: Response) -> UploadResult:
        form = ctx.form
        assert isinstance(form, IMaterialiseForm)
        if response.ok and not readable(response):
            # The docs: "in case of success, status code 200". A 200 with a page the app cannot read may come
            # from a proxy or a Wi-Fi login page, or be an answer cut short: never success.
            return uncertain_answer(
                response.status,
                Msg("the invoice may or may not be attached to order “{order}”", order=form.order_id),
                self.where_to_check(form, ctx.resume),
            )
        code, message = read_error(response)
        if response.ok and code is None and carries_error(response):
            # A 200 whose body reports an error the docs do not list: neither the success the status says nor a
            # refusal the app can name. The clerk checks the order.
            title = (
                Msg(
                    "i.materialise answered HTTP {status} (success) with an error: “{message}”: the invoice may or "
                    "may not be attached to order “{order}”.",
                    status=response.status,
                    message=message,
                    order=form.order_id,
                )
                if message
                else Msg(
                    "i.materialise answered HTTP {status} (success) with an error: the invoice may or may not be "
                    "attached to order “{order}”.",
                    status=response.status,
                    order=form.order_id,
                )
            )
            return UploadResult(
                Outcome.UNCERTAIN,
                title,
                _answer_in_log(self.where_to_check(form, ctx.resume)),
                provider_message=message,
                http_status=response.status,
            )
        if response.ok and code is None:
            return UploadResult(
                Outcome.SUCCEEDED,
                Msg("i.materialise accepted the invoice for order “{order}”.", order=form.order_id),
                detail=Msg("{file} is now the order's invoice document.", file=ctx.attachment.upload_name)
                if ctx.attachment
                else Msg("The document URL is now the order's invoice document."),
                http_status=response.status,
                provider_message=message,
            )
        if code in PLAIN:
            plain_title, plain_detail = PLAIN[code]
            return UploadResult(
                Outcome.REJECTED,
                Msg(plain_title, order=form.order_id),
                Msg(plain_detail),
                provider_code=str(code),
                provider_message=message or VENDOR_MESSAGES[code],
                http_status=response.status,
            )
        if response.status in (401, 403):
            return UploadResult(
                Outcome.REJECTED,
                Msg("i.materialise refused the API code."),
                Msg("Check the API code for this environment (Credentials…): sandbox and production codes differ."),
                provider_message=message,
                http_status=response.status,
            )
        if message:
            return UploadResult(
                Outcome.REJECTED,
                Msg("i.materialise refused the invoice: {message}", message=message),
                Msg("The provider's answer is in the log."),
                provider_message=message,
                http_status=response.status,
                provider_code=str(code) if code is not None else None,
            )
        if response.status >= 500:
            # A server error says nothing about whether the invoice was stored before it happened.
            return UploadResult(
                Outcome.UNCERTAIN,
                Msg(
                    "i.materialise had a problem of its own (HTTP {status}): the invoice may or may not be attached "
                    "to order “{order}”.",
                    status=response.status,
                    order=form.order_id,
                ),
                _answer_in_log(self.where_to_check(form, ctx.resume)),
                http_status=response.status,
            )
        return unexpected_answer(response.status)

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        assert isinstance(form, IMaterialiseForm)
        return Msg(
            "Check order “{order}” in i.materialise: if its invoice is not there, press Retry (it asks before "
            "sending again).",
            order=form.order_id,
        )


def _answer_in_log(where_to_check: Text) -> Msg:
    # Translators: {where_to_check} is a sentence saying where to look, e.g. "Check order “1001” in i.materialise…".
    return Msg("{where_to_check} The answer is in the log.", where_to_check=where_to_check)


PROVIDER = IMaterialise()
