"""The contract every provider module fulfils, as data plus a few small functions.

A provider module declares its id and name, environments and base URLs, credential fields, its form (a pydantic
model), its attachment rules, and how to turn a form into request(s) and answers into one `UploadResult`.
The UI and the CLI are generic over this contract: adding a provider touches neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from . import _pydantic_preload  # noqa: F401  (the rest of pydantic, eagerly; see there)
from .attachments import AttachmentRules, CheckedAttachment
from .duplicates import HistoryLookup

# Where they were declared before core/environments.py held them (provider modules import them from here).
from .environments import ENVIRONMENT_LABELS as ENVIRONMENT_LABELS
from .environments import PRACTICE as PRACTICE
from .environments import PRODUCTION as PRODUCTION
from .environments import SANDBOX as SANDBOX
from .environments import Environment as Environment
from .errors import FormInvalid
from .history import History
from .http import OutgoingRequest, Response
from .i18n import N_, Msg, _
from .results import UploadResult
from .stored_text import Text
from .transport import Transport

# Declared texts below (labels, help, guides, notes, summaries, choice labels, pydantic titles and descriptions) are
# marked with N_ only: whoever shows them translates them with `_()` there.


@dataclass(frozen=True)
class CredentialField:
    """One credential a provider needs (an API key, a user name…): how the clerk enters it and how it is kept."""

    name: str  # the docs' name in snake_case; the key in the keyring and in `credentials set` JSON
    label: str
    secret: bool = True
    required: bool = True
    help: str = ""
    pattern: str | None = None  # a regular expression the value must match in full
    pattern_message: str = ""
    # Secret values the app obtains itself (tokens) are stored but not typed in the credentials dialog.
    obtained: bool = False
    # For a choice ("none" / "basic" / "header"): the allowed values.
    choices: tuple[str, ...] = ()
    # What the credentials dialog shows for each choice, in the same order (the values themselves when empty).
    choice_labels: tuple[str, ...] = ()
    # Used when nothing is stored (non-secret settings such as an API version).
    default: str = ""
    # Only relevant when another field has one of these values, e.g. ("auth_scheme", ("basic",)); the
    # credentials dialog hides it otherwise.
    shown_when: tuple[str, tuple[str, ...]] | None = None
    # Rarely changed (an API version, a wire-format reading): the credentials dialog puts it under "Advanced".
    advanced: bool = False


AttachmentMode = Literal["required", "optional", "none"]


@dataclass
class RequestContext:
    """What any exchange with a provider needs: where, with which credentials, over which transport."""

    environment: str
    base_url: str
    credentials: dict[str, str]
    options: dict[str, Any]
    transport: Transport
    # Stores a credential the provider obtained (a token) in the keyring, and hides it in the log from now on.
    save_credential: Callable[[str, str], None] = lambda _name, _value: None
    # Opens a URL in the system browser (OAuth sign-in); given by the GUI or the CLI.
    open_browser: Callable[[str], object] = lambda _url: None  # False: no browser could be opened

    def send(self, request: OutgoingRequest) -> Response:
        return self.transport.send(request)


@dataclass
class UploadContext(RequestContext):
    """Everything a provider needs to perform one attempt. Built by the core's `UploadService`."""

    form: BaseModel = None  # type: ignore[assignment]
    attachment: CheckedAttachment | None = None
    file_url: str | None = None
    attempt_id: int = 0
    history: History = None  # type: ignore[assignment]
    # What an earlier, unfinished try of this attempt left (e.g. SkyPostal's step-1 GUID).
    resume: dict[str, Any] = field(default_factory=dict)
    # The clerk confirmed sending again an attempt that may have arrived (Retry asked first).
    resend_confirmed: bool = False

    def save_resume(self, data: dict[str, Any]) -> None:
        """Record progress before the next request leaves, so a retry continues instead of repeating."""
        self.resume = {**self.resume, **data}
        self.history.set_resume(self.attempt_id, self.resume)


class Provider:
    """Subclass per provider; override `build_request` and `read_response` (single request) or `perform`."""

    id: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str] = ""
    order: ClassVar[int] = 100
    environments: ClassVar[tuple[Environment, ...]]
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    form_model: ClassVar[type[BaseModel]]
    attachment: ClassVar[AttachmentRules | None] = None
    attachment_mode: ClassVar[AttachmentMode] = "required"
    accepts_file_url: ClassVar[bool] = False
    formats: ClassVar[tuple[str, ...]] = ("json",)
    format_label: ClassVar[str] = N_("Answer format")
    # The words on the send button: "Upload" for a document, "Save settings" where nothing is attached.
    action_label: ClassVar[str] = N_("Upload")
    # "module:Class" of the practice sandbox; imported only when the practice environment is used.
    practice_sandbox: ClassVar[str]
    # Shown under the form, for the clerk: what to enter and what happens when it is sent.
    guide: ClassVar[str] = ""
    # For integrators, behind the form's "How this is sent" link (and in the README): where the docs were silent
    # and which reading the app chose.
    notes: ClassVar[str] = ""
    # Batches (core/batch.py): how a document fills the form. Form field (dotted for nested, e.g.
    # "BillingAddress.City") → a fact name of core/documents/facts.py, or a function of the facts. Empty: the
    # provider takes no batch of documents.
    document_fields: ClassVar[Mapping[str, Any]] = {}

    # -- declared data, read through helpers -------------------------------------------------------------

    @classmethod
    def environment(cls, env_id: str) -> Environment:
        for env in cls.environments:
            if env.id == env_id:
                return env
        raise KeyError(env_id)

    @classmethod
    def secret_field_names(cls) -> list[str]:
        return [f.name for f in cls.credential_fields if f.secret]

    @classmethod
    def typed_credential_fields(cls) -> list[CredentialField]:
        return [f for f in cls.credential_fields if not f.obtained]

    # Fields the clerk types once to sign in (never stored), e.g. an e-mail and password; see `sign_in`.
    sign_in_fields: ClassVar[tuple[CredentialField, ...]] = ()
    sign_in_label: ClassVar[str] = N_("Sign in…")
    # Whether practice needs that sign-in before a send: the sandbox fills in the app's keys but not what a sign-in
    # hands out (Shopwave's tokens). The practice banner says so instead of "filled in for you".
    practice_needs_sign_in: ClassVar[bool] = False
    # Form fields that identify what `load` reads (e.g. ("CustomerNumber",)); empty when the API has no read.
    load_key_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def supports_sign_in(self) -> bool:
        return type(self).sign_in is not Provider.sign_in

    def refused_credentials(self, http_status: int | None, code: str | None, message: str | None) -> bool:
        """A refusal (its HTTP status, the provider's code and words) was about the credentials, not the data: sent
        again it goes through once they are corrected, and only then (core/retry_refusal.py)."""
        return http_status in (401, 403)

    @property
    def supports_load(self) -> bool:
        return bool(self.load_key_fields)

    # -- checks before anything is sent ------------------------------------------------------------------

    def check_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        """{field: problem} for missing or malformed credentials. Override when fields depend on each other."""
        import re

        problems: dict[str, str] = {}
        for cred in self.typed_credential_fields():
            value = values.get(cred.name, "") or cred.default
            label = _(cred.label)
            if not value:
                if cred.required:
                    problems[cred.name] = _("{label} is missing.").format(label=label)
            elif cred.pattern and not re.fullmatch(cred.pattern, value):
                problems[cred.name] = (
                    _(cred.pattern_message)
                    if cred.pattern_message
                    else _("{label} is not in the expected form.").format(label=label)
                )
            elif cred.choices and value not in cred.choices:
                problems[cred.name] = _("{label} must be one of: {choices}.").format(
                    label=label, choices=", ".join(cred.choices)
                )
        return problems

    def check_upload_credentials(self, values: Mapping[str, str]) -> dict[str, str]:
        """Like `check_credentials`, for an upload: may require more than is needed to store credentials (e.g.
        fields a sign-in obtains later). `check_credentials` stays what the credentials dialog and CLI check."""
        return self.check_credentials(values)

    def obtained_with(self, changed: set[str]) -> list[str]:
        """The obtained credentials (tokens) that stop standing for the typed ones when `changed` change; they are
        forgotten when the clerk stores new values (see core/credential_changes.py)."""
        return []

    def warnings(self, form: BaseModel, history: HistoryLookup, environment: str) -> list[str]:
        """Things the clerk should confirm before sending (e.g. "this replaces the whole invoice", "already uploaded
        by anna@FRONTDESK-2 on …": core/duplicates.py names who and when)."""
        return []

    def check(
        self, form: BaseModel, attachment: CheckedAttachment | None, file_url: str | None, options: Mapping[str, Any]
    ) -> None:
        """Cross-field checks that the form model alone cannot make. Raise `FormInvalid`."""
        if self.attachment_mode == "required" and attachment is None and not file_url:
            raise FormInvalid(Msg("Add the invoice file: drop it on the window or choose it with Browse…"))

    def describe(self, form: BaseModel) -> str:
        """A few words for the History view, e.g. 'order 1234'."""
        return ""

    # -- when an attempt may have arrived ------------------------------------------------------------------

    def where_to_check(self, form: BaseModel, resume: Mapping[str, Any]) -> Text:
        """What to do next when an attempt may or may not have arrived: where to look, and whether sending it
        again is safe (a `Msg`: it is kept with the outcome)."""
        return Msg("Check in {provider} whether it arrived before sending it again.", provider=self.name)

    def resend_is_safe(self, resume: Mapping[str, Any]) -> bool:
        """True when sending again an attempt that may have arrived can do no harm (create-or-update by id), or
        the provider settles it itself (reads the outcome back): Retry then sends without asking."""
        return False

    def targets_of(self, form: BaseModel) -> tuple[str, ...]:
        """What this upload is sent to, as the provider identifies it (an order id, a tracking number, an invoice
        id): recorded with the attempt and looked up by index by the duplicate warnings and the History's search.
        Empty when sending again is not a duplicate (settings that replace themselves)."""
        return ()

    # -- the exchange --------------------------------------------------------------------------------------

    def build_request(self, ctx: UploadContext) -> OutgoingRequest:
        raise NotImplementedError

    def read_response(self, ctx: UploadContext, response: Response) -> UploadResult:
        raise NotImplementedError

    def perform(self, ctx: UploadContext) -> UploadResult:
        """One request, one answer. Multi-step providers override this."""
        response = ctx.send(self.build_request(ctx))
        return self.read_response(ctx, response)

    def load(self, ctx: RequestContext, key: Mapping[str, Any]) -> dict[str, Any] | None:
        """Read the current values of what the form would change (form field names), or None if there are none
        yet. Raise `InvoiceDesktopError` with a plain message on a refusal."""
        raise NotImplementedError

    def sign_in(self, ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
        """Obtain credentials (customer keys, OAuth tokens) from what the clerk typed in `sign_in_fields`;
        return the credential fields to store. Raise `InvoiceDesktopError` with a plain message on refusal."""
        raise NotImplementedError


def join_url(base: str, *segments: str) -> str:
    """Join a base URL and path segments, quoting each segment (an order id may hold a '/')."""
    from urllib.parse import quote

    return base.rstrip("/") + "/" + "/".join(quote(str(s), safe="") for s in segments)
