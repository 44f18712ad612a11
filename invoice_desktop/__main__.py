"""`invoice-desktop` / `python -m invoice_desktop`: the window, or the CLI when a command is given."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """The app; `argv` None means this process is the command (the installed script, `python -m`), so a CLI
    command ends it as soon as its work is done and recorded (see `end_process`)."""
    args = sys.argv[1:] if argv is None else argv
    import gc

    collecting = gc.isenabled()
    if argv is None:
        # This process is the command: no garbage collection while it sets up (see cli.start_collecting).
        gc.disable()
    from .cli import COMMANDS
    from .cli_language import take_language_option

    rest, _language = take_language_option(args)  # `--language de send …` is the CLI too
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help")):
        from .cli import main as cli_main

        code = cli_main(args)
        if argv is None:
            end_process(code)
        return code
    if collecting:  # the window collects as it always did (it freezes what it made before its first upload)
        gc.enable()
    from .ui.app import main as gui_main  # Qt is imported only for the window

    return gui_main(args)


def end_process(code: int) -> None:
    """Exit now with `code`, skipping the interpreter's tear-down, when nothing is left to do but free memory.

    Python's own exit then takes apart every module and object one by one: a CLI send loads some 540 modules
    (pydantic, requests, the keyring…), and tearing them down took a fifth of a send's time before the terminal
    got its prompt back. By now the history is closed and every answer printed; what still has to happen at exit
    happens here: the atexit handlers (logging's flushes and closes the log file, libraries close what they hold)
    and the flush of the standard streams. With a non-daemon thread still running, the ordinary exit waits for it
    as before."""
    import atexit
    import os
    import threading

    current = threading.current_thread()
    if current is not threading.main_thread() or any(
        t.is_alive() and not t.daemon for t in threading.enumerate() if t is not current
    ):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: what it would have shown is lost either way
            pass
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
