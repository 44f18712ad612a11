"""Extract, update and compile the translation catalogs in one command (README, "Translations").

    python -m tools.catalogs              extract every marked string into invoice_desktop/locale/invoice_desktop.pot,
                                          merge it into every language's .po and compile each .po to its .mo
    python -m tools.catalogs de sv        the same, updating only these languages' catalogs
    python -m tools.catalogs --template-only
                                          only the .pot (after marking strings: leaves each .po to its translator,
                                          who merges the new strings in by running the command for their language)
    python -m tools.catalogs --check      change nothing: exit 1 when any of those files is out of date (CI's tests
                                          check the same, see tests/test_catalogs.py)

Babel is a developer tool here (the `test` extra): the app reads the compiled .mo files with the standard library's
gettext. The .mo files are committed so an editable install and the frozen app find them without a build step.

Locations are written without line numbers, so moving code does not rewrite every catalog (fewer merge conflicts
between the people marking strings and the translators).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "invoice_desktop"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "invoice_desktop"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
# The translated languages (English is the source); invoice_desktop/core/i18n.py's SHIPPED_LANGUAGES less "en".
LANGUAGES = ("de", "es", "fr", "sv")

# A translator adds their language here (uncomment its line) once its catalog is complete and reviewed: from then
# on CI requires it to stay complete (0 untranslated, 0 fuzzy). One line each, apart, so two translators' edits do
# not conflict.
COMPLETE_LANGUAGES: set[str] = {
    "de",
    #
    "es",
    #
    "fr",
    #
    "sv",
}

# The marking functions of invoice_desktop/core/i18n.py, in Babel's keyword notation: the argument positions that
# hold the message (and "c" for the context). `plural_of` is `Msg.plural_of(singular, plural, n)`; Babel's Python
# extractor matches the last name before the parenthesis.
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "N_": None,
    "Msg": None,
    "ngettext": (1, 2),
    "plural_of": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "NP_": ((1, "c"), 2),
}
# `# Translators: ...` (or `# TRANSLATORS: ...`) on the line(s) above a marked string reaches the translator as a
# comment in the catalog (Babel matches the tag case-sensitively: the code base writes "Translators:").
COMMENT_TAGS = ("TRANSLATORS:", "Translators:")
WIDTH = 116


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract() -> Catalog:
    """Every marked string in the package, as a fresh template catalog."""
    catalog = Catalog(
        domain=DOMAIN,
        project="Invoice Desktop",
        header_comment="# The strings of Invoice Desktop a person reads, extracted by `python -m tools.catalogs`.\n#",
        charset="utf-8",
        creation_date=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        location = (f"invoice_desktop/{filename}".replace("\\", "/"), lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True, sort_by_file=False)
    return buffer.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def merged(language: str, template: Catalog) -> Catalog:
    """The language's catalog brought up to the template: new strings added, removed ones dropped, changed ones
    matched to their old translation and marked fuzzy (a translator confirms them)."""
    path = po_path(language)
    if path.exists():
        catalog = read_catalog(path, language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="Invoice Desktop", charset="utf-8", fuzzy=False)
        catalog.language_team = f"{language} <{language}@li.org>"
        catalog.revision_date = template.creation_date
    catalog.update(template, update_creation_date=False)
    catalog.creation_date = template.creation_date
    return catalog


@dataclass
class Plan:
    """What the command would write: path -> new bytes, for the files whose content changes."""

    writes: dict[Path, bytes]


def plan(languages: Iterable[str] = LANGUAGES) -> Plan:
    """The template from the code, and each of `languages`' .po merged with it and compiled."""
    template = extract()
    writes: dict[Path, bytes] = {}
    pot = render_po(template)
    if not TEMPLATE.exists() or TEMPLATE.read_bytes() != pot:
        writes[TEMPLATE] = pot
    for language in languages:
        catalog = merged(language, template)
        po = render_po(catalog)
        if not po_path(language).exists() or po_path(language).read_bytes() != po:
            writes[po_path(language)] = po
        # Compile from the catalog as written (read back), exactly as a later run would.
        mo = render_mo(read_po(io.BytesIO(po), locale=language, domain=DOMAIN))
        if not mo_path(language).exists() or mo_path(language).read_bytes() != mo:
            writes[mo_path(language)] = mo
    return Plan(writes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.catalogs", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "languages", nargs="*", metavar="LANGUAGE", help=f"one of {', '.join(LANGUAGES)} (default: all)"
    )
    parser.add_argument("--template-only", action="store_true", help="only extract the .pot; leave the .po files")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of date")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.languages) - set(LANGUAGES))
    if unknown:
        parser.error(f"unknown language {', '.join(unknown)}: choose from {', '.join(LANGUAGES)}")
    languages = () if args.template_only else args.languages or LANGUAGES
    result = plan(languages)
    for path in result.writes:
        shown = path.relative_to(ROOT)
        if args.check:
            print(f"out of date: {shown}", file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(result.writes[path])
            print(f"wrote {shown}")
    if args.check and result.writes:
        print("run: python -m tools.catalogs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
