"""DäckData DDAPI (Compilator): how one customer of a DäckData installation is invoiced.

POST {base}/api/customers/invoice with a `CustomerInvoicePostRequest` as JSON or XML (data-contract namespace,
elements in alphabetical order); the answer is a `CustomerInvoicePostResponse` {Errors: [{ErrorCode,
ErrorMessage}], Success}. The POST *replaces* the customer's settings, so the current ones are read first with
GET {base}/api/customers/invoice?customerNumber=N. Nothing is attached: the form is the whole request.

Each dealer has its own DDAPI host (the base URL is a setting) and its own, undocumented, authentication: none,
HTTP Basic, or a token in a header of the installation's choosing.

A number or flag that is None is *unknown* (not loaded, not entered); so is an empty e-mail address in a form
with other unknowns (in a complete form, as after Load, an empty address means "no address"). Sending never turns
an unknown into a blank: right before the POST the app reads the customer's current settings and keeps their
value for every unknown field; a customer without settings yet needs every field filled in.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..core.errors import FormInvalid, InvoiceDesktopError, TransportError
from ..core.history import History
from ..core.http import OutgoingRequest, Response, TextBody
from ..core.i18n import Msg
from ..core.provider import (
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    RequestContext,
    UploadContext,
    join_url,
)
from ..core.results import Outcome, UploadResult, uncertain_answer, unexpected_answer
from ._ddapi_form import EMAIL_FIELD, FIELD_ORDER, SETTING_FIELDS, DDAPIForm
from ._ddapi_wire import (
    ACCEPT,
    CONTENT_TYPE,
    NO_SETTINGS,
    XML_ORDER,
    Unreadable,
    Verdict,
    json_request,
    parse_answer,
    read_server_message,
    read_verdict,
    settings_source,
    settings_to_form,
    xml_request,
)

# Re-exported: the form and the wire format were defined here before they moved to their own modules.
__all__ = ["DDAPI", "FIELD_ORDER", "PROVIDER", "XML_ORDER", "DDAPIForm", "json_request", "xml_request"]

EXAMPLE_HOST = "https://ddapipilot.compilator.net"

AUTH_NONE, AUTH_BASIC, AUTH_HEADER = "none", "basic", "header"
# Resume key: "sending" from just before the POST leaves until its answer is read ("answered").
POST_STATE = "post"
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP header name (RFC 9110 token)


# -- the provider ----------------------------------------------------------------------------------------------


class DDAPI(Provider):
    id = "ddapi"
    name = "DäckData DDAPI"
    summary = "Set how a DäckData customer is invoiced (currency, terms, invoice type, e-mail, reverse VAT)."
    order = 50
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            None,
            f"Your installation's DDAPI test host, if your DäckData supplier gave you one, e.g. "
            f"{EXAMPLE_HOST} (the pilot host in the DDAPI documentation).",
        ),
        Environment(
            PRODUCTION,
            None,
            f"Every DäckData installation has its own DDAPI address; ask your supplier for yours. "
            f"It looks like {EXAMPLE_HOST}.",
        ),
    )
    credential_fields = (
        CredentialField(
            "auth_scheme",
            "Sign-in method",
            secret=False,
            choices=(AUTH_NONE, AUTH_BASIC, AUTH_HEADER),
            default=AUTH_NONE,
            help="How your DDAPI installation checks who calls it (ask your DäckData supplier): none; basic = "
            "user name and password; header = a token sent in a header.",
        ),
        CredentialField(
            "username",
            "User name",
            secret=False,
            required=False,
            help="For the “basic” sign-in method.",
            shown_when=("auth_scheme", (AUTH_BASIC,)),
        ),
        CredentialField(
            "password",
            "Password",
            secret=True,
            required=False,
            help="For the “basic” sign-in method.",
            shown_when=("auth_scheme", (AUTH_BASIC,)),
        ),
        CredentialField(
            "header_name",
            "Token header",
            secret=False,
            required=False,
            default="Authorization",
            shown_when=("auth_scheme", (AUTH_HEADER,)),
            pattern=_HEADER_NAME.pattern,
            pattern_message="A header name has letters, digits and - only, e.g. X-Api-Key.",
            help="For the “header” sign-in method: the header that carries the token, e.g. Authorization or X-Api-Key.",
        ),
        CredentialField(
            "token",
            "Token",
            secret=True,
            required=False,
            shown_when=("auth_scheme", (AUTH_HEADER,)),
            help="For the “header” sign-in method: the header's whole value, exactly as given to "
            "you (e.g. “Bearer eyJ…” for an Authorization header).",
        ),
    )
    form_model = DDAPIForm
    attachment = None
    attachment_mode = "none"
    formats = ("json", "xml")
    format_label = "Format"
    action_label = "Save settings"
    practice_sandbox = "invoice_desktop.practice.ddapi:DDAPISandbox"
    load_key_fields = ("CustomerNumber",)
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = (
        "Type the customer number and press Load current values, change what you need, then Save settings. Saving "
        "replaces all of that customer's invoicing settings: fields left unknown keep their current values, and the "
        "app shows what changes before it saves."
    )
    notes = (
        "Saving replaces all of the customer's invoicing settings. A field left unknown keeps its current value: "
        "the app reads the settings again just before saving and fills in what the form does not know; a "
        "customer without settings yet needs every field. An empty e-mail address means “no address” (sent as "
        "null) when every other field is filled in (as after Load), and “keep the current one” in a partial "
        "update. Authentication is not publicly documented: choose the method your installation uses. The format "
        "applies to the request and the answer."
    )

    # -- checks -------------------------------------------------------------------------------------------------

    def check_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        problems = super().check_credentials(values)
        if problems.get("auth_scheme"):
            return problems

        def value(name: str) -> str:
            cred = next(f for f in self.credential_fields if f.name == name)
            return values.get(name, "") or cred.default

        scheme = value("auth_scheme")
        if scheme == AUTH_BASIC:
            problems.pop("header_name", None)
            if not value("username"):
                problems["username"] = "User name is missing (needed for the “basic” sign-in method)."
            elif ":" in value("username"):
                problems["username"] = "A user name for HTTP Basic cannot contain “:”."
            if not value("password"):
                problems["password"] = "Password is missing (needed for the “basic” sign-in method)."
        elif scheme == AUTH_HEADER:
            if not value("header_name"):
                problems["header_name"] = "Token header is missing (needed for the “header” sign-in method)."
            if not value("token"):
                problems["token"] = "Token is missing (needed for the “header” sign-in method)."
        else:
            problems.pop("header_name", None)  # not used: a malformed leftover must not block sending
        for name in ("username", "password", "token"):
            if any(ch in value(name) for ch in "\r\n"):
                problems[name] = f"{name.title()} cannot contain a line break."
        return problems

    def warnings(self, form: BaseModel, history: History, environment: str) -> list[str]:
        assert isinstance(form, DDAPIForm)
        out = [f"This replaces all invoicing settings of customer {form.CustomerNumber} in DäckData."]
        unknown = form.unknown_fields()
        if unknown:
            out.append(
                f"Not loaded: {', '.join(unknown)}. They keep their current values (read again just before saving)."
            )
        elif not form.InvoiceOrderPaymentEmailAddress:
            out.append("The e-mail address for order-payment invoices is empty: the customer will have none.")
        email = form.email_warning()
        if email:
            out.append(email)
        return out

    def check(self, form: BaseModel, attachment: Any, file_url: str | None, options: Mapping[str, Any]) -> None:
        assert isinstance(form, DDAPIForm)
        if len(form.unknown_fields()) == len(SETTING_FIELDS):
            # Only a customer number (a load that failed, or a number changed after loading): nothing was chosen.
            raise FormInvalid(
                f"Nothing to save for customer {form.CustomerNumber}: load its current settings first "
                "(Load current values), or enter the settings to change."
            )

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, DDAPIForm)
        return f"customer {form.CustomerNumber}"

    # -- requests -----------------------------------------------------------------------------------------------

    @staticmethod
    def _auth_headers(ctx: RequestContext) -> dict[str, str]:
        creds = ctx.credentials
        scheme = creds.get("auth_scheme") or AUTH_NONE
        redactor = ctx.transport.redactor
        if scheme == AUTH_BASIC:
            pair = f"{creds.get('username', '')}:{creds.get('password', '')}".encode()
            encoded = base64.b64encode(pair).decode("ascii")
            redactor.add(encoded)  # hidden even where the server might echo it back
            return {"Authorization": f"Basic {encoded}"}
        if scheme == AUTH_HEADER:
            token = creds.get("token", "")
            _, _, rest = token.partition(" ")
            if rest:
                redactor.add(rest.strip())  # "Bearer abc…": the part after the scheme word is the secret
            return {creds.get("header_name") or "Authorization": token}
        return {}

    @staticmethod
    def _format(ctx: RequestContext) -> str:
        fmt = ctx.options.get("format") or "json"
        return fmt if fmt in ACCEPT else "json"

    def _read_request(self, ctx: RequestContext, customer_number: int, label: str) -> OutgoingRequest:
        return OutgoingRequest(
            "GET",
            join_url(ctx.base_url, "api", "customers", "invoice"),
            headers={"Accept": ACCEPT[self._format(ctx)], **self._auth_headers(ctx)},
            params={"customerNumber": str(customer_number)},
            label=label,
            idempotent=True,
        )

    def build_request(self, ctx: UploadContext, values: Mapping[str, Any] | None = None) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        values = dict(values) if values is not None else form.model_dump()
        fmt = self._format(ctx)
        text = xml_request(values) if fmt == "xml" else json_request(values)
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, "api", "customers", "invoice"),
            headers={"Accept": ACCEPT[fmt], **self._auth_headers(ctx)},
            body=TextBody(text, CONTENT_TYPE[fmt]),
            label=f"Save invoicing settings of customer {form.CustomerNumber}",
            idempotent=True,  # the settings are replaced by the same values if it is sent twice
        )

    # -- reading the current settings ----------------------------------------------------------------------------

    def _read(self, ctx: RequestContext, customer_number: int, label: str) -> dict[str, Any] | None:
        """The customer's current settings as form values, None when there are none yet; raises `_ReadRefused`
        with the result to show otherwise."""
        response = ctx.send(self._read_request(ctx, customer_number, label))
        if response.status in (401, 403):
            raise _ReadRefused(self._credentials_refused(response))
        if response.status == 204:
            return None
        parsed = parse_answer(response)
        verdict = read_verdict(parsed)
        if verdict is not None and (not verdict.success or verdict.errors):
            raise _ReadRefused(
                self._refused(
                    f"DäckData could not read the settings of customer {customer_number}.",
                    verdict,
                    response,
                    "Check the customer number; the answer is in the log.",
                )
            )
        source = settings_source(parsed) if parsed is not None and response.ok else None
        if source is NO_SETTINGS:
            return None
        if source is None:
            message = read_server_message(parsed)
            if message and 400 <= response.status < 500:
                raise _ReadRefused(
                    UploadResult(
                        Outcome.REJECTED,
                        f"DäckData refused to read the settings: {message}",
                        "The answer is in the log.",
                        provider_message=message,
                        http_status=response.status,
                    )
                )
            raise _ReadRefused(_unexpected_read(response, customer_number))
        assert isinstance(source, dict)
        try:
            return settings_to_form(source, customer_number)
        except Unreadable:
            raise _ReadRefused(_unexpected_read(response, customer_number)) from None

    def load(self, ctx: RequestContext, key: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            number = int(key["CustomerNumber"])
        except (TypeError, ValueError):
            raise InvoiceDesktopError("The customer number must be a whole number.") from None
        try:
            return self._read(ctx, number, f"Read invoicing settings of customer {number}")
        except _ReadRefused as refused:
            result = _redacted(refused.result, ctx)
            raise InvoiceDesktopError(
                Msg("{title} {detail}", title=result.title, detail=result.detail) if result.detail else result.title
            ) from None

    # -- sending ------------------------------------------------------------------------------------------------

    def perform(self, ctx: UploadContext) -> UploadResult:
        # The server's own words end up in the result (and the history keeps it): a secret it echoes is hidden.
        return _redacted(self._perform(ctx), ctx)

    def _perform(self, ctx: UploadContext) -> UploadResult:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        values = form.model_dump()
        unknown = form.unknown_fields()
        kept: dict[str, Any] = {}
        current: dict[str, Any] | None = None
        # An earlier try's POST got no usable answer: the settings may be saved already. Read them back first
        # (below, with the fields not loaded, or here) and send nothing when they are what this form says.
        earlier_post_lost = ctx.resume.get(POST_STATE) == "sending"
        if earlier_post_lost and not unknown:
            try:
                saved = self._read(
                    ctx, form.CustomerNumber, f"Read back the settings of customer {form.CustomerNumber}"
                )
            except _ReadRefused:
                saved = None  # could not tell: send them (safe: it replaces the settings with the same values)
            if _same_settings(saved, values):
                return self._found_saved(ctx, form, values, "An earlier try's answer was lost")
        if unknown:
            try:
                current = self._read(
                    ctx,
                    form.CustomerNumber,
                    f"Read current settings of customer {form.CustomerNumber} (for fields not loaded)",
                )
            except _ReadRefused as refused:
                result = refused.result
                result.detail = (
                    f"{result.detail} Nothing was saved: the current settings are read first, to "
                    "keep the fields that were not loaded."
                ).strip()
                return result
            # An address may stay empty; every other field needs a value.
            missing = [
                n
                for n in unknown
                if (current is None and n != EMAIL_FIELD) or (current is not None and current.get(n) is None)
            ]
            if missing:
                why = (
                    f"Customer {form.CustomerNumber} has no invoicing settings yet, so every field is needed."
                    if current is None
                    else "DäckData's current settings do not say what they are."
                )
                return UploadResult(
                    Outcome.FAILED,
                    "Nothing was saved: some fields are still unknown.",
                    f"{why} Fill in: {', '.join(missing)}.",
                    data={"unknown": missing},
                )
            for name in unknown:
                values[name] = kept[name] = current[name] if current is not None else None
            if earlier_post_lost and _same_settings(current, values):
                return self._found_saved(ctx, form, values, "An earlier try's answer was lost")
        ctx.save_resume({POST_STATE: "sending"})  # before it leaves: a retry reads back rather than guess
        try:
            response = ctx.send(self.build_request(ctx, values))
        except TransportError as exc:
            if not exc.maybe_sent:
                ctx.save_resume({POST_STATE: "not sent"})
                raise
            lost = UploadResult(Outcome.UNCERTAIN, exc.message, self.where_to_check(form, ctx.resume))
            return self._settle(ctx, form, values, lost)
        result = self.read_response(ctx, response, kept=kept, sent=values)
        if result.outcome is Outcome.UNCERTAIN:
            return self._settle(ctx, form, values, result)
        ctx.save_resume({POST_STATE: "answered"})
        if result.ok and current is not None:
            changed = {n: (current[n], values[n]) for n in SETTING_FIELDS if current[n] != values[n]}
            result.data["changed"] = {n: {"from": a, "to": b} for n, (a, b) in changed.items()}
            result.detail = (
                "Changed: " + "; ".join(f"{n} ({_shown(a)} → {_shown(b)})" for n, (a, b) in changed.items()) + "."
                if changed
                else "Nothing changed: these were already the customer's settings."
            ) + f" {len(kept)} field(s) not loaded kept their current values."
        return result

    # -- settling an answer that was lost ------------------------------------------------------------------------

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> str:
        return (
            "Retry is safe: it reads the customer's settings back first and saves them only if they are not "
            "already these."
        )

    def resend_is_safe(self, resume: Mapping[str, Any]) -> bool:
        return True  # a retry reads the settings back first; saving the same settings again changes nothing

    def _settle(self, ctx: UploadContext, form: DDAPIForm, values: dict[str, Any], lost: UploadResult) -> UploadResult:
        """The POST's answer was lost or unreadable: read the settings back and compare, instead of asking the
        clerk. `lost` is the uncertain outcome, kept when the read-back cannot tell either."""
        try:
            saved = self._read(
                ctx,
                form.CustomerNumber,
                f"Read back the settings of customer {form.CustomerNumber} (the answer to saving them was lost)",
            )
        except (_ReadRefused, TransportError):
            lost.detail = (
                f"{lost.detail} Reading the settings back did not work either, so it is not known yet.".strip()
            )
            return lost
        ctx.save_resume({POST_STATE: "answered"})
        if _same_settings(saved, values):
            return self._found_saved(ctx, form, values, "DäckData's answer was lost")
        return UploadResult(
            Outcome.FAILED,
            f"DäckData did not save the settings of customer {form.CustomerNumber}.",
            "Its answer was lost, and reading the settings back shows they are not the ones sent, so they were not "
            "saved. Send them again (safe: it replaces the settings).",
            data={"read_back": True},
        )

    @staticmethod
    def _found_saved(ctx: UploadContext, form: DDAPIForm, values: dict[str, Any], why: str) -> UploadResult:
        return UploadResult(
            Outcome.SUCCEEDED,
            f"DäckData saved the invoicing settings of customer {form.CustomerNumber}.",
            f"{why}, so the app read the settings back: they are the ones sent. The customer's invoices follow "
            "them from now on.",
            data={"sent": dict(values), "read_back": True},
        )

    def read_response(
        self,
        ctx: UploadContext,
        response: Response,
        *,
        kept: Mapping[str, Any] | None = None,
        sent: Mapping[str, Any] | None = None,
    ) -> UploadResult:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        number = form.CustomerNumber
        if response.status in (401, 403):
            result = self._credentials_refused(response)
            result.detail += " Nothing was saved."
            return result
        parsed = parse_answer(response)
        verdict = read_verdict(parsed)
        if verdict is None:
            message = read_server_message(parsed)
            if message and 400 <= response.status < 500:
                return UploadResult(
                    Outcome.REJECTED,
                    f"DäckData refused the settings of customer {number}: {message}",
                    "Nothing was saved. Correct the form and send again; the answer is in the log.",
                    provider_message=message,
                    http_status=response.status,
                )
            if response.ok or response.status >= 500:
                return uncertain_answer(
                    response.status,
                    f"the settings of customer {number} may or may not be saved",
                    self.where_to_check(form, ctx.resume),
                )
            return unexpected_answer(response.status)
        if verdict.success:
            detail = "The customer's invoices follow these settings from now on."
            if verdict.errors:
                detail += " DäckData also reported: " + "; ".join(e.line() for e in verdict.errors) + "."
            return UploadResult(
                Outcome.SUCCEEDED,
                f"DäckData saved the invoicing settings of customer {number}.",
                detail,
                provider_code=", ".join(e.code_text for e in verdict.errors) or None,
                provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
                http_status=response.status,
                data={
                    "sent": dict(sent or {}),
                    "kept": dict(kept or {}),
                    "errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors],
                },
            )
        return self._refused(
            f"DäckData did not save the settings of customer {number}.",
            verdict,
            response,
            "Correct what the messages say and send again.",
        )

    @staticmethod
    def _refused(title: str, verdict: Verdict, response: Response, next_step: str) -> UploadResult:
        if verdict.errors:
            lines = "\n".join(f"• {e.line()}" for e in verdict.errors)
            detail = f"{lines}\n{next_step}"
            if any(e.code_name.startswith("InternalServerError") for e in verdict.errors):
                detail += (
                    " InternalServerError means DDAPI itself failed: if its message does not say what to "
                    "change, try again later or contact your DäckData supplier."
                )
        else:
            detail = "DäckData gave no reason. " + next_step + " The answer is in the log."
        return UploadResult(
            Outcome.REJECTED,
            title,
            detail,
            provider_code=", ".join(e.code_text for e in verdict.errors) or None,
            provider_message=" | ".join(e.message for e in verdict.errors if e.message) or None,
            http_status=response.status,
            data={"errors": [{"ErrorCode": e.code, "ErrorMessage": e.message} for e in verdict.errors]},
        )

    @staticmethod
    def _credentials_refused(response: Response) -> UploadResult:
        message = read_server_message(parse_answer(response))
        return UploadResult(
            Outcome.REJECTED,
            f"The DDAPI installation refused the sign-in (HTTP {response.status}).",
            "Check the sign-in method and its values for this environment (Credentials…); ask your DäckData "
            "supplier which method your installation uses.",
            provider_message=message,
            http_status=response.status,
        )


def _redacted(result: UploadResult, ctx: RequestContext) -> UploadResult:
    redact = ctx.transport.redactor.redact
    result.title, result.detail = redact(result.title), redact(result.detail)
    result.provider_code = redact(result.provider_code) if result.provider_code else result.provider_code
    result.provider_message = redact(result.provider_message) if result.provider_message else result.provider_message
    result.data = json.loads(redact(json.dumps(result.data)))
    return result


def _same_settings(saved: Mapping[str, Any] | None, sent: Mapping[str, Any]) -> bool:
    """True when the settings read back are the ones sent (an empty address and none are the same)."""
    if saved is None:
        return False

    def plain(value: Any) -> Any:
        return None if value == "" else value

    return all(plain(saved.get(n)) == plain(sent.get(n)) for n in SETTING_FIELDS)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "(none)" if value in (None, "") else str(value)


def _unexpected_read(response: Response, customer_number: int) -> UploadResult:
    """Like `unexpected_answer`, for a read (which cannot have stored anything)."""
    return UploadResult(
        Outcome.FAILED,
        "The server answered something unexpected.",
        f"HTTP {response.status} to the read of customer {customer_number}'s settings. The full answer is in the "
        "log; check the address (base URL) of your DDAPI installation.",
        http_status=response.status,
    )


class _ReadRefused(Exception):
    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


PROVIDER = DDAPI()
