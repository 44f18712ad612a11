"""The command-line interface: the same core as the window, for automation.

Exit codes: 0 accepted · 1 the provider refused it, or it failed and nothing was stored (try again) · 2 bad input
(form, file, usage), nothing sent · 3 credentials missing · 4 uncertain: it may or may not have arrived (check at
the provider; `retry N --resend` sends it again) · 130 cancelled (143 after SIGTERM).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only light modules here: `--help` and `providers` must not pay for pydantic, requests or the provider modules
# (tests/test_startup_imports.py keeps it so). Each command imports what it uses.
from .core.attachments import AttachmentRefused
from .core.errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from .core.i18n import N_, Msg, _, ngettext
from .core.registry import PRACTICE, PRODUCTION, SANDBOX
from .core.results import Outcome, UploadResult
from .core.stored_text import Text, shown_tree

if TYPE_CHECKING:
    from .core.services import Services

EXIT_OK, EXIT_REJECTED, EXIT_BAD_INPUT, EXIT_CREDENTIALS, EXIT_CANCELLED = 0, 1, 2, 3, 130
EXIT_UNCERTAIN = 4  # it may or may not have arrived
# Stopped by SIGTERM (a service manager, `kill`): 128 + 15, as a shell reports a command SIGTERM ended; Ctrl-C's
# 130 is 128 + SIGINT. Either way the attempt is settled and recorded first.
EXIT_TERMINATED = 143
ENVIRONMENTS = (PRACTICE, SANDBOX, PRODUCTION)
COMMANDS = ("send", "batch", "get", "retry", "credentials", "history", "providers")


def _fail(message: Text, code: int) -> int:
    print(f"invoice-desktop: {message}", file=sys.stderr)
    return code


def _warn(message: Text) -> None:
    # Translators: a line the CLI prints before going on; {message} is a whole sentence.
    print("invoice-desktop: " + _("warning: {message}").format(message=message), file=sys.stderr)


def load_data(value: str | None) -> Any:
    """--data: inline JSON (starts with { or [) or a path to a JSON file."""
    if not value:
        return {}
    inline = value.lstrip()[:1] in ("{", "[")
    try:
        text = value if inline else Path(value).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _("it is not a UTF-8 text file")
        raise FormInvalid(
            Msg(
                "--data “{value}” cannot be read ({reason}): give the form as inline JSON (starting with {{) or the "
                "path of a JSON file.",
                value=value,
                reason=reason,
            )
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # The parser's own words ({error}) stay as Python's json module says them.
        raise FormInvalid(
            Msg(
                "--data is not valid JSON: {error} (line {line}, column {column}).",
                error=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            )
            if inline
            else Msg(
                "The --data file “{path}” is not valid JSON: {error} (line {line}, column {column}).",
                path=value,
                error=exc.msg,
                line=exc.lineno,
                column=exc.colno,
            )
        ) from None


def seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 24 * 3600:
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a number of seconds between 0 and 86400").format(value=value)
        )
    return number


TIMEOUT_HELP = N_(
    "give up on each request after this many seconds in all (connecting, sending, the answer); "
    "default 600. The outcome then says whether the provider may have received it."
)


def build_parser() -> argparse.ArgumentParser:
    """The CLI's parser, in the current language: build it after the language is chosen (argparse formats the help
    texts when it prints them, from the strings given here)."""
    parser = argparse.ArgumentParser(
        prog="invoice-desktop",
        description=_("Upload invoices to provider APIs."),
        epilog=_(
            "Exit codes: 0 accepted · 1 the provider refused it, or it failed and nothing was stored (try again) · "
            "2 bad input (form, file, usage), nothing sent · 3 credentials missing · 4 uncertain: it may or may not "
            "have arrived (check at the provider; `retry N --resend` sends it again) · 130 cancelled (143 after "
            "SIGTERM)."
        ),
    )
    timeout_help = _(TIMEOUT_HELP)
    from .cli_language import add_language_option

    add_language_option(parser)
    sub = parser.add_subparsers(dest="command", required=True)

    send = sub.add_parser("send", help=_("upload to a provider"))
    send.add_argument("provider", help=_("the provider's id (see `providers`)"))
    send.add_argument(
        "--environment", "-e", choices=ENVIRONMENTS, default=PRACTICE, help=_("where to send (default: practice)")
    )
    send.add_argument("--base-url", help=_("override the environment's address"))
    send.add_argument("--data", "-d", help=_("the form as JSON: inline or a file path (the API's field names)"))
    what = send.add_mutually_exclusive_group()
    what.add_argument("--file", "-f", help=_("the invoice file"))
    what.add_argument("--file-url", help=_("a public URL of the document instead of a file (where the API allows)"))
    send.add_argument("--format", help=_("json or xml, where the provider offers both"))
    send.add_argument("--timeout", type=seconds, metavar="SECONDS", help=timeout_help)

    get = sub.add_parser("get", help=_("read the provider's current values (where the API has a read)"))
    get.add_argument("provider", help=_("the provider's id (see `providers`)"))
    get.add_argument(
        "--environment", "-e", choices=ENVIRONMENTS, default=PRACTICE, help=_("where to send (default: practice)")
    )
    get.add_argument("--base-url", help=_("override the environment's address"))
    get.add_argument("--data", "-d", help=_("what to read, as JSON: inline or a file path"))
    get.add_argument("--format", help=_("json or xml, where the provider offers both"))
    get.add_argument("--timeout", type=seconds, metavar="SECONDS", help=timeout_help)

    retry = sub.add_parser("retry", help=_("send a failed attempt again, continuing where it stopped"))
    retry.add_argument("attempt_id", type=int, help=_("the attempt's number (see `history`)"))
    retry.add_argument("--base-url", help=_("override the environment's address"))
    retry.add_argument(
        "--resend",
        action="store_true",
        help=_(
            "send again an attempt that may already have arrived (uncertain, interrupted): only after checking at "
            "the provider that it did not"
        ),
    )
    retry.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help=_("send a refused attempt again without asking (the reason is printed)"),
    )
    retry.add_argument("--timeout", type=seconds, metavar="SECONDS", help=timeout_help)

    creds = sub.add_parser("credentials", help=_("store or delete credentials in the system keyring"))
    creds_sub = creds.add_subparsers(dest="action", required=True)
    credential_actions = {
        "set": _("store the credentials typed (or a JSON object on standard input)"),
        "delete": _("delete the stored credentials"),
        "show": _("show which credentials are stored (secrets are not shown)"),
        "login": _("sign in where the provider offers it, and store what it hands out"),
    }
    for action, action_help in credential_actions.items():
        p = creds_sub.add_parser(action, help=action_help)
        p.add_argument("provider", help=_("the provider's id (see `providers`)"))
        p.add_argument("--environment", "-e", choices=ENVIRONMENTS, default=PRODUCTION, help=_("default: production"))
        if action == "login":
            p.add_argument("--base-url", help=_("override the environment's address"))

    history = sub.add_parser("history", help=_("list upload attempts, newest first; search the whole history"))
    history.add_argument("--search", "-s", default="", help=_("an invoice or order id, a file name, #attempt"))
    history.add_argument("--provider", help=_("only this provider (its id, see `providers`)"))
    history.add_argument("--state", choices=HISTORY_STATES, help=_("only attempts with this outcome"))
    history.add_argument("--since", type=_day, help=_("from this day (YYYY-MM-DD)"))
    history.add_argument("--until", type=_day, help=_("up to and including this day (YYYY-MM-DD)"))
    whose = history.add_mutually_exclusive_group()
    whose.add_argument("--mine", action="store_true", help=_("only the attempts made by this clerk (user@computer)"))
    whose.add_argument("--clerk", metavar="USER@COMPUTER", help=_("only this clerk's attempts (a shared history)"))
    history.add_argument("--limit", type=int, default=20, help=_("at most this many (default 20)"))
    history.add_argument("--json", action="store_true", help=_("print the attempts as JSON"))
    history.add_argument("--csv", metavar="FILE", help=_("write every matching attempt to FILE as CSV"))
    history_sub = history.add_subparsers(dest="history_action", required=False, metavar="{copy}")
    copy = history_sub.add_parser(
        "copy",
        help=_("copy this computer's history into a shared server (--to), or the reverse (--from); no duplicates"),
        description=_(
            "Copy every attempt, with its exchanges, renumbered; file paths and snapshots stay behind. Running it "
            "again copies only what is new."
        ),
    )
    direction = copy.add_mutually_exclusive_group(required=True)
    direction.add_argument(
        "--to", metavar="URL", help=_("postgresql://USER@HOST[:PORT]/DB to copy this computer's history into")
    )
    direction.add_argument(
        "--from", dest="source", metavar="URL", help=_("postgresql://… to copy into this computer's history")
    )

    sub.add_parser("providers", help=_("list the providers"))
    from .cli_batch import add_parser as add_batch_parser  # light: argparse only

    add_batch_parser(sub, ENVIRONMENTS, PRACTICE)
    return parser


def _print_result(result: UploadResult) -> int:
    if result.ok:
        print(json.dumps(shown_tree(result.to_dict()), ensure_ascii=False, indent=2))
        return EXIT_OK
    message = f"{result.title} {result.detail}" if result.detail else str(result.title)
    if result.provider_code or result.provider_message:
        # The provider's own code and words, as they came (SkyPostal's answers often have no code: no placeholder).
        said = " ".join(part for part in (result.provider_code, result.provider_message) if part)
        message += " " + _("[provider: {said}]").format(said=said)
    message += " " + _("(attempt {attempt})").format(attempt=result.attempt_id)
    code = _fail(
        message,
        EXIT_CANCELLED
        if result.outcome is Outcome.CANCELLED
        else EXIT_UNCERTAIN
        if result.outcome is Outcome.UNCERTAIN
        else EXIT_REJECTED,
    )
    for item in result.items:  # a batch (Shopwave): what happened to each object
        print(f"  {item.label}: {item.outcome.value}: {item.message}", file=sys.stderr)
    return code


# How long Ctrl-C / SIGTERM waits for the upload to stop and its outcome to be recorded before giving up (a second
# Ctrl-C gives up at once). An attempt left behind keeps no lease once this process exits, so it is marked
# interrupted ("may have arrived") by the next app that looks.
SETTLE_S = 15.0


# The commands that make one upload: they start collecting garbage once its first request is answered (`_run`);
# until then the upload imports the HTTP stack and sends, which makes objects that live until the process ends.
# Every other command starts collecting before its handler runs.
SET_UP_FOR_ONE_UPLOAD = ("send", "retry")


def start_collecting() -> None:
    """The command's set-up is over: collect garbage from now on, through everything the work makes.

    `invoice-desktop COMMAND` starts with the collector off (__main__.main): setting up imports some 450 modules
    and opens the history, the objects that live until the process ends, and collecting again and again while they
    are made only looks through them (a tenth of a send's time went that way). They are frozen now, so that the
    collections of the work (a long batch, a big history export, the later requests of a many-step upload) never
    look through them again."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _run(services: Services, prepared: Any) -> int:
    """Upload on a worker thread so that Ctrl-C and SIGTERM, which arrive on this one, can cancel it and wait for
    the attempt to be settled and recorded before the exit."""
    import signal
    import threading

    from .cli_waits import watch
    from .core.cancel import CancelToken

    cancel = CancelToken()
    done: dict[str, Any] = {}
    # An Event, not Thread.join: a signal that interrupts join() can leave the thread marked as stopped while it
    # still runs (CPython bpo-45274), and the attempt would not be settled.
    finished = threading.Event()

    def work() -> None:
        try:
            # Collecting from the first answer on: by then the HTTP stack is loaded (see SET_UP_FOR_ONE_UPLOAD).
            done["result"] = services.uploads.run(prepared, cancel=cancel, on_exchange=lambda _: start_collecting())
        except BaseException as exc:  # handed to the main thread, which reports it as any other error
            done["error"] = exc
        finally:
            finished.set()

    terminated: list[bool] = []

    def terminate(_signum: int, _frame: Any) -> None:
        terminated.append(True)
        raise KeyboardInterrupt  # SIGTERM settles the attempt the same way Ctrl-C does

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        threading.Thread(target=work, name="upload", daemon=True).start()
        try:
            watch(finished)  # says at once when recording the attempt or its outcome waits for the history
        except KeyboardInterrupt:
            code = EXIT_TERMINATED if terminated else EXIT_CANCELLED
            cancel.cancel()
            print("invoice-desktop: " + _("cancelling…"), file=sys.stderr)
            try:
                finished.wait(SETTLE_S)
            except KeyboardInterrupt:
                pass
            if not finished.is_set():  # still stuck (e.g. waiting for a locked history): say what is known
                if services.history.sending_by_this_app() is False:  # never recorded, so never sent
                    return _fail(_("cancelled; nothing was sent"), code)
                return _fail(_("cancelled; the upload may have arrived: check before sending it again"), code)
            if "error" in done:
                error = done["error"]
                return _fail(_("cancelled: {reason}").format(reason=getattr(error, "message", None) or error), code)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if "error" in done:
        raise done["error"]
    code = _print_result(done["result"])
    return EXIT_TERMINATED if terminated and code == EXIT_CANCELLED else code


def cmd_send(args: argparse.Namespace, services: Services) -> int:
    from .core.local_format import localize_form_data
    from .providers import get_provider

    provider = get_provider(args.provider)
    # Amounts and dates typed as this computer's region writes them (LC_NUMERIC/LC_TIME), sent as the API's.
    data = localize_form_data(provider.form_model, load_data(args.data))
    options = {"format": args.format} if args.format else {}
    prepared = services.uploads.prepare(
        provider,
        args.environment,
        data,
        file_path=args.file,
        file_url=args.file_url,
        options=options,
        base_url=args.base_url,
    )
    # What the window asks the clerk to confirm (e.g. "this replaces the whole invoice"): said, not asked, here.
    for warning in prepared.warnings(services.history):
        _warn(warning)
    return _run(services, prepared)


def cmd_retry(args: argparse.Namespace, services: Services) -> int:
    from .core.retry_refusal import refusal_to_confirm

    refusal = refusal_to_confirm(services.history, services.uploads.providers, args.attempt_id)
    if refusal and not args.yes:
        return _fail(
            _("{refusal} Nothing was sent. To send it again anyway, add --yes.").format(refusal=refusal), EXIT_BAD_INPUT
        )
    if refusal:
        _warn(refusal)
    question = services.uploads.resend_question(args.attempt_id)
    if question and not args.resend:
        return _fail(
            _(
                "{question} Nothing was sent. If it did not arrive, send it again with: invoice-desktop retry "
                "{attempt} --resend"
            ).format(question=question, attempt=args.attempt_id),
            EXIT_UNCERTAIN,
        )
    prepared = services.uploads.prepare_retry(args.attempt_id, base_url=args.base_url)
    prepared.resend_confirmed = bool(question)
    for warning in prepared.warnings(services.history):
        _warn(warning)
    return _run(services, prepared)


def cmd_get(args: argparse.Namespace, services: Services) -> int:
    from .providers import get_provider

    provider = get_provider(args.provider)
    options = {"format": args.format} if args.format else {}
    values = services.uploads.load(
        provider, args.environment, load_data(args.data), base_url=args.base_url, options=options
    )
    print(json.dumps(values, ensure_ascii=False, indent=2, default=str))
    return EXIT_OK


def _read_fields(fields: list[Any], what: str) -> dict[str, str] | None:
    """Values for credential-like fields: prompted when interactive, else a JSON object on standard input."""
    if sys.stdin.isatty():
        typed: dict[str, str] = {}
        for f in fields:
            ask = getpass.getpass if f.secret else input
            # Translators: a prompt for a credential: its label, then its name as typed in JSON.
            typed[f.name] = ask(_("{label} ({name}): ").format(label=_(f.label), name=f.name)).strip()
        return typed
    raw = sys.stdin.read()
    values: Any
    try:
        values = json.loads(raw) if raw.strip() else {}
    except ValueError:
        values = None
    if not isinstance(values, dict):
        example = json.dumps({f.name: "..." for f in fields[:2]})
        _fail(
            _("{command} reads a JSON object of fields from standard input, e.g. {example}.").format(
                command=what, example=example
            ),
            EXIT_BAD_INPUT,
        )
        return None
    return {k: str(v) for k, v in values.items()}


def cmd_login(args: argparse.Namespace, services: Services, provider: Any) -> int:
    if not provider.supports_sign_in:
        return _fail(
            _("{provider} has no sign-in; use `credentials set`.").format(provider=provider.name), EXIT_BAD_INPUT
        )
    values = _read_fields(list(provider.sign_in_fields), "credentials login") if provider.sign_in_fields else {}
    if values is None:
        return EXIT_BAD_INPUT
    opener = services.uploads.open_browser

    def open_and_say(url: str) -> None:  # a terminal may have no browser at hand: say the address too
        print(_("Opening the browser to sign in. If it does not open, visit:\n{url}").format(url=url), file=sys.stderr)
        opener(url)

    services.uploads.open_browser = open_and_say
    try:
        obtained = services.uploads.sign_in(provider, args.environment, values, base_url=args.base_url)
    except KeyboardInterrupt:
        return _fail(_("sign-in cancelled; nothing was stored"), EXIT_CANCELLED)
    finally:
        services.uploads.open_browser = opener
    stored = ", ".join(sorted(obtained)) or _("nothing")
    status = services.credentials.status().message
    print(
        _("Signed in to {provider} ({environment}); stored {stored}. {status}").format(
            provider=provider.name, environment=args.environment, stored=stored, status=status
        )
    )
    return EXIT_OK


def cmd_credentials(args: argparse.Namespace, services: Services) -> int:
    from .providers import get_provider

    provider = get_provider(args.provider)
    fields = [f.name for f in provider.credential_fields]
    store = services.credentials
    if args.action == "login":
        return cmd_login(args, services, provider)
    if args.action == "delete":
        store.delete_all(provider.id, args.environment, fields)
        print(
            _("Deleted the {provider} credentials for {environment}.").format(
                provider=provider.name, environment=args.environment
            )
        )
        return EXIT_OK
    if args.action == "show":
        values = store.get_all(provider.id, args.environment, fields)
        for f in provider.credential_fields:
            # Translators: whether a credential is stored ("api_code: set").
            state = _("set") if values.get(f.name) else _("not set")
            shown = values[f.name] if (values.get(f.name) and not f.secret) else state
            print(f"{f.name}: {shown}")
        print(store.status().message, file=sys.stderr)
        return EXIT_OK
    read = _read_fields(provider.typed_credential_fields(), "credentials set")
    if read is None:
        return EXIT_BAD_INPUT
    values = read
    unknown = set(values) - set(fields)
    if unknown:
        return _fail(
            ngettext(
                "{provider} has no credential field {unknown}; its fields are {fields}.",
                "{provider} has no credential fields {unknown}; its fields are {fields}.",
                len(unknown),
            ).format(provider=provider.name, unknown=", ".join(sorted(unknown)), fields=", ".join(fields)),
            EXIT_BAD_INPUT,
        )
    problems = provider.check_credentials(values)
    if problems:
        return _fail(" ".join(problems.values()), EXIT_BAD_INPUT)
    from .core.credential_changes import store_typed_credentials

    store_typed_credentials(store, provider, args.environment, values)
    status = store.status()
    print(
        _("Saved the {provider} credentials for {environment}. {status}").format(
            provider=provider.name, environment=args.environment, status=status.message
        )
    )
    return EXIT_OK


def cmd_history(args: argparse.Namespace, services: Services) -> int:
    from .core.history import HistoryQuery
    from .providers import infos  # names only: no provider module is imported

    names = {i.id: i.name for i in infos()}
    clerk = services.history.clerk if args.mine else args.clerk
    query = HistoryQuery(args.search, args.provider, args.state, args.since, args.until, clerk=clerk)
    if args.csv:
        from .core.history_csv import export_csv

        count = export_csv(services.history, query, Path(args.csv), names)
        print(
            ngettext("Wrote {n} attempt to {path}.", "Wrote {n} attempts to {path}.", count).format(
                n=count, path=args.csv
            )
        )
        return EXIT_OK
    from .core.local_format import format_timestamp  # times in the region's date order

    rows = services.history.rows(query, limit=max(args.limit, 1))
    if args.json:
        attempts = [services.history.get(r.id) for r in rows]
        shown = [shown_tree({**a.__dict__, "provider_name": names.get(a.provider, a.provider)}) for a in attempts if a]
        print(json.dumps(shown, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if not rows:
        print(_("No uploads yet.") if query == HistoryQuery() else _("No attempt matches."))
    shared = getattr(services.history, "path", None) is None  # colleagues' attempts are listed: say whose
    for r in rows:
        what = " — ".join(x for x in (r.description, r.file_name) if x) or "-"
        if r.retry_of:
            what = _("retry of #{attempt}: {what}").format(attempt=r.retry_of, what=what)
        print(
            f"{r.id:>5}  {format_timestamp(r.created_at)}  {names.get(r.provider, r.provider):<22} "
            f"{r.environment:<10} {r.state:<11} {what}  {r.summary}" + (f"  ({r.clerk})" if shared and r.clerk else "")
        )
    return EXIT_OK


def cmd_history_copy(args: argparse.Namespace) -> int:
    from .core.history_copy import copy_history
    from .core.history_location import open_local, open_shared

    url = args.to or args.source
    try:
        shared = open_shared(url)
    except InvoiceDesktopError as exc:
        return _fail(exc.message, EXIT_BAD_INPUT)
    try:
        local = open_local()
        try:
            source, destination = (local, shared) if args.to else (shared, local)
            report = copy_history(source, destination)
        finally:
            local.close()
    except InvoiceDesktopError as exc:
        return _fail(exc.message, EXIT_REJECTED)
    finally:
        shared.close()
    print(report.sentence(to_shared=bool(args.to)))
    return EXIT_OK


HISTORY_STATES = ("sending", "succeeded", "rejected", "failed", "uncertain", "cancelled", "interrupted")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a day: write it as YYYY-MM-DD.").format(text=text)
        ) from None


def cmd_providers(args: argparse.Namespace, services: Services | None) -> int:
    from .providers import infos  # the declarations: no provider module is imported

    for p in infos():
        envs = ", ".join(p.environments)
        print(f"{p.id:<14} {p.name:<26} {envs}  — {_(p.summary) if p.summary else ''}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace, services: Services) -> int:
    from .cli_batch import cmd_batch as run_batch

    return run_batch(args, services)


HANDLERS = {
    "batch": cmd_batch,
    "send": cmd_send,
    "get": cmd_get,
    "retry": cmd_retry,
    "credentials": cmd_credentials,
    "history": cmd_history,
    "providers": cmd_providers,
}


def practice_elsewhere(args: argparse.Namespace) -> str | None:
    """Why the command is refused when it asks for Practice somewhere else: Practice is this computer, always."""
    if getattr(args, "environment", None) == PRACTICE and getattr(args, "base_url", None):
        return _(
            "Practice always sends to the local practice sandbox on this computer, so --base-url cannot be used "
            "with it: choose -e sandbox or -e production to send elsewhere. Nothing was sent."
        )
    return None


def main(argv: list[str] | None = None, services: Services | None = None) -> int:
    from .cli_language import use_language

    line = use_language(sys.argv[1:] if argv is None else argv)  # before the parser: its help texts are translated
    if line is None:
        return EXIT_BAD_INPUT
    args = build_parser().parse_args(line)
    refusal = practice_elsewhere(args)
    if refusal:  # before anything starts: never switch the environment silently
        return _fail(refusal, EXIT_BAD_INPUT)
    own = services is None
    if own:
        from .core.logs import setup_file_logging

        setup_file_logging()
    if args.command == "providers":  # needs neither the history, the keyring nor the network
        return cmd_providers(args, services)
    if args.command == "history" and getattr(args, "history_action", None) == "copy":
        start_collecting()  # a whole history goes through this process
        return cmd_history_copy(args)  # its two histories are named, not the one the app uses
    if services is None:
        from .cli_waits import run_watched
        from .wiring import create_services

        try:
            # Watched: a history another program holds is said at once, and Ctrl-C answered at once.
            services = run_watched(create_services, "open-history")
        except InvoiceDesktopError as exc:  # e.g. the history is locked by another program: say so, no traceback
            return _fail(exc.message, EXIT_REJECTED)
        except KeyboardInterrupt:  # nothing starts before the history is open
            return _fail(_("cancelled; nothing was sent"), EXIT_CANCELLED)
    if getattr(args, "timeout", None):
        from dataclasses import replace

        services.uploads.timeouts = replace(services.uploads.timeouts, deadline=args.timeout)
    if args.command not in SET_UP_FOR_ONE_UPLOAD:
        start_collecting()
    try:
        return HANDLERS[args.command](args, services)
    except AttachmentRefused as exc:
        return _fail(_("file refused, nothing was sent: {reason}").format(reason=exc.message), EXIT_BAD_INPUT)
    except FormInvalid as exc:
        said = str(exc.command_line or exc.message).rstrip()  # the CLI's words where the window's name a button
        ended = said if said.endswith((".", "!", "?", "。")) else said + "."
        return _fail(_("{reason} Nothing was sent.").format(reason=ended), EXIT_BAD_INPUT)
    except CredentialsMissing as exc:
        return _fail(exc.message, EXIT_CREDENTIALS)
    except (KeyError, ValueError, OSError) as exc:
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return _fail(str(text), EXIT_BAD_INPUT)
    except InvoiceDesktopError as exc:
        return _fail(exc.message, EXIT_REJECTED)
    except KeyboardInterrupt:  # before an upload started (e.g. while its file was being copied): no traceback
        return _fail(_("cancelled"), EXIT_CANCELLED)
    finally:
        if own:
            services.close()
