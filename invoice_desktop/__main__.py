"""`invoice-desktop` / `python -m invoice_desktop`: the window, or the CLI when a command is given."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from .cli import COMMANDS
    from .cli_language import take_language_option

    rest, _language = take_language_option(args)  # `--language de send …` is the CLI too
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help")):
        from .cli import main as cli_main

        return cli_main(args)
    from .ui.app import main as gui_main  # Qt is imported only for the window

    return gui_main(args)


if __name__ == "__main__":
    sys.exit(main())
