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

from ..core.duplicates import HistoryLookup
from ..core.errors import FormInvalid, InvoiceDesktopError, TransportError
from ..core.http import OutgoingRequest, Response, TextBody
from ..core.i18n import N_, Msg, _
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
from ..core.stored_text import Text
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

EXAMPLE_HOST = "https://ddapipilot.compilator.net"  # also written out in the environments' notes below
# What a credential that must stay on one line is called, for the message that says so.
LINE_BREAK_LABELS = {"username": N_("User name"), "password": N_("Password"), "token": N_("Token")}

AUTH_NONE, AUTH_BASIC, AUTH_HEADER = "none", "basic", "header"
# Resume key: "sending" from just before the POST leaves until its answer is read ("answered").
POST_STATE = "post"
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP header name (RFC 9110 token)


# -- the provider ----------------------------------------------------------------------------------------------


class DDAPI(Provider):
    id = "ddapi"
    name = "DäckData DDAPI"
    summary = N_("Set how a DäckData customer is invoiced (currency, terms, invoice type, e-mail, reverse VAT).")
    order = 50
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            None,
            N_(
                "Your installation's DDAPI test host, if your DäckData supplier gave you one, e.g. "
                "https://ddapipilot.compilator.net (the pilot host in the DDAPI documentation)."
            ),
        ),
        Environment(
            PRODUCTION,
            None,
            N_(
                "Every DäckData installation has its own DDAPI address; ask your supplier for yours. "
                "It looks like https://ddapipilot.compilator.net."
            ),
        ),
    )
    credential_fields = (
        CredentialField(
            "auth_scheme",
            N_("Sign-in method"),
            secret=False,
            choices=(AUTH_NONE, AUTH_BASIC, AUTH_HEADER),
            # Translators: the sign-in methods as the help text names them (none; basic; header).
            choice_labels=(N_("none"), N_("basic"), N_("header")),
            default=AUTH_NONE,
            help=N_(
                "How your DDAPI installation checks who calls it (ask your DäckData supplier): none; basic = "
                "user name and password; header = a token sent in a header."
            ),
        ),
        CredentialField(
            "username",
            N_("User name"),
            secret=False,
            required=False,
            help=N_("For the “basic” sign-in method."),
            shown_when=("auth_scheme", (AUTH_BASIC,)),
        ),
        CredentialField(
            "password",
            N_("Password"),
            secret=True,
            required=False,
            help=N_("For the “basic” sign-in method."),
            shown_when=("auth_scheme", (AUTH_BASIC,)),
        ),
        CredentialField(
            "header_name",
            N_("Token header"),
            secret=False,
            required=False,
            default="Authorization",
            shown_when=("auth_scheme", (AUTH_HEADER,)),
            pattern=_HEADER_NAME.pattern,
            pattern_message=N_("A header name has letters, digits and - only, e.g. X-Api-Key."),
            help=N_(
                "For the “header” sign-in method: the header that carries the token, e.g. Authorization or X-Api-Key."
            ),
        ),
        CredentialField(
            "token",
            N_("Token"),
            secret=True,
            required=False,
            shown_when=("auth_scheme", (AUTH_HEADER,)),
            help=N_(
                "For the “header” sign-in method: the header's whole value, exactly as given to "
                "you (e.g. “Bearer eyJ…” for an Authorization header)."
            ),
        ),
    )
    form_model = DDAPIForm
    attachment = None
    attachment_mode = "none"
    formats = ("json", "xml")
    format_label = N_("Format")
    action_label = N_("Save settings")
    practice_sandbox = "invoice_desktop.practice.ddapi:DDAPISandbox"
    load_key_fields = ("CustomerNumber",)
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = N_(
        "Type the customer number and press Load current values, change what you need, then Save settings. Saving "
        "replaces all of that customer's invoicing settings: fields left unknown keep their current values, and the "
        "app shows what changes before it saves."
    )
    notes = N_(
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
                problems["username"] = _("User name is missing (needed for the “basic” sign-in method).")
            elif ":" in value("username"):
                problems["username"] = _("A user name for HTTP Basic cannot contain “:”.")
            if not value("password"):
                problems["password"] = _("Password is missing (needed for the “basic” sign-in method).")
        elif scheme == AUTH_HEADER:
            if not value("header_name"):
                problems["header_name"] = _("Token header is missing (needed for the “header” sign-in method).")
            if not value("token"):
                problems["token"] = _("Token is missing (needed for the “header” sign-in method).")
        else:
            problems.pop("header_name", None)  # not used: a malformed leftover must not block sending
        for name in ("username", "password", "token"):
            if any(ch in value(name) for ch in "\r\n"):
                problems[name] = _("{field} cannot contain a line break.").format(field=_(LINE_BREAK_LABELS[name]))
        return problems

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        # Saving a customer's settings again replaces them: no duplicate to warn about (targets_of is empty).
        assert isinstance(form, DDAPIForm)
        out = [
            _("This replaces all invoicing settings of customer {customer} in DäckData.").format(
                customer=form.CustomerNumber
            )
        ]
        unknown = form.unknown_fields()
        if unknown:
            out.append(
                _("Not loaded: {fields}. They keep their current values (read again just before saving).").format(
                    fields=", ".join(unknown)
                )
            )
        elif not form.InvoiceOrderPaymentEmailAddress:
            out.append(_("The e-mail address for order-payment invoices is empty: the customer will have none."))
        email = form.email_warning()
        if email:
            out.append(email)
        return out

    def check(self, form: BaseModel, attachment: Any, file_url: str | None, options: Mapping[str, Any]) -> None:
        assert isinstance(form, DDAPIForm)
        if len(form.unknown_fields()) == len(SETTING_FIELDS):
            # Only a customer number (a load that failed, or a number changed after loading): nothing was chosen.
            raise FormInvalid(
                Msg(
                    "Nothing to save for customer {customer}: load its current settings first (Load current values), "
                    "or enter the settings to change.",
                    customer=form.CustomerNumber,
                )
            )

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, DDAPIForm)
        # Translators: the History's few words about a send ("customer 1001").
        return _("customer {customer}").format(customer=form.CustomerNumber)

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
            _scheme, _sep, rest = token.partition(" ")
            if rest:
                redactor.add(rest.strip())  # "Bearer abc…": the part after the scheme word is the secret
            return {creds.get("header_name") or "Authorization": token}
        return {}

    @staticmethod
    def _format(ctx: RequestContext) -> str:
        fmt = ctx.options.get("format") or "json"
        return fmt if fmt in ACCEPT else "json"

    def _read_request(self, ctx: RequestContext, customer_number: int, label: str | Msg) -> OutgoingRequest:
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
            label=Msg("Save invoicing settings of customer {customer}", customer=form.CustomerNumber),
            idempotent=True,  # the settings are replaced by the same values if it is sent twice
        )

    # -- reading the current settings ----------------------------------------------------------------------------

    def _read(self, ctx: RequestContext, customer_number: int, label: str | Msg) -> dict[str, Any] | None:
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
                    Msg("DäckData could not read the settings of customer {customer}.", customer=customer_number),
                    verdict,
                    response,
                    N_("Check the customer number; the answer is in the log."),
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
                        Msg("DäckData refused to read the settings: {message}", message=message),
                        Msg("The answer is in the log."),
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
            raise InvoiceDesktopError(Msg("The customer number must be a whole number.")) from None
        try:
            return self._read(ctx, number, Msg("Read invoicing settings of customer {customer}", customer=number))
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
                    ctx,
                    form.CustomerNumber,
                    Msg("Read back the settings of customer {customer}", customer=form.CustomerNumber),
                )
            except _ReadRefused:
                saved = None  # could not tell: send them (safe: it replaces the settings with the same values)
            if _same_settings(saved, values):
                return self._found_saved(ctx, form, values, earlier=True)
        if unknown:
            try:
                current = self._read(
                    ctx,
                    form.CustomerNumber,
                    Msg(
                        "Read current settings of customer {customer} (for fields not loaded)",
                        customer=form.CustomerNumber,
                    ),
                )
            except _ReadRefused as refused:
                result = refused.result
                result.detail = Msg(
                    "{detail} Nothing was saved: the current settings are read first, to keep the fields that were "
                    "not loaded.",
                    detail=result.detail,
                )
                return result
            # An address may stay empty; every other field needs a value.
            missing = [
                n
                for n in unknown
                if (current is None and n != EMAIL_FIELD) or (current is not None and current.get(n) is None)
            ]
            if missing:
                fill_in = ", ".join(missing)
                return UploadResult(
                    Outcome.FAILED,
                    Msg("Nothing was saved: some fields are still unknown."),
                    Msg(
                        "Customer {customer} has no invoicing settings yet, so every field is needed. Fill in: "
                        "{fields}.",
                        customer=form.CustomerNumber,
                        fields=fill_in,
                    )
                    if current is None
                    else Msg(
                        "DäckData's current settings do not say what they are. Fill in: {fields}.", fields=fill_in
                    ),
                    data={"unknown": missing},
                )
            for name in unknown:
                values[name] = kept[name] = current[name] if current is not None else None
            if earlier_post_lost and _same_settings(current, values):
                return self._found_saved(ctx, form, values, earlier=True)
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
            kept_note = Msg.plural_of(
                "{n} field not loaded kept its current value.",
                "{n} fields not loaded kept their current values.",
                len(kept),
            )
            result.detail = (
                Msg(
                    "Changed: {changes}. {kept}",
                    changes="; ".join(f"{n} ({_shown(a)} → {_shown(b)})" for n, (a, b) in changed.items()),
                    kept=kept_note,
                )
                if changed
                else Msg("Nothing changed: these were already the customer's settings. {kept}", kept=kept_note)
            )
        return result

    # -- settling an answer that was lost ------------------------------------------------------------------------

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        return Msg(
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
                Msg(
                    "Read back the settings of customer {customer} (the answer to saving them was lost)",
                    customer=form.CustomerNumber,
                ),
            )
        except (_ReadRefused, TransportError):
            lost.detail = Msg(
                "{detail} Reading the settings back did not work either, so it is not known yet.", detail=lost.detail
            )
            return lost
        ctx.save_resume({POST_STATE: "answered"})
        if _same_settings(saved, values):
            return self._found_saved(ctx, form, values, earlier=False)
        return UploadResult(
            Outcome.FAILED,
            Msg("DäckData did not save the settings of customer {customer}.", customer=form.CustomerNumber),
            Msg(
                "Its answer was lost, and reading the settings back shows they are not the ones sent, so they were "
                "not saved. Send them again (safe: it replaces the settings)."
            ),
            data={"read_back": True},
        )

    @staticmethod
    def _found_saved(ctx: UploadContext, form: DDAPIForm, values: dict[str, Any], *, earlier: bool) -> UploadResult:
        """`earlier`: an earlier try's answer was lost (else: this try's answer was)."""
        return UploadResult(
            Outcome.SUCCEEDED,
            Msg("DäckData saved the invoicing settings of customer {customer}.", customer=form.CustomerNumber),
            Msg(
                "An earlier try's answer was lost, so the app read the settings back: they are the ones sent. The "
                "customer's invoices follow them from now on."
            )
            if earlier
            else Msg(
                "DäckData's answer was lost, so the app read the settings back: they are the ones sent. The "
                "customer's invoices follow them from now on."
            ),
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
            result.detail = Msg("{detail} Nothing was saved.", detail=result.detail)
            return result
        parsed = parse_answer(response)
        verdict = read_verdict(parsed)
        if verdict is None:
            message = read_server_message(parsed)
            if message and 400 <= response.status < 500:
                return UploadResult(
                    Outcome.REJECTED,
                    Msg(
                        "DäckData refused the settings of customer {customer}: {message}",
                        customer=number,
                        message=message,
                    ),
                    Msg("Nothing was saved. Correct the form and send again; the answer is in the log."),
                    provider_message=message,
                    http_status=response.status,
                )
            if response.ok or response.status >= 500:
                return uncertain_answer(
                    response.status,
                    Msg("the settings of customer {customer} may or may not be saved", customer=number),
                    self.where_to_check(form, ctx.resume),
                )
            return unexpected_answer(response.status)
        if verdict.success:
            detail = (
                Msg(
                    "The customer's invoices follow these settings from now on. DäckData also reported: {reported}.",
                    reported="; ".join(e.line() for e in verdict.errors),
                )
                if verdict.errors
                else Msg("The customer's invoices follow these settings from now on.")
            )
            return UploadResult(
                Outcome.SUCCEEDED,
                Msg("DäckData saved the invoicing settings of customer {customer}.", customer=number),
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
            Msg("DäckData did not save the settings of customer {customer}.", customer=number),
            verdict,
            response,
            N_("Correct what the messages say and send again."),
        )

    @staticmethod
    def _refused(title: Msg, verdict: Verdict, response: Response, next_step: str) -> UploadResult:
        """`next_step`: an N_-marked sentence (what to do about the refusal)."""
        detail: Msg
        if verdict.errors:
            lines = "\n".join(f"• {e.line()}" for e in verdict.errors)
            # Translators: {errors} are DäckData's own error lines (kept as they came), one per line.
            detail = Msg("{errors}\n{next_step}", errors=lines, next_step=Msg(next_step))
            if any(e.code_name.startswith("InternalServerError") for e in verdict.errors):
                detail = Msg(
                    "{detail} InternalServerError means DDAPI itself failed: if its message does not say what to "
                    "change, try again later or contact your DäckData supplier.",
                    detail=detail,
                )
        else:
            detail = Msg("DäckData gave no reason. {next_step} The answer is in the log.", next_step=Msg(next_step))
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
            Msg("The DDAPI installation refused the sign-in (HTTP {status}).", status=response.status),
            Msg(
                "Check the sign-in method and its values for this environment (Credentials…); ask your DäckData "
                "supplier which method your installation uses."
            ),
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
        return _("yes") if value else _("no")
    return _("(none)") if value in (None, "") else str(value)


def _unexpected_read(response: Response, customer_number: int) -> UploadResult:
    """Like `unexpected_answer`, for a read (which cannot have stored anything)."""
    return UploadResult(
        Outcome.FAILED,
        Msg("The server answered something unexpected."),
        Msg(
            "HTTP {status} to the read of customer {customer}'s settings. The full answer is in the log; check the "
            "address (base URL) of your DDAPI installation.",
            status=response.status,
            customer=customer_number,
        ),
        http_status=response.status,
    )


class _ReadRefused(Exception):
    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


PROVIDER = DDAPI()
