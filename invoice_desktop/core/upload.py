"""The one way an upload happens, for the GUI and the CLI alike.

`prepare` checks everything that can be checked without the network (form, file, credentials, address) and
raises a clear error; nothing is recorded or sent for a refused upload. `run` records the attempt in the history
*before* the first request leaves, lets the provider perform it, and records the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import history as hist
from . import snapshots
from .attachments import CheckedAttachment
from .credentials import CredentialStore
from .duplicates import HistoryLookup, may_have_arrived_warnings, same_file_warnings
from .environments import ENVIRONMENT_LABELS
from .errors import Cancelled, CredentialsMissing, FormInvalid, InvoiceDesktopError, ProviderBusy, TransportError
from .exchange import Exchange
from .history import BeingSent, History, HistoryBusy
from .i18n import N_, Msg, _, ngettext
from .practice_port import PracticeFactory, PracticeSandboxes
from .redaction import Redactor
from .registry import PRACTICE, ProviderRegistry
from .results import Outcome, UploadResult, busy_result
from .stored_text import Text
from .transport import CancelToken, Progress, Timeouts, Transport, check_url_allowed

if TYPE_CHECKING:  # pydantic and the provider contract come with the first provider, not with this module
    from pydantic import BaseModel, ValidationError

    from .provider import Provider, RequestContext

log = logging.getLogger("invoice_desktop.upload")


def form_errors(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as {field path: plain message}, in the current language."""
    out: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(p) for p in error["loc"]) or "form"
        message = error["msg"]
        if error["type"] == "missing":
            message = _("Required.")
        else:
            message = _pydantic_message(error["type"], dict(error.get("ctx") or {})) or message
        message = message.removeprefix("Value error, ")
        out.setdefault(path, message)
    return out


# pydantic's own messages for the checks our forms declare, as pydantic words them in English (the tests and the
# clerk read the same sentence); {…} are pydantic's context values. A type not listed keeps pydantic's English.
_PYDANTIC_COUNTED = {
    "string_too_short": (
        "min_length",
        N_("String should have at least {n} character"),
        N_("String should have at least {n} characters"),
    ),
    "string_too_long": (
        "max_length",
        N_("String should have at most {n} character"),
        N_("String should have at most {n} characters"),
    ),
    "decimal_max_digits": (
        "max_digits",
        N_("Decimal input should have no more than {n} digit in total"),
        N_("Decimal input should have no more than {n} digits in total"),
    ),
    "decimal_max_places": (
        "decimal_places",
        N_("Decimal input should have no more than {n} decimal place"),
        N_("Decimal input should have no more than {n} decimal places"),
    ),
    "decimal_whole_digits": (
        "whole_digits",
        N_("Decimal input should have no more than {n} digit before the decimal point"),
        N_("Decimal input should have no more than {n} digits before the decimal point"),
    ),
}
_PYDANTIC_PLAIN = {
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "less_than": N_("Input should be less than {lt}"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    # A number the app cannot read (a currency sign, letters): say what it reads. The window and the CLI read the
    # region's way and the API's ("1.234,50" in a German region, "12.50" anywhere) and a lone decimal comma.
    "decimal_parsing": N_("Type a number, such as 12.50 or 12,50, without a currency sign or letters"),
    "float_parsing": N_("Type a number, such as 12.50 or 12,50, without a currency sign or letters"),
    "decimal_type": N_("Decimal input should be an integer, float, string or Decimal object"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "string_type": N_("Input should be a valid string"),
    # Translators: {pattern} is a regular expression, as is.
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    # Translators: {expected} lists the allowed values as the form takes them, e.g. 'Yes' or 'No'.
    "literal_error": N_("Input should be {expected}"),
    # Translators: {error} is pydantic's English detail (e.g. "input is too short").
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_inexact": N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "list_type": N_("Input should be a valid list"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
}


def _pydantic_message(kind: str, context: dict[str, Any]) -> str | None:
    try:
        if kind in _PYDANTIC_COUNTED:
            key, singular, plural = _PYDANTIC_COUNTED[kind]
            n = int(context[key])
            return ngettext(singular, plural, n).format(n=n)
        if kind == "too_long":
            n = int(context["max_length"])
            return ngettext(
                "{field_type} should have at most {n} item after validation, not {actual_length}",
                "{field_type} should have at most {n} items after validation, not {actual_length}",
                n,
            ).format(n=n, field_type=context.get("field_type", ""), actual_length=context.get("actual_length", ""))
        if kind in _PYDANTIC_PLAIN:
            return _(_PYDANTIC_PLAIN[kind]).format(**context)
    except (KeyError, ValueError, IndexError, TypeError):
        return None
    return None


def validate_form(provider: Provider, data: Mapping[str, Any] | list[Any]) -> BaseModel:
    from pydantic import ValidationError

    # A list (several invoices from a JSON file) goes to the model as it is: its validators may accept one.
    try:
        return provider.form_model.model_validate(dict(data) if isinstance(data, Mapping) else data)
    except ValidationError as exc:
        fields = form_errors(exc)
        raise FormInvalid(form_problems(fields), fields) from None


def form_problems(fields: Mapping[str, str]) -> Msg:
    """The form's errors ({field: message}) as the sentence a clerk reads: "not complete" only when every problem is
    a missing value (a wrong one is no gap to fill), each field's problem a sentence of its own."""
    listing = " ".join(f"{name}: {_full_sentence(message)}" for name, message in fields.items())
    if only_missing(fields):
        return Msg("The form is not complete: {problems}", problems=listing)
    # Translators: {problems} lists each field with what is wrong with it ("Amount: Type a number, …").
    return Msg("Some fields need correcting: {problems}", problems=listing)


def only_missing(fields: Mapping[str, str]) -> bool:
    """Every problem of the form (`form_errors`) is a value left out: the form is incomplete, nothing is wrong."""
    return all(message == _("Required.") for message in fields.values())


def _full_sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "。")) else text + "."


@dataclass
class PreparedUpload:
    """An upload checked and ready to send: the provider, where, the validated form, the checked file and the
    credentials."""

    provider: Provider
    environment: str
    base_url: str
    form: BaseModel
    attachment: CheckedAttachment | None
    file_url: str | None
    options: dict[str, Any]
    credentials: dict[str, str] = field(repr=False)
    # A retry: the attempt sent again. The run is a new attempt linked to it, continuing from its resume data.
    retry_of: int | None = None
    # The private copy of the file that `attachment` points at (see core/snapshots.py).
    snapshot: snapshots.Snapshot | None = None
    # The clerk confirmed sending again an attempt that may have arrived (see `resend_question`).
    resend_confirmed: bool = False

    def warnings(self, history: HistoryLookup) -> list[str]:
        """What the clerk should know before it is sent: the file's (e.g. an encrypted PDF), the provider's (the
        same target already uploaded, by anyone), the last upload to the target that may have arrived (a colleague's
        app stopped while sending it), then the same file already uploaded for another target."""
        about_file = list(self.attachment.warnings) if self.attachment else []
        provider = self.provider
        targets = provider.targets_of(self.form)
        unsettled = may_have_arrived_warnings(
            history, provider.id, provider.name, self.environment, targets, except_attempt=self.retry_of
        )
        sha256 = self.snapshot.sha256 if self.snapshot else None
        same_file = same_file_warnings(history, provider.id, self.environment, sha256, targets)
        return about_file + provider.warnings(self.form, history, self.environment) + unsettled + same_file


class UploadService:
    """Prepares, sends and records uploads. The front end that builds it hands in the outer parts the core never
    imports: the provider registry (to rebuild a Retry from the history) and the practice environment's factory."""

    def __init__(
        self,
        credentials: CredentialStore,
        history: History,
        *,
        providers: ProviderRegistry,
        practice: PracticeFactory,
        timeouts: Timeouts | None = None,
        open_browser: Callable[[str], object] | None = None,
    ) -> None:
        self.credentials = credentials
        self.history = history
        self.providers = providers
        self._practice_factory = practice
        self._practice: PracticeSandboxes | None = None
        self.timeouts = timeouts or Timeouts()
        self.open_browser = open_browser or _open_system_browser

    @property
    def practice(self) -> PracticeSandboxes:
        """The practice environment, built the first time it is needed (no server runs until then)."""
        if self._practice is None:
            self._practice = self._practice_factory()
        return self._practice

    def stop_practice(self) -> None:
        """Stop the practice environment's server, if one was started."""
        if self._practice is not None:
            self._practice.stop()

    # -- addresses and credentials -----------------------------------------------------------------------

    def base_url(self, provider: Provider, environment: str, override: str | None = None) -> str:
        if override:
            url = override.strip().rstrip("/")
        elif environment == PRACTICE:
            url = self.practice.base_url(provider)
        else:
            try:
                declared = provider.environment(environment).base_url
            except KeyError:
                raise FormInvalid(
                    Msg(
                        "{provider} has no “{environment}” environment.",
                        provider=provider.name,
                        environment=environment,
                    )
                ) from None
            if not declared:
                raise FormInvalid(
                    Msg("Enter the address (base URL) of your {provider} installation.", provider=provider.name),
                    {"base_url": _("Required.")},
                )
            url = declared
        try:
            check_url_allowed(url)
        except TransportError as exc:
            raise FormInvalid(exc.message, {"base_url": str(exc.message)}) from None
        return url

    def stored_credentials(self, provider: Provider, environment: str) -> dict[str, str]:
        """What the keyring (or this session) holds; practice credentials are filled in for the clerk."""
        names = [f.name for f in provider.credential_fields]
        values: dict[str, str] = {}
        if environment == PRACTICE:
            values.update(self.practice.demo_credentials(provider))
        values.update(self.credentials.get_all(provider.id, environment, names))
        for cred in provider.credential_fields:
            if cred.default and not values.get(cred.name):
                values[cred.name] = cred.default
        return values

    # -- prepare and run -----------------------------------------------------------------------------------

    def prepare(
        self,
        provider: Provider,
        environment: str,
        form_data: Mapping[str, Any] | BaseModel,
        *,
        file_path: str | Path | None = None,
        file_url: str | None = None,
        options: Mapping[str, Any] | None = None,
        base_url: str | None = None,
        credentials: Mapping[str, str] | None = None,
        snapshot_of: hist.Attempt | None = None,
    ) -> PreparedUpload:
        """Check everything before anything is sent. Raises AttachmentRefused, FormInvalid, CredentialsMissing.

        The file is copied privately now and the copy is what is checked and sent. `snapshot_of` (Retry): send the
        copy that earlier attempt sent instead, whatever became of the original file.
        """
        opts = dict(options or {})
        fmt = opts.setdefault("format", provider.formats[0])
        if fmt not in provider.formats:
            raise FormInvalid(
                Msg(
                    "{provider} answers in {first} or {second}, not “{format}”.",
                    provider=provider.name,
                    first=provider.formats[0],
                    second=provider.formats[1],
                    format=fmt,
                )
                if len(provider.formats) == 2
                else Msg(
                    "{provider} answers in {formats}, not “{format}”.",
                    provider=provider.name,
                    formats=", ".join(provider.formats),
                    format=fmt,
                )
            )
        from pydantic import BaseModel

        form = form_data if isinstance(form_data, BaseModel) else validate_form(provider, form_data)
        attachment, snapshot = self._attachment(provider, opts, file_path, snapshot_of)
        try:
            file_url = (file_url or "").strip() or None
            if file_url and not provider.accepts_file_url:
                raise FormInvalid(Msg("{provider} does not take a document URL.", provider=provider.name))
            provider.check(form, attachment, file_url, opts)
            creds = dict(credentials) if credentials is not None else self.stored_credentials(provider, environment)
            problems = provider.check_upload_credentials(creds)
            if problems:
                raise _credentials_missing(provider, environment, problems)
            url = self.base_url(provider, environment, base_url)
        except BaseException:
            if snapshot is not None and snapshot_of is None:  # refused: the fresh copy will never be sent
                snapshots.discard(snapshot.path)
            raise
        return PreparedUpload(provider, environment, url, form, attachment, file_url, opts, creds, snapshot=snapshot)

    @staticmethod
    def _attachment(
        provider: Provider,
        opts: dict[str, Any],
        file_path: str | Path | None,
        snapshot_of: hist.Attempt | None,
    ) -> tuple[CheckedAttachment | None, snapshots.Snapshot | None]:
        """The file to send, checked: a private snapshot taken now, or, for a Retry, the one the attempt sent."""
        if not (file_path is not None and str(file_path)):
            return None, None
        if provider.attachment is None or provider.attachment_mode == "none":
            raise FormInvalid(Msg("{provider} takes no file: the form is the whole request.", provider=provider.name))
        rules = provider.attachment
        if opts.get("max_bytes") and rules.limit_source == "app":
            rules = rules.with_max_bytes(int(opts["max_bytes"]))
        if snapshot_of is not None and snapshot_of.snapshot_path and snapshot_of.snapshot_sha256:
            return snapshots.reuse(snapshot_of.snapshot_path, snapshot_of.snapshot_sha256, snapshot_of.file_path, rules)
        # What is checked is what is sent: a private copy, taken now; the checks read the copy.
        return snapshots.take_and_check(file_path, rules)

    def discard(self, prepared: PreparedUpload) -> None:
        """A prepared upload that will not be sent (the clerk said no): remove its fresh snapshot."""
        if prepared.snapshot is not None and prepared.retry_of is None:
            snapshots.discard(prepared.snapshot.path)

    def run(
        self,
        prepared: PreparedUpload,
        *,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> UploadResult:
        provider = prepared.provider
        form_json = prepared.form.model_dump(mode="json", by_alias=True)
        try:
            attempt_id, resume = self._open_attempt(prepared, form_json)
        except HistoryBusy as exc:  # every attempt is recorded before it is sent: no record, no sending
            self.discard(prepared)
            raise HistoryBusy(Msg("{reason} Nothing was sent.", reason=exc.message)) from None
        except BeingSent as exc:  # the database gave a target to another upload: this one is not sent
            return self._not_sent(exc)

        creds = prepared.credentials
        redactor = Redactor(creds[f.name] for f in provider.credential_fields if f.secret and f.name in creds)

        unwritten: list[Exchange] = []  # exchanges the history could not take while they happened

        def record(exchange: Exchange) -> None:
            try:
                self.history.add_exchange(attempt_id, exchange)
            except HistoryBusy:
                # Another program holds the history. The exchange is already in the log file (the transport
                # logs every one); it is written with the outcome. Never fail a delivered upload over this.
                unwritten.append(exchange)
            if on_exchange:
                on_exchange(exchange)

        def save_credential(name: str, value: str) -> None:
            if _is_secret(provider, name):
                redactor.add(value)
            prepared.credentials[name] = value
            self.credentials.set(provider.id, prepared.environment, name, value)

        from .provider import UploadContext

        transport = Transport(redactor, self.timeouts, cancel, progress, record, attempt_id)
        ctx = UploadContext(
            environment=prepared.environment,
            base_url=prepared.base_url,
            credentials=prepared.credentials,
            form=prepared.form,
            attachment=prepared.attachment,
            file_url=prepared.file_url,
            options=prepared.options,
            transport=transport,
            attempt_id=attempt_id,
            history=self.history,
            resume=resume,
            save_credential=save_credential,
            open_browser=self.open_browser,
            resend_confirmed=prepared.resend_confirmed,
        )
        where = {"attempt": attempt_id, "provider": provider.name, "url": prepared.base_url}
        if prepared.retry_of is not None:
            log.info(
                N_("Attempt %(attempt)s: %(provider)s at %(url)s (%(environment)s), retrying attempt %(retry_of)s"),
                {**where, "environment": prepared.environment, "retry_of": prepared.retry_of},
            )
        else:
            log.info(
                N_("Attempt %(attempt)s: %(provider)s at %(url)s (%(environment)s)"),
                {**where, "environment": prepared.environment},
            )
        try:
            result = provider.perform(ctx)
        except Cancelled as exc:
            result = _cancelled(maybe_sent=exc.maybe_sent or bool(transport.exchanges))
        except ProviderBusy as exc:
            result = busy_result(provider.name, exc)
        except TransportError as exc:
            result = UploadResult(
                Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED,
                redactor.redact(exc.message),
                provider.where_to_check(prepared.form, ctx.resume)
                if exc.maybe_sent
                else Msg("Nothing reached the provider; try again."),
            )
        except InvoiceDesktopError as exc:
            result = UploadResult(Outcome.FAILED, redactor.redact(exc.message))
        except Exception as exc:  # a bug must not lose the attempt: record it and say so
            import traceback

            # The traceback's last line carries the exception's text, which may hold a secret.
            log.error(
                N_("Attempt %(attempt)s failed unexpectedly:\n%(details)s"),
                {"attempt": attempt_id, "details": redactor.redact(traceback.format_exc())},
            )
            result = UploadResult(
                Outcome.FAILED,
                Msg("The app ran into an unexpected problem."),
                Msg("{error} Details are in the log file.", error=redactor.redact(f"{type(exc).__name__}: {exc}")),
            )
        finally:
            transport.close()
        result.attempt_id = attempt_id
        try:
            result = _redact_result(result, redactor)  # a provider may echo a secret in its message
        except Exception:  # never leave the attempt "sending" because of how it is reported
            log.error(
                N_("Attempt %(attempt)s: the result could not be cleaned; keeping its title only"),
                {"attempt": attempt_id},
            )
            result = UploadResult(result.outcome, redactor.redact(result.title), attempt_id=attempt_id)
        state = {
            Outcome.SUCCEEDED: hist.SUCCEEDED,
            Outcome.REJECTED: hist.REJECTED,
            Outcome.FAILED: hist.FAILED,
            Outcome.UNCERTAIN: hist.UNCERTAIN,
            Outcome.CANCELLED: hist.CANCELLED,
        }[result.outcome]
        outcome: dict[str, Any] = {
            "state": state,
            "summary": result.title,
            "provider_code": result.provider_code,
            "provider_message": result.provider_message,
            "result": result.to_dict(),
            "exchanges": unwritten,
        }
        try:
            self.history.finish(attempt_id, **outcome)
        except HistoryBusy as exc:
            result = _kept_in_log(result, exc)  # the snapshot stays until the outcome is written
            self.history.finish_later(attempt_id, **outcome)
        else:
            if state == hist.SUCCEEDED and prepared.snapshot is not None:
                snapshots.discard(prepared.snapshot.path)  # settled: nothing will send it again
        _log_outcome(attempt_id, provider.name, result)
        return result

    def _not_sent(self, exc: BeingSent) -> UploadResult:
        """The outcome of an attempt that lost its target to another upload in progress, recorded as it is."""
        result = UploadResult(
            Outcome.FAILED,
            exc.title,
            exc.detail,
            data={"being_sent_by": exc.holder_clerk, "being_sent_as": exc.holder_id},
            attempt_id=exc.attempt_id,
        )
        try:
            self.history.finish(exc.attempt_id, state=hist.FAILED, summary=exc.title, result=result.to_dict())
        except HistoryBusy:  # recorded already as failed with this title; only the full outcome is missing
            log.warning(
                N_("Attempt %(attempt)s: could not record the full outcome of an upload not sent"),
                {"attempt": exc.attempt_id},
            )
        log.info(N_("Attempt %(attempt)s not sent: %(title)s"), {"attempt": exc.attempt_id, "title": exc.title})
        return result

    def _open_attempt(self, prepared: PreparedUpload, form_json: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Record a new attempt before anything is sent (a retry too: its own number, linked to the attempt it
        sends again); returns it with its resume data."""
        provider = prepared.provider
        snap = prepared.snapshot
        resume: dict[str, Any] = {}
        if prepared.retry_of is not None:
            # What the retried attempt got done (e.g. SkyPostal's step 1) carries over: continue, don't repeat.
            original = self.history.get(prepared.retry_of)
            resume = dict(original.resume) if original else {}
        new_id = self.history.create(
            provider=provider.id,
            environment=prepared.environment,
            base_url=prepared.base_url,
            form=form_json,
            options={
                **prepared.options,
                "file_url": prepared.file_url,
                "description": provider.describe(prepared.form),
            },
            file_path=snap.original if snap else prepared.attachment.path if prepared.attachment else None,
            file_size=prepared.attachment.size if prepared.attachment else None,
            snapshot_path=snap.path if snap else None,
            snapshot_sha256=snap.sha256 if snap else None,
            targets=provider.targets_of(prepared.form),
            retry_of=prepared.retry_of,
            resume=resume,
        )
        return new_id, resume

    def resend_question(self, attempt_id: int) -> Text | None:
        """What to ask before a Retry sends again an attempt that may have arrived (None: nothing to ask, because
        it did not arrive, or the provider makes sending again safe). The window asks it; the CLI wants --resend."""
        if self.history.get(attempt_id) is None:
            return None
        attempt = self.history.get(self.history.latest_retry(attempt_id))
        if attempt is None or not may_have_arrived(attempt):
            return None
        provider = self.providers.load(attempt.provider)
        if provider.resend_is_safe(attempt.resume):
            return None
        hint: Text
        try:
            form = validate_form(provider, attempt.form)
        except FormInvalid:
            hint = Msg("Check in {provider} whether it arrived.", provider=provider.name)
        else:
            hint = provider.where_to_check(form, attempt.resume)
        return Msg(
            "Attempt {attempt} may already have reached {provider}: {summary}. {where_to_check} Send it again only "
            "if it did not arrive.",
            attempt=attempt.id,
            provider=provider.name,
            summary=str(attempt.summary).rstrip("."),
            where_to_check=hint,
        )

    def prepare_retry(self, attempt_id: int, *, base_url: str | None = None) -> PreparedUpload:
        """Rebuild an earlier attempt from the history, checking the file again (it may have changed). Running it
        records a new attempt linked to this one: the history keeps both, as they happened."""
        if self.history.get(attempt_id) is None:
            raise InvoiceDesktopError(
                Msg("There is no upload attempt number {attempt} in the history.", attempt=attempt_id)
            )
        # Retried before: continue from the newest retry (it holds what got done since), never from a stale one.
        latest = self.history.latest_retry(attempt_id)
        attempt = self.history.get(latest)
        assert attempt is not None
        again = latest != attempt_id
        if attempt.state == hist.SUCCEEDED:
            raise InvoiceDesktopError(
                Msg(
                    "Attempt {attempt} already succeeded (it was sent again as attempt {latest}); there is nothing to "
                    "retry.",
                    attempt=attempt_id,
                    latest=latest,
                )
                if again
                else Msg("Attempt {attempt} already succeeded; there is nothing to retry.", attempt=attempt_id)
            )
        if attempt.state == hist.SENDING:
            raise InvoiceDesktopError(
                Msg(
                    "Attempt {attempt} is being sent right now (it was sent again as attempt {latest}); wait for its "
                    "outcome.",
                    attempt=attempt_id,
                    latest=latest,
                )
                if again
                else Msg("Attempt {attempt} is being sent right now; wait for its outcome.", attempt=attempt_id)
            )
        attempt_id = latest
        provider = self.providers.load(attempt.provider)
        options = {k: v for k, v in attempt.options.items() if k not in ("file_url", "description")}
        prepared = self.prepare(
            provider,
            attempt.environment,
            attempt.form,
            file_path=attempt.file_path,
            file_url=attempt.options.get("file_url"),
            options=options,
            base_url=base_url or (attempt.base_url if attempt.environment != PRACTICE else None),
            snapshot_of=attempt,
        )
        prepared.retry_of = attempt_id
        return prepared

    # -- reads and sign-in: exchanges that are not upload attempts ------------------------------------------

    def _request_context(
        self,
        provider: Provider,
        environment: str,
        *,
        base_url: str | None,
        options: Mapping[str, Any] | None,
        credentials: Mapping[str, str] | None,
        cancel: CancelToken | None,
        on_exchange: Callable[[Exchange], None] | None,
    ) -> RequestContext:
        creds = dict(credentials) if credentials is not None else self.stored_credentials(provider, environment)
        redactor = Redactor(creds[f.name] for f in provider.credential_fields if f.secret and f.name in creds)
        url = self.base_url(provider, environment, base_url)
        opts = dict(options or {})
        opts.setdefault("format", provider.formats[0])

        def save_credential(name: str, value: str) -> None:
            if _is_secret(provider, name):
                redactor.add(value)
            creds[name] = value
            self.credentials.set(provider.id, environment, name, value)

        from .provider import RequestContext

        transport = Transport(redactor, self.timeouts, cancel, None, on_exchange)
        return RequestContext(environment, url, creds, opts, transport, save_credential, self.open_browser)

    def load(
        self,
        provider: Provider,
        environment: str,
        key: Mapping[str, Any],
        *,
        base_url: str | None = None,
        options: Mapping[str, Any] | None = None,
        cancel: CancelToken | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> dict[str, Any] | None:
        """The provider's current values for what the form would change (None: nothing stored yet)."""
        if not provider.supports_load:
            raise InvoiceDesktopError(Msg("{provider} has nothing to load.", provider=provider.name))
        missing = [k for k in provider.load_key_fields if key.get(k) in (None, "")]
        if missing:
            raise FormInvalid(
                Msg("Enter {fields} first.", fields=", ".join(missing)), {k: _("Required.") for k in missing}
            )
        ctx = self._request_context(
            provider,
            environment,
            base_url=base_url,
            options=options,
            credentials=None,
            cancel=cancel,
            on_exchange=on_exchange,
        )
        problems = provider.check_credentials(ctx.credentials)
        if problems:
            raise _credentials_missing(provider, environment, problems)
        try:
            return provider.load(ctx, key)
        except InvoiceDesktopError as exc:
            raise _redacted_error(exc, ctx.transport.redactor) from None
        finally:
            ctx.transport.close()

    def sign_in(
        self,
        provider: Provider,
        environment: str,
        values: Mapping[str, str],
        *,
        base_url: str | None = None,
        credentials: Mapping[str, str] | None = None,
        cancel: CancelToken | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        open_browser: Callable[[str], object] | None = None,
    ) -> dict[str, str]:
        """Run the provider's sign-in and store what it returns (never what the clerk typed to sign in).
        `open_browser`: how this sign-in opens its address (the window's also shows it when no browser opens)."""
        if not provider.supports_sign_in:
            raise InvoiceDesktopError(Msg("{provider} has no sign-in.", provider=provider.name))
        ctx = self._request_context(
            provider,
            environment,
            base_url=base_url,
            options=None,
            credentials=credentials,
            cancel=cancel,
            on_exchange=on_exchange,
        )
        if open_browser is not None:
            ctx.open_browser = open_browser
        ctx.transport.redactor.add(*(values[f.name] for f in provider.sign_in_fields if f.secret and f.name in values))
        try:
            obtained = provider.sign_in(ctx, values)
        except InvoiceDesktopError as exc:
            raise _redacted_error(exc, ctx.transport.redactor) from None
        finally:
            ctx.transport.close()
        self.credentials.set_many(provider.id, environment, {k: v for k, v in obtained.items() if v})
        return obtained


def _credentials_missing(provider: Provider, environment: str, problems: Mapping[str, str]) -> CredentialsMissing:
    """What is missing and where to enter it, in the window (Credentials…) and on the command line: where the
    provider offers a sign-in (Shopwave's tokens), `credentials login` obtains them; `set` only stores typed ones."""
    params: dict[str, Any] = {
        "provider": provider.name,
        # The environment's name in the clerk's language ("Practice (this computer)"), not its id ("practice").
        "environment": Msg(ENVIRONMENT_LABELS[environment]) if environment in ENVIRONMENT_LABELS else environment,
        "problems": " ".join(problems.values()),
    }
    if provider.supports_sign_in:
        return CredentialsMissing(
            Msg(
                "{provider} credentials for {environment}: {problems} Enter them with Credentials… (on the command "
                "line: `invoice-desktop credentials login` to sign in, or `credentials set`).",
                **params,
            )
        )
    return CredentialsMissing(
        Msg(
            "{provider} credentials for {environment}: {problems} Enter them with Credentials… (or "
            "`invoice-desktop credentials set`).",
            **params,
        )
    )


def redact_values(value: Any, redactor: Redactor) -> Any:
    """`value` with secrets hidden in its strings only: keys, numbers and structure are left as they are (a
    secret such as "200" must not rewrite a status code, nor "data" a key)."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, dict):
        return {k: redact_values(v, redactor) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_values(v, redactor) for v in value]
    return value


def _redact_result(result: UploadResult, redactor: Redactor) -> UploadResult:
    """The result with every known secret hidden, as the clerk, the history and the log file see it."""
    data = result.to_dict()
    clean = redact_values(data, redactor)
    return result if clean == data else UploadResult.from_dict(clean)


def _cancelled(*, maybe_sent: bool) -> UploadResult:
    """Cancel (the window's button, Ctrl-C, SIGTERM): "nothing was sent" only when no byte left; once any part of
    a request had gone, the provider may have it (a multi-step upload may have finished a step)."""
    if not maybe_sent:
        return UploadResult(Outcome.CANCELLED, Msg("Upload cancelled."), Msg("Nothing was sent."))
    return UploadResult(
        Outcome.CANCELLED,
        Msg("Cancelled: the upload may have arrived."),
        Msg("Part or all of it had left when it was cancelled. Check with the provider before sending it again."),
        data={"may_have_arrived": True},
    )


def may_have_arrived(attempt: hist.Attempt) -> bool:
    """An attempt whose request left without a usable answer: uncertain, interrupted, or cancelled mid-way."""
    if attempt.state in (hist.UNCERTAIN, hist.INTERRUPTED):
        return True
    return attempt.state == hist.CANCELLED and bool(attempt.result.get("data", {}).get("may_have_arrived"))


# The line that ends an attempt in the log, one whole sentence per outcome (translated in the Log pane).
OUTCOME_LINES = {
    Outcome.SUCCEEDED: N_("Attempt %(attempt)s succeeded: %(title)s"),
    Outcome.REJECTED: N_("Attempt %(attempt)s was rejected: %(title)s"),
    Outcome.FAILED: N_("Attempt %(attempt)s failed: %(title)s"),
    Outcome.UNCERTAIN: N_("Attempt %(attempt)s may have arrived: %(title)s"),
    Outcome.CANCELLED: N_("Attempt %(attempt)s was cancelled: %(title)s"),
}
# What the provider said, added to the outcome line when it said something.
OUTCOME_LINES_SAID = {
    Outcome.SUCCEEDED: N_("Attempt %(attempt)s succeeded: %(title)s [%(provider)s said: %(code)s %(message)s]"),
    Outcome.REJECTED: N_("Attempt %(attempt)s was rejected: %(title)s [%(provider)s said: %(code)s %(message)s]"),
    Outcome.FAILED: N_("Attempt %(attempt)s failed: %(title)s [%(provider)s said: %(code)s %(message)s]"),
    Outcome.UNCERTAIN: N_("Attempt %(attempt)s may have arrived: %(title)s [%(provider)s said: %(code)s %(message)s]"),
    Outcome.CANCELLED: N_("Attempt %(attempt)s was cancelled: %(title)s [%(provider)s said: %(code)s %(message)s]"),
}


def _log_outcome(attempt_id: int, provider_name: str, result: UploadResult) -> None:
    values: dict[str, Any] = {"attempt": attempt_id, "title": result.title}
    if result.provider_code or result.provider_message:
        values.update(provider=provider_name, code=result.provider_code or "-", message=result.provider_message or "")
        log.info(OUTCOME_LINES_SAID[result.outcome], values)
    else:
        log.info(OUTCOME_LINES[result.outcome], values)


def _kept_in_log(result: UploadResult, exc: HistoryBusy) -> UploadResult:
    """The outcome could not be written to the history: keep it whole in the log file and say so plainly.

    The outcome itself stays what the provider said: a delivered invoice is still delivered.
    """
    import json

    from .logs import log_file

    log.error(
        N_(
            "Attempt %(attempt)s: the outcome could not be written to the history (%(error)s)."
            " The outcome, kept here instead: %(outcome)s"
        ),
        {
            "attempt": result.attempt_id,
            "error": exc.message,
            "outcome": json.dumps(result.to_dict(), ensure_ascii=False, default=str),
        },
    )
    where = log_file()
    # The shared history's server says where it keeps the outcome meanwhile (core/history_shared.py).
    note = getattr(exc, "kept_note", None) or (
        Msg(
            "This outcome could not be written to the upload history yet: another program has kept it locked. The "
            "app writes it as soon as the lock is gone, while it runs; the provider's answer is also kept in the log "
            "file ({path}).",
            path=where,
        )
        if where
        else Msg(
            "This outcome could not be written to the upload history yet: another program has kept it locked. The "
            "app writes it as soon as the lock is gone, while it runs; the provider's answer is also kept in the "
            "app's log."
        )
    )
    result.detail = Msg("{detail} {note}", detail=result.detail, note=note) if result.detail else note
    return result


def _is_secret(provider: Provider, name: str) -> bool:
    """Obtained values are hidden in the log unless declared not secret (a token's expiry date, say)."""
    declared = next((f for f in provider.credential_fields if f.name == name), None)
    return declared is None or declared.secret


def _redacted_error(exc: InvoiceDesktopError, redactor: Redactor) -> InvoiceDesktopError:
    """The same error with any secret a server echoed into its message hidden (the same type, so callers can
    still tell a Cancelled or FormInvalid apart)."""
    clean = redactor.redact(exc.message)
    if clean != exc.message:
        exc.message = clean
        exc.args = (clean, *exc.args[1:])
    return exc


def _open_system_browser(url: str) -> bool:
    """False when no browser could be opened (none installed, no desktop session)."""
    import webbrowser

    return webbrowser.open(url)
