"""What happens when the clerk acts: check a file, upload, cancel, retry, load, sign in.

Every core call runs on the task runner (off the UI thread); the window only shows outcomes. The flow talks to the
window through `UploadWindow`, the few things it needs of it (the page on screen, the services, places to show
what happened), so the upload logic runs, and is tested, without a MainWindow.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.attachments import AttachmentRefused, CheckedAttachment, check_attachment
from ..core.errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from ..core.i18n import N_, _
from ..core.results import UploadResult
from ..core.retry_refusal import refusal_to_confirm
from .history_wait import UploadWaitNotice
from .tasks import Task, TaskRunner

if TYPE_CHECKING:
    from ..core.credentials import KeyringStatus
    from ..core.exchange import Exchange
    from ..core.provider import Provider
    from ..core.services import Services
    from ..core.upload import PreparedUpload
    from .outcome_panel import OutcomePanel
    from .provider_page import ProviderPage

log = logging.getLogger("invoice_desktop.ui")


def plain_error(exc: BaseException) -> str:
    """What went wrong, in the clerk's language (the core's messages may be kept sentences: rendered now)."""
    if isinstance(exc, AttachmentRefused):
        return str(exc.message)
    if isinstance(exc, InvoiceDesktopError):
        return str(exc.message)
    return _("Unexpected problem: {error}").format(error=f"{type(exc).__name__}: {exc}")


_frozen = False


def _freeze_what_the_window_made() -> None:
    """Once, before the first provider import: the import makes tens of thousands of objects, enough to start a
    full garbage collection on its worker, which went through every object the window had made so far (80-230 ms
    holding Python's GIL: the clerk's first keystrokes froze). Frozen (gc.freeze), those are skipped; only what came
    since is looked through. Frozen objects are never collected: the window's own live until the app ends anyway."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


class UploadWindow(Protocol):
    """What the upload flow needs of the window it serves (MainWindow is one; a test brings a small stand-in)."""

    @property
    def services(self) -> Services: ...

    @property
    def runner(self) -> TaskRunner: ...

    @property
    def outcome(self) -> OutcomePanel:
        """Where the result of an upload, or why nothing was sent, is shown."""
        ...

    @property
    def page(self) -> ProviderPage:
        """The provider's page on screen: its form, its file."""
        ...

    @property
    def provider(self) -> Provider: ...

    @property
    def environment(self) -> str: ...

    def base_url_override(self) -> str | None:
        """The address the clerk typed for this provider and environment; None: the declared one (or practice)."""
        ...

    def confirm_production(self, provider: Provider, environment: str) -> bool:
        """True to go ahead (the first send to a provider's Production in a session asks first)."""
        ...

    def ask(self, title: str, question: str) -> bool:
        """A Yes/No question whose default is No; True when the clerk answered Yes."""
        ...

    def dialog_parent(self) -> QWidget | None:
        """The widget a dialog the flow opens (a file chooser, the credentials) belongs to."""
        ...

    def set_busy(self, busy: bool, activity: str = "") -> None:
        """An upload (its checks, its confirmation, its sending) started or ended: what can be pressed meanwhile,
        and the words that say what is happening."""
        ...

    def set_activity(self, text: str) -> None: ...

    def show_progress(self, percent: int) -> None: ...

    def say(self, text: str, timeout_ms: int) -> None:
        """A passing message (the status bar)."""
        ...

    def refresh_history(self, select: int | None = None) -> None:
        """Show the history again; `select`: the attempt just made."""
        ...

    def show_exchanges(self, exchanges: list[Exchange], title: str) -> None:
        """Show an attempt's requests and answers (the log)."""
        ...

    def show_keyring_status(self, status: KeyringStatus) -> None: ...

    def show_practice_hint(self, hint: str) -> None:
        """What to try in the practice sandbox, beside the form."""
        ...


class UploadFlow(QObject):
    def __init__(self, window: UploadWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.w = window
        self.upload_task: Task | None = None
        # True from the moment an upload or retry starts (checks, confirmation) until its outcome is shown: a
        # second Ctrl+Enter or Retry click meanwhile must not start a second send.
        self.active = False
        # Each file check has a number; only the latest one's outcome is shown (a slow check of an earlier file,
        # on a network share say, must not overwrite it).
        self._check_serial = 0
        self._warmed_up = False  # the HTTP stack: imported at the first sign of an upload (prepare_for_upload)
        # What waits for a page's provider module (and pydantic) being imported on a worker (with_provider).
        self._waiting_for_provider: dict[ProviderPage, list[Callable[[Provider], None]]] = {}
        self._history_waits = UploadWaitNotice(window.say, self)  # says when recording waits for another program

    @property
    def services(self) -> Services:
        return self.w.services

    @property
    def uploading(self) -> bool:
        return self.upload_task is not None and self.upload_task.running

    # -- the file ------------------------------------------------------------------------------------------

    def check_file(self, path: str) -> None:
        page = self.w.page
        zone = page.drop_zone
        if zone is None or zone.rules is None:
            said = _("{provider} takes no file: the form is the whole request.").format(provider=page.info.name)
            self.w.outcome.show_message(said)
            return
        zone.show_checking(path)
        rules = zone.rules
        self._check_serial += 1
        serial = self._check_serial

        def accepted(checked: CheckedAttachment) -> None:
            if serial == self._check_serial:
                zone.show_accepted(str(checked.path), checked.size, checked.upload_name, checked.warnings)

        def refused(exc: BaseException) -> None:
            if serial == self._check_serial:
                zone.refuse_new(plain_error(exc), Path(path).name)

        def check(_task: Task) -> Any:
            # A file dropped after this one while it waited for its turn: its answer would be dropped unread, so it
            # is not checked at all (a hundred files dropped in a row kept the workers, and Python's GIL, busy).
            if serial != self._check_serial:
                return None
            return check_attachment(path, rules)

        self.w.runner.submit("check-file", check, accepted, refused, lane="file-check")

    def drop_without_file(self, event: QEvent) -> None:
        """A file dragged onto a provider that takes none (Shopwave): said once, as it arrives; nothing changes."""
        if isinstance(event, QDragEnterEvent):
            self.w.outcome.show_message(
                _("{provider} takes no file: the form is the whole request.").format(provider=self.w.page.info.name),
                detail=_("Nothing was attached. Fill in the form instead."),
            )
        if isinstance(event, QDropEvent):  # QDragMoveEvent is one too: the drop itself is refused
            event.setDropAction(QtCore.Qt.DropAction.IgnoreAction)
            event.accept()  # taken with no action, so nothing is copied and the message stays

    # -- uploading -------------------------------------------------------------------------------------------

    # -- the provider's module, imported off the UI thread ------------------------------------------------

    def with_provider(self, page: ProviderPage, then: Callable[[Provider], None] | None = None) -> None:
        """Call `then` with the page's provider once its module (with its pydantic form model) is imported: on a
        worker, the first time, so the window never waits for it. The page is shown from its description; its model
        arrives with the provider (the clerk's first edit, or the file, asks for it), and the errors of what was
        typed meanwhile show then. Without `then`: only import it."""
        provider = page.loaded_provider()
        if provider is not None:
            if page.form.model is None:
                page.form.set_model(provider.form_model)
            if then is not None:
                then(provider)
            return
        waiting = self._waiting_for_provider.get(page)
        if waiting is not None:  # already on its way
            if then is not None:
                waiting.append(then)
            return
        self._waiting_for_provider[page] = [then] if then is not None else []
        _freeze_what_the_window_made()

        def loaded(provider: Provider) -> None:
            page.form.set_model(provider.form_model)
            for waiter in self._waiting_for_provider.pop(page, []):
                waiter(provider)

        def failed(exc: BaseException) -> None:
            waited = self._waiting_for_provider.pop(page, [])
            log.error(N_("Upload could not start: %(error)s"), {"error": plain_error(exc)})
            if waited:  # the clerk pressed something that needs it: say why nothing happens
                self._busy(False)
                self.w.outcome.show_message(plain_error(exc), detail=_("Nothing was sent."))

        self.w.runner.submit("provider", lambda _t: page.load_provider(), loaded, failed)

    # -- uploading -------------------------------------------------------------------------------------------

    def upload(self) -> None:
        if self.active:
            return
        page = self.w.page
        if page.loaded_provider() is None or page.form.model is None:
            # Its module and pydantic are imported first, off the UI thread; then the upload goes on as usual. (Its
            # module may be imported already while the report that gives the page its form model is still on its
            # way from the worker: with_provider hands it over at once then.)
            self._busy(True, _("Checking…"))
            self.with_provider(page, lambda _provider: self._upload_when_ready())
            return
        self._upload_now()

    def _upload_when_ready(self) -> None:
        self._busy(False)
        self.upload()

    def _upload_now(self) -> None:
        w, page, provider, environment = self.w, self.w.page, self.w.provider, self.w.environment
        model, errors = page.form.validate()
        page.form.reveal_all_errors()
        if model is None:
            from ..core.upload import only_missing  # loaded already: the form's validation (form_view) uses it

            w.outcome.show_message(
                # A value typed wrong is no gap to fill: "not complete" only when values are missing.
                _("The form is not complete.") if only_missing(errors) else _("Some fields need correcting."),
                detail=_("Correct the fields marked in red, then press Upload again. Nothing was sent."),
            )
            page.form.focus_first_error(errors)
            return
        if page.drop_zone is not None and page.drop_zone.state == "reject":
            w.outcome.show_message(
                _("The file can't be used."), detail=_("Drop another file or remove it. Nothing was sent.")
            )
            return
        if page.drop_zone is not None and page.drop_zone.state == "checking":
            w.outcome.show_message(
                _("The file is still being checked."), detail=_("Press Upload again in a moment. Nothing was sent.")
            )
            return
        file_path, file_url, options = page.file_path, page.document_url, page.options()
        base_url = w.base_url_override()
        w.outcome.clear()
        self._busy(True, _("Checking…"))

        def prepare(_task: Task) -> tuple[PreparedUpload, list[str]]:
            prepared = self.services.uploads.prepare(
                provider, environment, model, file_path=file_path, file_url=file_url, options=options, base_url=base_url
            )
            warnings = prepared.warnings(self.services.history)
            return prepared, warnings

        self.w.runner.submit("prepare", prepare, self._confirm_and_send, self._refused)

    def _refused(self, exc: BaseException) -> None:
        self._busy(False)
        page = self.w.page
        if isinstance(exc, AttachmentRefused) and page.drop_zone is not None:
            page.drop_zone.show_refused(str(exc.message))
            detail = f"{exc.message} {_('Nothing was sent.')}"
            self.w.outcome.show_message(_("The file can't be used."), detail=detail)
        elif isinstance(exc, CredentialsMissing):
            self.w.outcome.show_message(_("Credentials are needed."), detail=str(exc.message))
        elif isinstance(exc, FormInvalid):
            page.form.show_errors(exc.fields)
            self.w.outcome.show_message(str(exc.message), detail=_("Nothing was sent."))
        else:
            log.error(N_("Upload could not start: %(error)s"), {"error": plain_error(exc)})
            self.w.outcome.show_message(plain_error(exc), detail=_("Nothing was sent."))

    def _confirm_and_send(
        self, prepared_and_warnings: tuple[PreparedUpload, list[str]], attempt_id: int | None = None
    ) -> None:
        prepared, warnings = prepared_and_warnings
        if not self.w.confirm_production(prepared.provider, prepared.environment):
            self._busy(False)  # the clerk chose not to send: nothing happened, nothing to report
            self.w.say(_("Not sent."), 5000)
            return
        lines = [str(warning) for warning in warnings]  # kept sentences (Msg) render in the current language
        changes = self.w.page.changes() if attempt_id is None else []  # a retry sends what was stored, not the page
        if changes:
            # In the form's words: "Reverse VAT: off → on", not the API's "ReverseTax: False → True".
            listed = "\n".join(
                # TRANSLATORS: one change before sending, e.g. "• Reverse VAT: off → on".
                _("• {field}: {before} → {after}").format(
                    field=self.w.page.form.label_of(k), before=_shown(before), after=_shown(after)
                )
                for k, before, after in changes
            )
            lines.append(_("You are changing:\n{changes}").format(changes=listed))
        elif self.w.page.loaded is not None and attempt_id is None:
            lines.append(_("Nothing was changed from the loaded values; they will be sent as they are."))
        if lines and not self.w.ask(_("Please confirm"), "\n\n".join(lines) + "\n\n" + _("Send it?")):
            self.services.uploads.discard(prepared)  # its private copy of the file will not be sent
            self._busy(False)  # the clerk chose not to send: nothing happened, nothing to report
            self.w.say(_("Not sent."), 5000)
            return
        self._send(prepared)

    def _send(self, prepared: PreparedUpload) -> None:
        self._busy(True, _("Sending to {provider}…").format(provider=prepared.provider.name))
        # The page whose file goes out (a retry sends the history's file, not the page's).
        page = self.w.page if prepared.retry_of is None else None

        def work(task: Task) -> UploadResult:
            return self.services.uploads.run(prepared, progress=task.report_progress, cancel=task.cancel_token)

        def done(result: UploadResult) -> None:
            self._done(result)
            if result.ok and page is not None:
                # Sent: the next invoice must not go out with this one's document. The form stays as it is.
                page.clear_document()

        self.upload_task = self.w.runner.submit("upload", work, done, self._crashed, self._progress)

    def _progress(self, sent: int, total: int) -> None:
        self.w.show_progress(int(sent * 100 / total) if total else 0)
        if sent >= total:
            self.w.set_activity(_("Sent; waiting for the provider's answer…"))

    def _done(self, result: UploadResult) -> None:
        self.upload_task = None
        self._busy(False)
        self.w.outcome.show_result(result)
        self.refresh_history(select=result.attempt_id)

    def _crashed(self, exc: BaseException) -> None:
        self.upload_task = None
        self._busy(False)
        self.w.outcome.show_message(plain_error(exc))
        self.refresh_history()

    def cancel(self) -> None:
        if self.uploading and self.upload_task is not None:
            self.upload_task.cancel()
            self.w.set_activity(_("Cancelling…"))

    def _busy(self, busy: bool, text: str = "") -> None:
        self.active = busy
        self.w.set_busy(busy, text)
        self._history_waits.follow(busy)

    def retry(self, attempt_id: int) -> None:
        if self.active:
            return
        self._busy(True, _("Preparing attempt #{id} again…").format(id=attempt_id))
        self.w.outcome.clear()

        def prepare(_task: Task) -> tuple[PreparedUpload, list[str]]:
            prepared = self.services.uploads.prepare_retry(attempt_id)
            warnings = prepared.warnings(self.services.history)
            # It may have arrived: ask first (the confirmation below sends only after Yes).
            question = self.services.uploads.resend_question(attempt_id)
            if question:
                warnings.insert(0, str(question))
                prepared.resend_confirmed = True
            # A refusal is asked about first, in the provider's words (any warning makes the window ask).
            refusal = refusal_to_confirm(self.services.history, self.services.uploads.providers, attempt_id)
            return prepared, ([refusal] if refusal else []) + warnings

        self.w.runner.submit(
            "prepare-retry",
            prepare,
            lambda ready: self._confirm_and_send(ready, attempt_id),
            self._refused,
        )

    # -- history, keyring, credentials -------------------------------------------------------------------

    def refresh_history(self, select: int | None = None) -> None:
        """Show the history again; `select`: the attempt just made, shown selected."""
        self.w.refresh_history(select=select)

    def show_attempt(self, attempt_id: int) -> None:
        def work(_t: Task) -> tuple[str, list[Exchange]]:
            attempt = self.services.history.get(attempt_id)
            # TRANSLATORS: the Log's heading row above an earlier attempt's exchanges.
            title = _("— attempt #{id}: {summary}").format(id=attempt_id, summary=attempt.summary if attempt else "")
            return title, self.services.history.exchanges(attempt_id)

        self.w.runner.submit("attempt", work, lambda shown: self.w.show_exchanges(shown[1], shown[0]))

    def read_keyring_status(self) -> None:
        self.w.runner.submit(
            "keyring-status", lambda _t: self.services.credentials.status(), self.w.show_keyring_status
        )

    def prepare_for_upload(self, *_args: object) -> None:
        """Import the HTTP stack on a worker now, while the clerk fills in the form: imported by the first upload
        instead, it held Python's import lock for 40-60 ms while the window needed it (a visible stall). Once."""
        if self._warmed_up:
            return
        self._warmed_up = True

        def warm_up(_t: Task) -> None:
            import requests.adapters  # noqa: F401
            import requests_toolbelt  # noqa: F401
            import truststore  # noqa: F401

            from ..core import transport  # noqa: F401

        self.w.runner.submit("warm-up", warm_up)

    def show_practice_hint(self, page: ProviderPage) -> None:
        """Show what to try in the page's practice sandbox. Read from the page's description (off the UI thread: the
        sample folder is looked for on disk): neither the provider's module nor the sandbox is imported for it, and
        the practice server is started by the first upload, not by the hint."""
        info, description = page.info, page.description
        takes_batches = description.takes_batches and info.attachment_mode != "none"

        def hint(_task: Task) -> str:
            return self.services.uploads.practice.hint_for(info.id, description.practice_hint, takes_batches)

        def shown(hint: str) -> None:
            if self.w.page is page and self.w.environment == "practice" and hint:
                self.w.show_practice_hint(hint)

        self.w.runner.submit("practice", hint, shown)

    def open_credentials(self) -> None:
        page, environment = self.w.page, self.w.environment
        self.with_provider(page, lambda provider: self._open_credentials(provider, environment))

    def _open_credentials(self, provider: Provider, environment: str) -> None:
        from .credentials_dialog import CredentialsDialog

        dialog = CredentialsDialog(
            provider,
            environment,
            self.services,
            self.w.runner,
            base_url=self.w.base_url_override(),
            parent=self.w.dialog_parent(),
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click: don't let them pile up
        dialog.saved.connect(lambda status: self.w.say(_("Credentials saved. {status}").format(status=status), 8000))
        dialog.open()

    def load_current(self) -> None:
        page, environment = self.w.page, self.w.environment
        key = page.load_key()
        page.load_status.setText(_("Loading…"))
        if page.load_button is not None:
            page.load_button.setEnabled(False)
        options, base_url = page.options(), self.w.base_url_override()
        self.with_provider(page, lambda provider: self._load(page, provider, environment, key, options, base_url))

    def _load(
        self,
        page: ProviderPage,
        provider: Provider,
        environment: str,
        key: dict[str, Any],
        options: dict[str, Any],
        base_url: str | None,
    ) -> None:

        def done(loaded: dict[str, Any] | None) -> None:
            if page.load_button is not None:
                page.load_button.setEnabled(True)
            page.apply_loaded(key, loaded)

        def failed(exc: BaseException) -> None:
            if page.load_button is not None:
                page.load_button.setEnabled(True)
            if isinstance(exc, FormInvalid):
                page.form.reveal_all_errors()
            page.load_failed(plain_error(exc))

        self.w.runner.submit(
            "load",
            lambda task: self.services.uploads.load(
                provider, environment, key, base_url=base_url, options=options, cancel=task.cancel_token
            ),
            done,
            failed,
        )

    # -- forms as JSON files ----------------------------------------------------------------------------------

    def load_form_json(self) -> None:
        parent = self.w.dialog_parent()
        path, _filter = QFileDialog.getOpenFileName(parent, _("Load form from JSON"), "", _("JSON files (*.json)"))
        if path:
            self.fill_form_from_json(path)

    def fill_form_from_json(self, path: str) -> None:
        page = self.w.page
        self.with_provider(page, lambda provider: self._fill_form(page, provider, path))

    def _fill_form(self, page: ProviderPage, provider: Provider, path: str) -> None:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
            model = provider.form_model.model_validate(data)
            page.form.set_values(model.model_dump(mode="json", by_alias=True, exclude_none=True))
            self.w.outcome.clear()
        except (OSError, ValueError) as exc:
            # Show what could be read, and why the rest could not.
            if isinstance(data := locals().get("data"), dict):
                page.form.set_values(data)
                page.form.reveal_all_errors()
            self.w.outcome.show_message(_("That JSON file does not fit this form."), detail=str(exc)[:600])

    def save_form_json(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.w.dialog_parent(), _("Save form as JSON"), "invoice.json", _("JSON files (*.json)")
        )
        if not path:
            return
        text = json.dumps(self.w.page.form.values(), indent=2, ensure_ascii=False)

        def saved(_result: object) -> None:
            self.w.say(_("Saved the form to {path}.").format(path=path), 8000)

        def failed(exc: BaseException) -> None:
            detail = _("{error} Choose another folder.").format(error=exc)
            self.w.outcome.show_message(_("The form could not be saved."), detail=detail)

        self.w.runner.submit("save-json", lambda _t: Path(path).write_text(text, encoding="utf-8"), saved, failed)

    # -- closing ---------------------------------------------------------------------------------------------

    def confirm_quit_during_upload(self) -> bool:
        return self.w.ask(
            _("An upload is in progress"),
            _(
                "An upload is still in progress. Cancel it and quit?\n\nIf the file was already sent, the provider "
                "may have received it: the History will say so next time."
            ),
        )

    def shutdown(self) -> None:
        if not self.w.runner.shutdown(timeout=3.0):
            log.warning(N_("Closing while a request is still waiting for its answer; it is recorded as interrupted."))


def _shown(value: Any) -> str:
    if value is None:
        # TRANSLATORS: a field's value before/after a change when nothing was filled in.
        return _("(empty)")
    if isinstance(value, bool):
        # TRANSLATORS: a yes/no field's value in the list of changes before sending ("Reverse VAT: off → on").
        return _("on") if value else _("off")
    return str(value)
