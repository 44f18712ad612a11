"""The command line's language: `--language` (anywhere on the line), else the environment's (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG), and argparse's own words ("usage:", "options", "show this help message and exit", its error
messages) from our catalog.

argparse translates them with the module-level `gettext.gettext` of the default text domain, which our catalog is
not; `install()` points argparse at our `_`/`ngettext` instead, so `--help` and usage errors speak the clerk's
language along with our own help texts. The msgids below are argparse's (Python 3.11-3.13), listed with `N_` only so
`python -m tools.catalogs` extracts them; the translations must keep argparse's `%s` / `%(name)s` placeholders.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .core import i18n
from .core.i18n import N_, Msg, _

OPTION = "--language"
LANGUAGE_HELP = N_(
    "the language to answer in: {languages} (default: the system's, from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)"
)

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.ngettext(singular, plural, n)


# argparse's one plural message (it asks `ngettext` with n = nargs), kept only so the extractor lists both forms.
EXPECTED_ARGUMENTS = Msg.plural_of("expected %s argument", "expected %s arguments", 2)


def install() -> None:
    """From now on argparse says its words in the current language (set with `i18n.set_language`)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]


def take_language_option(argv: Sequence[str]) -> tuple[list[str], str | None]:
    """(argv without `--language X` / `--language=X`, X or None). Taken out wherever it stands, so it works before
    or after the command; the last one wins."""
    rest: list[str] = []
    chosen: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == OPTION and i + 1 < len(argv):
            chosen, i = argv[i + 1], i + 2
            continue
        if arg.startswith(OPTION + "="):
            chosen, i = arg.split("=", 1)[1], i + 1
            continue
        rest.append(arg)
        i += 1
    return rest, chosen


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """Shown in `--help`; `take_language_option` has already taken it out of the line by the time it is parsed."""
    languages = ", ".join(i18n.SHIPPED_LANGUAGES)
    parser.add_argument(OPTION, metavar="LANG", help=_(LANGUAGE_HELP).format(languages=languages))


def use_language(argv: Sequence[str], environ: dict[str, str] | None = None) -> list[str] | None:
    """Switch to the command line's language; returns the rest of the line, or None (after saying why) when
    `--language` names a language we do not ship."""
    rest, chosen = take_language_option(argv)
    system = i18n.language_from_environment(environ)
    i18n.set_language(i18n.choose_language(chosen, None, [system]))
    install()
    if chosen is not None and not i18n.normalize_language(chosen):
        languages = ", ".join(i18n.SHIPPED_LANGUAGES)
        message = _("unknown language “{language}”: choose one of {languages}").format(
            language=chosen, languages=languages
        )
        print(f"invoice-desktop: {message}", file=sys.stderr)
        return None
    return rest
