"""`invoice-desktop batch PROVIDER PATH...`: many documents at once, each row filled from its document.

--dry-run prints every row with its filled values, their sources and problems, and sends nothing (no batch is
kept). Otherwise the batch is written to the outbox first, then the ready rows are sent one at a time and each
row's outcome is printed. Running the same command again resumes safely: rows already sent (or that may have
arrived) are skipped as duplicates.

Exit codes: 0 every row succeeded · 1 some failed, were refused or need a look · 2 bad input, nothing sent ·
3 credentials missing · 130 cancelled, 143 after SIGTERM (the rows not reached stay pending in the batch).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import TYPE_CHECKING, Any

from .core.i18n import _, ngettext

if TYPE_CHECKING:
    from .core.outbox import Batch, BatchRow
    from .core.services import Services

EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT, EXIT_CREDENTIALS, EXIT_CANCELLED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # stopped by SIGTERM: 128 + 15, as a shell reports it (Ctrl-C's 130 is 128 + SIGINT)
# How long Ctrl-C / SIGTERM waits for the row being sent to settle and be recorded.
SETTLE_S = 15.0


def add_parser(sub: Any, environments: tuple[str, ...], default_environment: str) -> None:
    """The `batch` command's parser, in the current language (built after the language is chosen)."""
    batch = sub.add_parser(
        "batch",
        help=_("upload many documents at once, each filled from the document itself"),
        epilog=_(
            "Exit codes: 0 every row succeeded · 1 some failed, were refused or need a look · 2 bad input, nothing "
            "sent · 3 credentials missing · 130 cancelled, 143 after SIGTERM (the rows not reached stay pending in the "
            "batch)."
        ),
    )
    batch.add_argument("provider", help=_("the provider's id (see `providers`)"))
    batch.add_argument(
        "paths", nargs="+", metavar="PATH", help=_("documents or folders (a .xml beside a PDF fills it)")
    )
    batch.add_argument("--sheet", metavar="FILE", help=_("a CSV or XLSX with a 'file' column and form fields"))
    batch.add_argument(
        "--name-pattern",
        metavar="PATTERN",
        # Translators: {order_id} is a field name typed as is; keep it.
        help=_("values from file names, e.g. '{order_id}_*.pdf' (remembered per provider; '' forgets it)"),
    )
    batch.add_argument(
        "--environment",
        "-e",
        choices=environments,
        default=default_environment,
        help=_("where to send (default: practice)"),
    )
    batch.add_argument("--base-url", help=_("override the environment's address"))
    batch.add_argument("--dry-run", action="store_true", help=_("print the rows as they would be sent; send nothing"))
    batch.add_argument("--json", action="store_true", help=_("print the batch as JSON"))


def cmd_batch(args: argparse.Namespace, services: Services) -> int:
    from .core.batch import BatchInputError, BatchService

    batches = BatchService(services.uploads)
    options = {"sheet": args.sheet, "name_pattern": args.name_pattern}
    try:
        batch = batches.plan(args.provider, args.environment, args.paths, **options)
    except BatchInputError as exc:
        return _fail(_("{reason} Nothing was sent.").format(reason=exc.message), EXIT_BAD_INPUT)
    if args.dry_run:
        batches.discard_plan(batch)
        _print(batch, args.json, dry_run=True)
        return _exit_code(batch)
    if batch.problems:  # a sheet or pattern that does not fit: the clerk fixes it first
        batches.discard_plan(batch)
        _print(batch, args.json, dry_run=True)
        return _fail(
            _("the batch has problems (listed above); fix them, or check with --dry-run. Nothing was sent."), 2
        )
    batches.save(batch)
    if not args.json:
        print(
            ngettext(
                "Batch {batch}: {n} row, kept in the history before sending.",
                "Batch {batch}: {n} rows, kept in the history before sending.",
                len(batch.rows),
            ).format(batch=batch.id, n=len(batch.rows)),
            file=sys.stderr,
        )
    report, stopped_by = _send(batches, batch, args)
    _print(batch, args.json, dry_run=False)
    if report is not None and report.stopped:
        return _fail(
            _("{reason} The rest of batch {batch} was not sent.").format(reason=report.stopped, batch=batch.id),
            EXIT_CREDENTIALS,
        )
    if stopped_by or (report is not None and report.cancelled):
        return _fail(
            _("cancelled; the rows not sent stay pending in batch {batch}.").format(batch=batch.id),
            stopped_by or EXIT_CANCELLED,
        )
    return _exit_code(batch)


def _send(batches: Any, batch: Batch, args: argparse.Namespace) -> tuple[Any, int | None]:
    """Send on a worker thread so that Ctrl-C and SIGTERM, which arrive on this one, cancel it and wait for the
    row being sent to settle and be recorded. The report, and the exit code when a signal stopped it."""
    import signal

    from .cli_waits import watch
    from .core.cancel import CancelToken

    cancel = CancelToken()
    done: dict[str, Any] = {}
    finished = threading.Event()
    quiet = args.json

    def on_row(row: BatchRow) -> None:
        if not quiet and row.status != "sending":
            print(f"{row.position:>4} {row.file_name}: {row.status}. {row.message}".rstrip(), file=sys.stderr)

    def work() -> None:
        try:
            done["report"] = batches.send(batch, on_row=on_row, cancel=cancel, base_url=args.base_url)
        except BaseException as exc:
            done["error"] = exc
        finally:
            finished.set()

    terminated: list[bool] = []

    def terminate(_signum: int, _frame: Any) -> None:
        terminated.append(True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        threading.Thread(target=work, name="batch", daemon=True).start()
        try:
            watch(finished)  # says at once when recording a row waits for the history, as `send` does
        except KeyboardInterrupt:
            cancel.cancel()
            print("invoice-desktop: " + _("cancelling after the row being sent…"), file=sys.stderr)
            try:
                finished.wait(SETTLE_S)
            except KeyboardInterrupt:
                pass
            return done.get("report"), EXIT_TERMINATED if terminated else EXIT_CANCELLED
    finally:
        signal.signal(signal.SIGTERM, previous)
    if "error" in done:
        raise done["error"]
    return done["report"], None


def _exit_code(batch: Batch) -> int:
    from .core import outbox

    def fine(row: BatchRow) -> bool:
        if row.status == outbox.DUPLICATE:  # sent before by an earlier run: fine; "may have arrived": a look
            return bool(row.duplicate and row.duplicate.get("state") == "succeeded")
        return row.status in (outbox.SUCCEEDED, outbox.READY)

    return EXIT_OK if batch.rows and all(fine(r) for r in batch.rows) else EXIT_SOME_FAILED


def _print(batch: Batch, as_json: bool, *, dry_run: bool) -> None:
    if as_json:
        data = {
            "batch": batch.id,
            "provider": batch.provider,
            "environment": batch.environment,
            "dry_run": dry_run,
            "problems": [str(p) for p in batch.problems],
            "counts": batch.counts(),
            "rows": [row.to_dict() for row in batch.rows],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    if batch.settings.get("name_pattern"):
        print(
            _("file-name pattern: {pattern} (remembered for {provider}; --name-pattern '' forgets it)").format(
                pattern=batch.settings["name_pattern"], provider=batch.provider
            )
        )
    for problem in batch.problems:
        print(_("problem: {problem}").format(problem=problem))
    for row in batch.rows:
        print(f"{row.position:>4}  {row.file_name}  [{row.status}]" + (f"  {row.message}" if row.message else ""))
        for name, cell in row.values.items():
            value = json.dumps(cell.value, ensure_ascii=False) if isinstance(cell.value, list | dict) else cell.value
            guessed = " — " + _("guessed, check it") if cell.guessed else ""
            detail = f", {cell.detail}" if cell.detail else ""
            print(f"        {name} = {value}  ({cell.source}{detail}){guessed}")
        for field, message in row.field_problems.items():
            print(f"        ! {field}: {message}")
        for problem in row.problems:
            print(f"        ! {problem}")
    counts = ", ".join(f"{n} {status}" for status, n in batch.counts().items())
    rows = ngettext("{n} row: {counts}", "{n} rows: {counts}", len(batch.rows)).format(n=len(batch.rows), counts=counts)
    print(rows + (" " + _("(dry run: nothing sent)") if dry_run else ""))


def _fail(message: object, code: int) -> int:
    print(f"invoice-desktop: {message}", file=sys.stderr)
    return code
