"""Shopwave (MerchantStack): insert or update a merchant's supplier invoices, with their lines (Invoice POST).

`POST {api}/invoice` with `Authorization: {token_type} {access_token}` and `x-accept-version`. Sign-in is OAuth2's
authorization-code flow from the desktop (see `_shopwave_oauth`); an expired token (907/908) is renewed once with
the refresh token and the request sent again.

The body's envelope is not shown in any public page. The app reads the docs' notation `invoices[{invoiceId}].field`
as a map keyed by invoice:
    {"invoices": {"<key>": {"id"?, "supplierId", "storeId", ..., "invoiceItems": {"line-1": {...}, ...}}}}
where <key> is the invoice's id for an update ("to update just supply the object id") and "new-<row>" for a new
one. Answers are maps keyed the same way, so each POST's answer is matched back to each invoice by its key (and,
should Shopwave key its answer otherwise, by id or by supplier and reference).

Several invoices go in as few POSTs as possible, never more than 200 objects (invoices and lines counted) in one;
error 919 splits a POST smaller and sends it again. A 201 may still carry per-invoice errors: every invoice gets
its own outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..core.attachments import CheckedAttachment
from ..core.duplicates import HistoryLookup, who_and_when
from ..core.errors import FormInvalid
from ..core.history import Attempt
from ..core.i18n import N_, Msg, _, ngettext
from ..core.provider import (
    PRACTICE,
    PRODUCTION,
    SANDBOX,
    CredentialField,
    Environment,
    Provider,
    RequestContext,
    UploadContext,
)
from ..core.results import Outcome, UploadResult
from ..core.stored_text import Text
from . import _shopwave_oauth as oauth
from ._shopwave_form import MAX_OBJECTS_PER_REQUEST, Invoice, InvoiceItem, ShopwaveInvoices
from ._shopwave_payload import BODY_POST_BODY, BODY_RAW_JSON, invoice_key, invoice_payload, pack
from ._shopwave_send import Run, declared_base

__all__ = [
    "BODY_POST_BODY",
    "BODY_RAW_JSON",
    "MAX_OBJECTS_PER_REQUEST",
    "PROVIDER",
    "Invoice",
    "InvoiceItem",
    "Shopwave",
    "ShopwaveInvoices",
    "invoice_key",
    "invoice_payload",
    "pack",
]


# -- the provider ---------------------------------------------------------------------------------------------------


class Shopwave(Provider):
    id = "shopwave"
    name = "Shopwave"
    summary = N_("Record supplier invoices with their lines in a Shopwave (MerchantStack) store.")
    order = 40
    environments = (
        Environment(PRACTICE, None),
        Environment(
            SANDBOX,
            "https://api.staging.merchantstack.com",
            N_("Shopwave's staging system (sign-in at secure.staging.merchantstack.com)."),
        ),
        Environment(PRODUCTION, "https://api.merchantstack.com"),
    )
    credential_fields = (
        CredentialField(
            "client_id",
            N_("Client ID"),
            secret=False,
            required=False,
            help=N_("Your Shopwave partner app's client ID: needed to sign in with Shopwave."),
        ),
        CredentialField(
            "client_secret",
            N_("Client secret"),
            required=False,
            help=N_("Your Shopwave partner app's client secret: needed to sign in and to renew the sign-in."),
        ),
        CredentialField(
            "access_token",
            N_("Access token"),
            required=False,
            help=N_("Filled in by “Sign in with Shopwave…”; or paste one Shopwave gave you."),
        ),
        CredentialField("refresh_token", N_("Refresh token"), required=False, obtained=True),
        CredentialField("token_type", N_("Token type"), secret=False, required=False, obtained=True),
        CredentialField(
            "x_accept_version",
            N_("API version (x-accept-version)"),
            secret=False,
            required=False,
            default="2",
            pattern=r"\d+(\.\d+)?",
            pattern_message=N_("The API version is a number, e.g. 2."),
            help=N_("Shopwave's API version to ask for; the docs' example is 2."),
            advanced=True,
        ),
        CredentialField(
            "request_body",
            N_("Request body"),
            secret=False,
            required=False,
            choices=(BODY_POST_BODY, BODY_RAW_JSON),
            choice_labels=(N_("form field postBody (as Shopwave's SDKs)"), N_("raw JSON")),
            default=BODY_POST_BODY,
            help=N_(
                "How the invoices travel. Shopwave's own SDKs send the JSON in a form field named postBody; "
                "choose raw JSON only if Shopwave told you your account reads a JSON body."
            ),
            advanced=True,
        ),
    )
    form_model = ShopwaveInvoices
    attachment = None
    attachment_mode = "none"
    action_label = N_("Send invoices")
    practice_sandbox = "invoice_desktop.practice.shopwave:ShopwaveSandbox"
    sign_in_label = N_("Sign in with Shopwave…")
    practice_needs_sign_in = True  # the sandbox fills in the partner app, not the tokens of a sign-in
    # Under the form, in a clerk's words: what to enter and what happens.
    guide = N_(
        "One row per supplier invoice: a new one needs supplier, store, reference and date; fill in the Invoice ID "
        "only to change an invoice that already exists. Add its lines with the Edit… button in the Lines column. "
        "All rows go together, and the result says how each row fared."
    )
    notes = N_(
        "Sent as Shopwave's own SDKs send it: the JSON in a form field postBody (form-encoded). The envelope "
        'is not shown publicly: the app sends {"invoices": {key: invoice}} with '
        'the invoice\'s id as key for an update and "new-<row>" for a new invoice, and lines keyed "line-<n>". '
        "At most 200 objects (invoices plus lines) go in one request. Dates are sent as YYYY-MM-DD, prices as "
        "text. A new invoice needs supplier, store, reference and date; an invoice ID makes it an update."
    )
    # How long the browser step of the sign-in may take (seconds).
    sign_in_timeout_s: float = 180.0

    def declared_base(self, environment: str) -> str | None:
        return declared_base(self, environment)

    # -- checks --

    def check_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        problems = super().check_credentials(values)
        has_id, has_secret = bool(values.get("client_id", "").strip()), bool(values.get("client_secret", "").strip())
        if has_id != has_secret:
            missing = "client_secret" if has_id else "client_id"
            problems[missing] = _("Enter both the client ID and the client secret of your Shopwave partner app.")
        elif not has_id and not values.get("access_token", "").strip():
            problems["client_id"] = _(
                "Enter the client ID and client secret of your Shopwave partner app (to sign in "
                "with Shopwave), or paste an access token."
            )
        return problems

    def check_upload_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        problems = super().check_credentials(values)  # the fields' own rules; no client ID needed to send
        if not oauth.clean_pasted_token(values.get("access_token", "")):
            problems["access_token"] = _("Shopwave needs an access token to send invoices. {hint}").format(
                hint=_(oauth.CREDENTIALS_HINT)
            )
        return problems

    def check(
        self, form: BaseModel, attachment: CheckedAttachment | None, file_url: str | None, options: Mapping[str, Any]
    ) -> None:
        assert isinstance(form, ShopwaveInvoices)
        seen: dict[int, int] = {}
        for n, invoice in enumerate(form.invoices):
            if invoice.id is None:
                continue
            if invoice.id in seen:
                raise FormInvalid(
                    Msg(
                        "Invoice ID {id} is in the list twice (rows {first} and {second}): merge them into one row.",
                        id=invoice.id,
                        first=seen[invoice.id] + 1,
                        second=n + 1,
                    ),
                    {f"invoices.{n}.id": _("The same invoice is updated twice.")},
                )
            seen[invoice.id] = n

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        assert isinstance(form, ShopwaveInvoices)
        out: list[str] = []
        updates = [str(inv.id) for inv in form.invoices if inv.is_update]
        if updates:
            out.append(
                ngettext(
                    "Invoice {ids} will be changed in Shopwave (an invoice ID means update): the fields given replace "
                    "the stored ones.",
                    "Invoices {ids} will be changed in Shopwave (an invoice ID means update): the fields given replace "
                    "the stored ones.",
                    len(updates),
                ).format(ids=", ".join(updates))
            )
        new = {(inv.supplierId, inv.reference): n for n, inv in enumerate(form.invoices) if not inv.is_update}
        if len(new) < sum(1 for inv in form.invoices if not inv.is_update):
            out.append(
                _("The same supplier and reference appear in more than one row: Shopwave would create two invoices.")
            )
        earlier = self._created_before(history, environment, {str(reference) for _supplier, reference in new})
        for supplier, reference in new:
            attempt = earlier.get((str(supplier), str(reference)))
            if attempt:
                out.append(
                    _(
                        "Invoice “{reference}” of supplier {supplier} was already created in Shopwave "
                        "{who_and_when}: sending it again creates a second one."
                    ).format(reference=reference, supplier=supplier, who_and_when=who_and_when(attempt))
                )
        return out

    def _created_before(
        self, history: HistoryLookup, environment: str, references: set[str]
    ) -> dict[tuple[str, str], Attempt]:
        """(supplier, reference) → the attempt that created the invoice earlier, found by reference (indexed)."""
        found: dict[tuple[str, str], Attempt] = {}
        attempts = {a.id: a for ref in references for a in history.with_target(self.id, environment, ref)}
        for attempt in sorted(attempts.values(), key=lambda a: -a.id):
            for item in attempt.result.get("items", []):
                data = item.get("data", {})
                if item.get("outcome") == Outcome.SUCCEEDED.value and data.get("action") == "created":
                    found.setdefault((str(data.get("supplierId")), str(data.get("reference"))), attempt)
        return found

    def targets_of(self, form: BaseModel) -> tuple[str, ...]:
        # Each invoice by its reference (what a duplicate of a new invoice shares), else its Shopwave id.
        assert isinstance(form, ShopwaveInvoices)
        return tuple(str(inv.reference or inv.id) for inv in form.invoices if inv.reference or inv.id)

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        return Msg(
            "Check in Shopwave which of these invoices were saved. Retry sends only the ones not saved; it asks "
            "before sending again a new invoice whose answer was lost (it would be created twice)."
        )

    def resend_is_safe(self, resume: Mapping[str, Any]) -> bool:
        # Saved invoices are never sent again and updates by id overwrite the same invoice: only a new invoice
        # whose answer was lost could be created twice.
        return not resume.get("in_flight")

    def describe(self, form: BaseModel) -> str:
        assert isinstance(form, ShopwaveInvoices)
        # Translators: the History's few words about a send ("invoice INV-7", "3 invoices: INV-7, INV-8, …").
        names = [inv.reference or (_("invoice {id}").format(id=inv.id) if inv.id else "?") for inv in form.invoices]
        if len(names) == 1:
            return _("invoice {id}").format(id=names[0]) if form.invoices[0].reference else names[0]
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        return ngettext("{n} invoice: {names}", "{n} invoices: {names}", len(names)).format(n=len(names), names=shown)

    # -- the exchange --

    def perform(self, ctx: UploadContext) -> UploadResult:
        return Run(self, ctx).run()

    def sign_in(self, ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
        return oauth.sign_in(ctx, self.declared_base(ctx.environment), self.sign_in_timeout_s)


PROVIDER = Shopwave()
