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
    Environment,
    Provider,
    RequestContext,
    UploadContext,
    join_url,
)
from ..core.results import Outcome, UploadResult
from ..core.stored_text import Text
from ._ddapi_form import EMAIL_FIELD, FIELD_ORDER, SETTING_FIELDS, DDAPIForm
from ._ddapi_outcomes import found_saved, not_saved, redacted, save_answer, still_unknown, tell_changes
from ._ddapi_settings import ReadRefused, read_settings, same_settings
from ._ddapi_signin import CREDENTIAL_FIELDS, auth_headers, sign_in_problems
from ._ddapi_wire import ACCEPT, CONTENT_TYPE, XML_ORDER, chosen_format, json_request, xml_request

# Re-exported: the form and the wire format were defined here before they moved to their own modules.
__all__ = ["DDAPI", "FIELD_ORDER", "PROVIDER", "XML_ORDER", "DDAPIForm", "json_request", "xml_request"]

EXAMPLE_HOST = "https://ddapipilot.compilator.net"  # also written out in the environments' notes below
# Resume key: "sending" from just before the POST leaves until its answer is read ("answered").
POST_STATE = "post"


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
    # The sign-in methods (none, basic, header) and their fields: see _ddapi_signin.
    credential_fields = CREDENTIAL_FIELDS
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
        return sign_in_problems(values, super().check_credentials(values))

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
                ),
                command_line=Msg(
                    "Nothing to save for customer {customer}: add the settings to change to --data. `invoice-desktop "
                    "get ddapi` with the same --data and --environment shows their current values.",
                    customer=form.CustomerNumber,
                ),
            )

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, DDAPIForm)
        # Translators: the History's few words about a send ("customer 1001").
        return _("customer {customer}").format(customer=form.CustomerNumber)

    # -- requests -----------------------------------------------------------------------------------------------

    def build_request(self, ctx: UploadContext, values: Mapping[str, Any] | None = None) -> OutgoingRequest:
        form = ctx.form
        assert isinstance(form, DDAPIForm)
        values = dict(values) if values is not None else form.model_dump()
        fmt = chosen_format(ctx.options)
        text = xml_request(values) if fmt == "xml" else json_request(values)
        return OutgoingRequest(
            "POST",
            join_url(ctx.base_url, "api", "customers", "invoice"),
            headers={"Accept": ACCEPT[fmt], **auth_headers(ctx)},
            body=TextBody(text, CONTENT_TYPE[fmt]),
            label=Msg("Save invoicing settings of customer {customer}", customer=form.CustomerNumber),
            idempotent=True,  # the settings are replaced by the same values if it is sent twice
        )

    # -- reading the current settings ----------------------------------------------------------------------------

    def load(self, ctx: RequestContext, key: Mapping[str, Any]) -> dict[str, Any] | None:
        try:
            number = int(key["CustomerNumber"])
        except (TypeError, ValueError):
            raise InvoiceDesktopError(Msg("The customer number must be a whole number.")) from None
        try:
            return read_settings(ctx, number, Msg("Read invoicing settings of customer {customer}", customer=number))
        except ReadRefused as refused:
            result = redacted(refused.result, ctx.transport.redactor)
            raise InvoiceDesktopError(
                Msg("{title} {detail}", title=result.title, detail=result.detail) if result.detail else result.title
            ) from None

    # -- sending ------------------------------------------------------------------------------------------------

    def perform(self, ctx: UploadContext) -> UploadResult:
        # The server's own words end up in the result (and the history keeps it): a secret it echoes is hidden.
        return redacted(self._perform(ctx), ctx.transport.redactor)

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
                saved = read_settings(
                    ctx,
                    form.CustomerNumber,
                    Msg("Read back the settings of customer {customer}", customer=form.CustomerNumber),
                )
            except ReadRefused:
                saved = None  # could not tell: send them (safe: it replaces the settings with the same values)
            if same_settings(saved, values):
                return found_saved(form.CustomerNumber, values, earlier=True)
        if unknown:
            filled = self._fill_in_unknown(ctx, form, unknown)
            if isinstance(filled, UploadResult):
                return filled
            current, kept = filled
            values.update(kept)
            if earlier_post_lost and same_settings(current, values):
                return found_saved(form.CustomerNumber, values, earlier=True)
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
            tell_changes(result, current, values, kept)
        return result

    def _fill_in_unknown(
        self, ctx: UploadContext, form: DDAPIForm, unknown: list[str]
    ) -> tuple[dict[str, Any] | None, dict[str, Any]] | UploadResult:
        """(the current settings, the values they give the `unknown` fields), read just before the POST replaces
        them all; the result to show when they cannot be read or do not give every field a value."""
        try:
            current = read_settings(
                ctx,
                form.CustomerNumber,
                Msg(
                    "Read current settings of customer {customer} (for fields not loaded)",
                    customer=form.CustomerNumber,
                ),
            )
        except ReadRefused as refused:
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
            return still_unknown(form.CustomerNumber, missing, has_settings=current is not None)
        return current, {name: current[name] if current is not None else None for name in unknown}

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
        return save_answer(response, form.CustomerNumber, self.where_to_check(form, ctx.resume), kept=kept, sent=sent)

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
            saved = read_settings(
                ctx,
                form.CustomerNumber,
                Msg(
                    "Read back the settings of customer {customer} (the answer to saving them was lost)",
                    customer=form.CustomerNumber,
                ),
            )
        except (ReadRefused, TransportError):
            lost.detail = Msg(
                "{detail} Reading the settings back did not work either, so it is not known yet.", detail=lost.detail
            )
            return lost
        ctx.save_resume({POST_STATE: "answered"})
        if same_settings(saved, values):
            return found_saved(form.CustomerNumber, values, earlier=False)
        return not_saved(form.CustomerNumber)


PROVIDER = DDAPI()
