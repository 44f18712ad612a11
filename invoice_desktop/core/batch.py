"""Batches: many documents at once, each row filled from its document, kept in an outbox before anything is sent.

How a front end drives it (the window on a worker thread, the CLI on its own; every method blocks and none may run
on the UI thread except the quick ones marked so):

    batches = BatchService(services.uploads)
    batch = batches.create("payfabric", "practice", paths, sheet=..., name_pattern=..., progress=...)
        # folders expanded, files checked and copied privately, rows filled and validated, duplicates flagged;
        # written to the outbox before it returns. `plan` does the same without writing (the CLI's --dry-run;
        # then `discard_plan`). Raises BatchInputError for bad input (unknown provider, no files, bad sheet or
        # pattern): nothing is kept.
    row.status / row.message / row.values[field].source / row.guessed / row.field_problems  → the table's cells
    batches.set_value(batch, row, "InvoiceId", "INV-9")   # the clerk edits a cell (source "typed"); quick
    batches.confirm(batch, row, "InvoiceId")              # a guess confirmed; quick
    batches.send_anyway(batch, row, True)                 # tick a row that was already sent; quick
    report = batches.send(batch, on_row=..., on_progress=..., cancel=token)   # Upload all: ready rows, one at a time
    report = batches.retry_failed(batch, resend={row.id, ...})  # failed/rejected rows; uncertain ones only when
        # the clerk answered `batches.resend_question(row)` with "it did not arrive" (their ids in `resend`)
    batches.export_csv(batch, path); batches.close(batch)
    batches.summaries() / batches.open(batch_id)          # resume later; after a crash, rows are reconciled with
        # the attempts they became: sent rows done, the rest pending, "may have arrived" ones asked about.

`on_row(row)` is called on the sending thread whenever a row's status changes, `on_progress(row, sent, total)` as
its bytes go; a window forwards both with queued signals. The `Batch` object is shared with the sending thread:
edit cells (set_value, confirm, send_anyway) only while no `send` runs on it, and read rows for display from the
`on_row` notifications (or after the send returns).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from . import batch_checks, snapshots
from . import history as hist
from .attachments import AttachmentRefused
from .batch_build import Sources, build_rows, expand, pair
from .batch_patterns import remember_pattern, remembered_pattern
from .cancel import CancelToken
from .documents.facts import Source
from .errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from .i18n import Msg, _
from .outbox import (
    DUPLICATE,
    FAILED,
    INVALID,
    READY,
    REFUSED,
    REJECTED,
    RETRYABLE,
    SENDING,
    SUCCEEDED,
    UNCERTAIN,
    Batch,
    BatchRow,
    BatchSummary,
    Cell,
    Outbox,
    jsonable,
)
from .provider import Provider
from .registry import ProviderRegistry
from .results import Outcome, UploadResult
from .stored_text import Text
from .upload import UploadService

log = logging.getLogger("invoice_desktop.batch")


class BatchInputError(InvoiceDesktopError):
    """The batch as asked for cannot be made (nothing is kept, nothing sent)."""


@dataclass
class SendReport:
    sent: int = 0  # rows that became an attempt in this run
    cancelled: bool = False
    stopped: Text = ""  # why sending stopped early (credentials missing…), if it did

    def __bool__(self) -> bool:
        return not self.cancelled and not self.stopped


class BatchService:
    def __init__(self, uploads: UploadService) -> None:
        self.uploads = uploads
        self.history = uploads.history
        self.outbox = Outbox(uploads.history)

    # -- making a batch -----------------------------------------------------------------------------------

    def plan(
        self,
        provider_id: str,
        environment: str,
        paths: Iterable[str | Path],
        *,
        sheet: str | Path | None = None,
        name_pattern: str | None = None,
        templates_dir: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Batch:
        """The batch's rows, filled, checked and flagged, not yet written (see `save`)."""
        provider = _batch_provider(self.uploads.providers, provider_id)
        if name_pattern is None:  # set once per provider, remembered: "" forgets it
            name_pattern = remembered_pattern(provider.id)
        files, missing = expand(paths)
        if missing:
            raise BatchInputError(
                Msg("Not found: {paths}. Check the path(s); nothing was sent.", paths=", ".join(missing))
            )
        if not files:
            raise BatchInputError(Msg("No files to send: the folder(s) given are empty."))
        sources, found_problems = self._sources(provider, sheet, name_pattern, templates_dir)
        problems: list[Text] = list(found_problems)
        found = pair(files)
        if sources.sheet is not None:
            for name in sources.sheet.files_not_found({f.document.name for f in found if f.document}):
                number = sources.sheet.row_numbers[name]
                problems.append(
                    Msg(
                        "{sheet}, row {row}: “{file}” is not among the files of this batch.",
                        sheet=sources.sheet.path.name,
                        row=number,
                        file=name,
                    )
                )
        rows = build_rows(
            provider, found, sources, progress=progress, cancelled=lambda: bool(cancel and cancel.cancelled)
        )
        if cancel is not None and cancel.cancelled:
            raise BatchInputError(Msg("Cancelled: no batch was made."))
        if (
            name_pattern
            and not any(c.source == Source.FILE_NAME for r in rows for c in r.values.values())
            and any(r.snapshot_path for r in rows)
        ):
            problems.append(Msg("The file-name pattern “{pattern}” matches none of the files.", pattern=name_pattern))
        settings = {"sheet": str(sheet) if sheet else None, "name_pattern": name_pattern}
        batch = Batch(provider.id, environment, rows, problems, settings)
        self.check(batch)
        return batch

    def save(self, batch: Batch) -> Batch:
        """Write the batch and its rows to the outbox (in one transaction); its file-name pattern is remembered
        for the provider's next batch."""
        self.outbox.insert(batch)
        remember_pattern(batch.provider, batch.settings.get("name_pattern") or "")
        return batch

    def create(self, provider_id: str, environment: str, paths: Iterable[str | Path], **options: Any) -> Batch:
        batch = self.plan(provider_id, environment, paths, **options)
        try:
            return self.save(batch)
        except BaseException:
            self.discard_plan(batch)
            raise

    def discard_plan(self, batch: Batch) -> None:
        """A planned batch that will not be kept (a dry run): its snapshots go."""
        if batch.id is None:
            for row in batch.rows:
                snapshots.discard(row.snapshot_path)

    def _sources(
        self, provider: Provider, sheet: str | Path | None, pattern: str | None, templates_dir: str | Path | None
    ) -> tuple[Sources, list[Text]]:
        from .documents.names import compile_pattern
        from .documents.pdf_text import load_templates
        from .documents.sheet import read_sheet

        problems: list[Text] = []
        sources = Sources()
        if sheet:
            fields = {name: info.title or name for name, info in provider.form_model.model_fields.items()}
            try:
                sources.sheet = read_sheet(Path(sheet), fields)
            except OSError as exc:
                raise BatchInputError(
                    Msg(
                        "The sheet {sheet} cannot be read: {reason}.", sheet=str(sheet), reason=exc.strerror or str(exc)
                    )
                ) from None
            except InvoiceDesktopError as exc:
                raise BatchInputError(exc.message) from None
            if sources.sheet.unknown_columns:
                problems.append(
                    Msg(
                        "{sheet}: the column(s) {columns} are not fields of the {provider} form, so they fill nothing. "
                        "Name columns by the form's fields or labels ({fields}).",
                        sheet=Path(sheet).name,
                        columns=", ".join(sources.sheet.unknown_columns),
                        provider=provider.name,
                        fields=", ".join(_(str(f)) for f in fields.values()),
                    )
                )
        if pattern:
            try:
                sources.name_pattern = compile_pattern(pattern)
            except InvoiceDesktopError as exc:
                raise BatchInputError(exc.message) from None
        folder = Path(templates_dir) if templates_dir else _templates_dir()
        if folder is not None and folder.is_dir():
            sources.templates, broken = load_templates([*folder.glob("*.yml"), *folder.glob("*.yaml")])
            for problem in broken:  # a broken template only loses its own sure values: said, not a stop
                log.warning("%s", problem)
        return sources, problems

    # -- checks: the form, two rows with one target, uploads done before (core/batch_checks.py) ------------------

    def check(self, batch: Batch) -> None:
        """Validate every open row with the provider's own form model, catch two rows with the same target, and
        flag rows whose file or target was already sent. Writes nothing (the caller saves what changed)."""
        batch_checks.check(self.history, _batch_provider(self.uploads.providers, batch.provider), batch)

    # -- the clerk's changes (quick: fine on the UI thread) ---------------------------------------------------

    def set_value(self, batch: Batch, row: BatchRow, field: str, value: Any) -> None:
        """The clerk typed a value (empty: none): their word beats any document. Re-checks the batch."""
        if row.status not in batch_checks.OPEN:
            raise InvoiceDesktopError(
                Msg(
                    "Row {position} is {status}: its values can no longer change.",
                    position=row.position,
                    status=row.status,
                )
            )
        if value in (None, ""):
            row.values.pop(field, None)
        else:
            row.values[field] = Cell(jsonable(value), str(Source.TYPED), "")
        self._recheck_and_save(batch)

    def confirm(self, batch: Batch, row: BatchRow, field: str) -> None:
        """A guessed value (from the PDF's text) confirmed as it is."""
        cell = row.values[field]
        row.values[field] = Cell(cell.value, str(Source.TYPED), f"confirmed ({cell.source} {cell.detail})".strip())
        self._recheck_and_save(batch)

    def send_anyway(self, batch: Batch, row: BatchRow, ticked: bool) -> None:
        """Tick (or untick) a row that was already sent, so Upload all sends it again."""
        row.send_anyway = ticked
        self._recheck_and_save(batch)

    def _recheck_and_save(self, batch: Batch) -> None:
        self.check(batch)
        if batch.id is not None:
            for row in batch.rows:
                if row.status in (*batch_checks.OPEN, DUPLICATE):
                    self.outbox.save_row(row)

    # -- sending ----------------------------------------------------------------------------------------------

    def send(
        self,
        batch: Batch,
        *,
        statuses: tuple[str, ...] = (READY,),
        resend: Iterable[int] = (),
        on_row: Callable[[BatchRow], None] | None = None,
        on_progress: Callable[[BatchRow, int, int], None] | None = None,
        cancel: CancelToken | None = None,
        base_url: str | None = None,
    ) -> SendReport:
        """Send the rows with one of `statuses`, one at a time, each through the app's one upload path (recorded
        before it leaves). `resend`: ids of uncertain rows the clerk said did not arrive. Cancel stops after the
        row being sent settles; the rows not reached stay pending."""
        if batch.id is None:
            self.save(batch)
        provider = _batch_provider(self.uploads.providers, batch.provider)
        self.check(batch)
        report = SendReport()
        confirmed = set(resend)
        for row in batch.rows:
            wanted = row.status in statuses or (row.status == UNCERTAIN and row.id in confirmed)
            if not wanted:
                continue
            if cancel is not None and cancel.cancelled:
                report.cancelled = True
                break
            if row.status in (READY, *RETRYABLE):
                batch_checks.flag_sent_before(self.history, batch, row)  # another window may have sent it meanwhile
                if row.status == DUPLICATE:
                    self.outbox.save_row(row)
                    _tell(on_row, row)
                    continue
            previous = row.status
            if not self.outbox.claim(row, (previous,), self.history.lease_s * 2):
                continue  # another window is sending it
            _tell(on_row, row)
            try:
                result = self._send_row(provider, batch, row, previous, on_progress, cancel, base_url)
            except (CredentialsMissing, FormInvalid) as exc:  # about the whole batch: stop, nothing of it sent
                row.status, row.message = previous, ""
                self.outbox.save_row(row)
                _tell(on_row, row)
                report.stopped = exc.message
                break
            if result is not None:
                report.sent += 1
                if result.outcome is Outcome.CANCELLED:
                    report.cancelled = True
            self.outbox.save_row(row)
            _tell(on_row, row)
            if report.cancelled:
                break
        return report

    def _send_row(
        self,
        provider: Provider,
        batch: Batch,
        row: BatchRow,
        previous: str,
        on_progress: Callable[[BatchRow, int, int], None] | None,
        cancel: CancelToken | None,
        base_url: str | None,
    ) -> UploadResult | None:
        try:
            prepared = self.uploads.prepare(
                provider,
                batch.environment,
                row.form_data(),
                file_path=row.file_path,
                snapshot_of=cast(hist.Attempt, _KeptFile(row)),  # the outbox's copy: what was checked is sent
                base_url=base_url,
            )
        except AttachmentRefused as exc:
            row.status, row.message = REFUSED, exc.message
            return None
        except FormInvalid as exc:
            if "base_url" in exc.fields or not exc.fields:
                raise
            row.status, row.message, row.field_problems = INVALID, exc.message, dict(exc.fields)
            return None
        if row.attempt_id is not None:  # sent before (failed, or may have arrived): a retry, continuing it
            prepared.retry_of = self.history.latest_retry(row.attempt_id)
            prepared.resend_confirmed = previous == UNCERTAIN
        progress = (lambda sent, total: on_progress(row, sent, total)) if on_progress else None
        result = self.uploads.run(prepared, progress=progress, cancel=cancel)
        row.attempt_id = result.attempt_id
        row.status = _status_of(result)
        # Translators: an outcome's sentence and, after it, what to do next.
        row.message = (
            Msg("{title} {detail}", title=result.title, detail=result.detail) if result.detail else result.title
        )
        return result

    def retry_failed(self, batch: Batch, *, resend: Iterable[int] = (), **options: Any) -> SendReport:
        """Send again the rows that failed or were refused by the provider (and the uncertain ones in `resend`)."""
        return self.send(batch, statuses=RETRYABLE, resend=resend, **options)

    def resend_question(self, row: BatchRow) -> Text | None:
        """What to ask before an uncertain row is sent again (None: nothing to ask)."""
        if row.status != UNCERTAIN or row.attempt_id is None:
            return None
        return self.uploads.resend_question(row.attempt_id)

    # -- resuming, closing, the report -------------------------------------------------------------------------

    def summaries(self, *, include_closed: bool = False) -> list[BatchSummary]:
        return self.outbox.summaries(include_closed=include_closed)

    def open(self, batch_id: int) -> Batch:
        """A kept batch, its rows reconciled with the attempts they became (a crash may have left them behind)."""
        batch = self.outbox.load(batch_id)
        if batch is None:
            raise BatchInputError(Msg("There is no batch number {batch_id}.", batch_id=batch_id))
        for row in batch.rows:
            if self._reconcile(row):
                self.outbox.save_row(row)
        return batch

    def _reconcile(self, row: BatchRow) -> bool:
        if row.status not in (SENDING, UNCERTAIN, FAILED, REJECTED) or not row.snapshot_path:
            return False
        found = self.history.read(
            "SELECT MAX(id) FROM attempts WHERE snapshot_path=? AND id>?", (row.snapshot_path, row.attempt_id or 0)
        )
        newest = found[0][0] if found and found[0][0] is not None else row.attempt_id
        attempt = self.history.get(newest) if newest is not None else None
        if attempt is None:
            if row.status == SENDING and self.outbox.claim_lapsed(row):
                # An attempt is always recorded before anything leaves: none, so nothing was sent.
                row.status, row.message = READY, Msg("Not sent yet: the app stopped before sending it.")
                return True
            return False
        before = (row.status, row.attempt_id)
        row.attempt_id = attempt.id
        row.status = _status_of_attempt(attempt)
        if row.status != SENDING:
            row.message = attempt.summary
        return (row.status, row.attempt_id) != before

    def close(self, batch: Batch) -> None:
        """Put the batch away (it stays in the outbox and can be opened again)."""
        if batch.id is not None:
            self.outbox.set_closed(batch.id, True)
            batch.closed = True

    def export_csv(self, batch: Batch, path: str | Path) -> Path:
        """The batch report for the month-end file: one line per row, each value with its source."""
        from .batch_report import export_csv

        return export_csv(batch, _batch_provider(self.uploads.providers, batch.provider), Path(path))


@dataclass(frozen=True)
class _KeptFile:
    """The parts of an attempt `UploadService.prepare` reads to send a kept snapshot (as for a Retry)."""

    snapshot_path: str | None
    snapshot_sha256: str | None
    file_path: str | None

    def __init__(self, row: BatchRow) -> None:
        object.__setattr__(self, "snapshot_path", row.snapshot_path)
        object.__setattr__(self, "snapshot_sha256", row.snapshot_sha256)
        object.__setattr__(self, "file_path", row.file_path)


def _batch_provider(providers: ProviderRegistry, provider_id: str) -> Provider:
    try:
        provider = providers.load(provider_id)
    except KeyError as exc:
        raise BatchInputError(str(exc.args[0] if exc.args else exc)) from None
    if not provider.document_fields or provider.attachment is None or provider.attachment_mode == "none":
        raise BatchInputError(
            Msg(
                "{provider} takes no batch of documents (it takes invoices without files: use its own form).",
                provider=provider.name,
            )
            if provider.id == "shopwave"
            else Msg("{provider} takes no batch of documents.", provider=provider.name)
        )
    return provider


def _templates_dir() -> Path | None:
    from .paths import data_dir

    return data_dir() / "templates"


def _tell(callback: Callable[[BatchRow], None] | None, row: BatchRow) -> None:
    if callback is not None:
        callback(row)


def _status_of(result: UploadResult) -> str:
    if result.outcome is Outcome.SUCCEEDED:
        return SUCCEEDED
    if result.outcome is Outcome.REJECTED:
        return REJECTED
    if result.outcome is Outcome.UNCERTAIN:
        return UNCERTAIN
    if result.outcome is Outcome.CANCELLED:
        return UNCERTAIN if result.data.get("may_have_arrived") else READY
    return FAILED


def _status_of_attempt(attempt: hist.Attempt) -> str:
    from .upload import may_have_arrived

    if attempt.state == hist.SENDING:
        return SENDING
    if may_have_arrived(attempt):
        return UNCERTAIN
    return {hist.SUCCEEDED: SUCCEEDED, hist.REJECTED: REJECTED, hist.CANCELLED: READY}.get(attempt.state, FAILED)
