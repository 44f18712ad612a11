"""CI's checks of the translation catalogs (README, "Translations"): the template holds exactly the strings the code
marks, with their source references, as the command writes it; each .po is merged with it and each .mo compiled from
its .po; placeholders survive translation; and a language its translator declared complete stays complete."""

from __future__ import annotations

import difflib
import gettext
import re

import pytest
from babel.messages.catalog import Catalog, Message

from invoice_desktop.core import i18n
from tools import catalogs

FIX = "run `.venv/bin/python -m tools.catalogs --template-only` (README, Translations)"


def _key(message: Message) -> tuple[str | None, str | tuple[str, ...]]:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, msgid


def _keys(catalog: Catalog) -> set[tuple[str | None, str | tuple[str, ...]]]:
    return {_key(m) for m in catalog if m.id}


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogs.read_catalog(catalogs.TEMPLATE)


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return catalogs.extract()


def test_the_languages_the_tool_handles_are_the_ones_the_app_ships():
    assert set(catalogs.LANGUAGES) == set(i18n.SHIPPED_LANGUAGES) - {i18n.SOURCE_LANGUAGE}
    assert set(catalogs.COMPLETE_LANGUAGES) <= set(catalogs.LANGUAGES)
    assert catalogs.LOCALE_DIR == i18n.LOCALE_DIR


def test_the_template_holds_exactly_the_strings_the_code_marks(template, extracted):
    missing = _keys(extracted) - _keys(template)
    stale = _keys(template) - _keys(extracted)
    assert not missing, f"marked in the code but not in the .pot ({FIX}): {sorted(map(str, missing))[:20]}"
    assert not stale, f"in the .pot but no longer in the code ({FIX}): {sorted(map(str, stale))[:20]}"


def _differences(written: bytes, expected: bytes) -> str:
    """The first lines where a committed catalog differs from what `python -m tools.catalogs` writes ("" if none)."""
    diff = difflib.unified_diff(
        written.decode().splitlines(), expected.decode().splitlines(), "committed", "from the code", n=1, lineterm=""
    )
    return "\n".join(list(diff)[:24])


def test_the_template_is_exactly_what_the_command_writes(extracted):
    """Not only the strings: each one's source references (`#: invoice_desktop/providers/_ddapi_outcomes.py`) and
    translator comments. A module split moves strings to new files; a translator looking up where a string is shown
    must be sent to the file that holds it now."""
    differences = _differences(catalogs.TEMPLATE.read_bytes(), catalogs.render_po(extracted))
    assert not differences, f"the .pot is out of date: run `.venv/bin/python -m tools.catalogs`:\n{differences}"


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_each_po_is_merged_with_the_current_template(language, extracted):
    """The translators' catalogs carry the same source references: each is merged with the template as it is."""
    expected = catalogs.render_po(catalogs.merged(language, extracted))
    differences = _differences(catalogs.po_path(language).read_bytes(), expected)
    assert not differences, f"{language}: run `.venv/bin/python -m tools.catalogs {language}`:\n{differences}"


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_each_compiled_catalog_is_compiled_from_its_po(language):
    po = catalogs.po_path(language)
    mo = catalogs.mo_path(language)
    assert po.exists() and mo.exists(), f"{language}: run `.venv/bin/python -m tools.catalogs {language}`"
    expected = catalogs.render_mo(catalogs.read_catalog(po, language))
    assert mo.read_bytes() == expected, (
        f"{mo} is older than its .po: run `.venv/bin/python -m tools.catalogs {language}`"
    )


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_the_app_reads_each_compiled_catalog_with_the_standard_library(language):
    with catalogs.mo_path(language).open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    po = catalogs.read_catalog(catalogs.po_path(language), language)
    for message in po:
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
            if message.context:
                assert translations.pgettext(message.context, message.id) == message.string
            else:
                assert translations.gettext(message.id) == message.string


_BRACE = re.compile(r"\{[^{}]*\}")
_PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def placeholders(text: str) -> set[str]:
    """`{order}`, `{n}`, `{0:.2f}`, `%(host)s`, `%s` in a message (escaped `{{`/`}}` and `%%` are literal text)."""
    plain = text.replace("{{", "").replace("}}", "").replace("%%", "")
    return set(_BRACE.findall(plain)) | set(_PERCENT.findall(plain))


def _placeholder_problems(catalog: Catalog) -> list[str]:
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            forms = [(message.id, message.string)]
        else:
            source = placeholders(message.id[0]) | placeholders(message.id[1])
            forms = [(message.id[-1], form) for form in message.string if form]
        for msgid, translated in forms:
            wanted = placeholders(msgid) if isinstance(message.id, str) else source
            found = placeholders(translated)
            # A plural form may spell the count out ("eine Datei" for n == 1): only {n} may be left out.
            if isinstance(message.id, tuple):
                found |= {"{n}"} & wanted
            if found != wanted:
                problems.append(f"{msgid!r} -> {translated!r}: expected {sorted(wanted)}, found {sorted(found)}")
    return problems


def test_the_placeholder_check_sees_a_renamed_or_dropped_placeholder():
    catalog = Catalog(locale="de")
    catalog.add("Attached to order {order}.", "An Auftrag {auftrag} angehängt.")
    catalog.add("Sent to %(host)s.", "Gesendet.")
    catalog.add(("{n} file", "{n} files"), ("eine Datei", "{n} Dateien"))
    catalog.add("Use {{braces}} and {x}", "{{Klammern}} und {x}")
    problems = _placeholder_problems(catalog)
    assert len(problems) == 2, problems
    assert "{order}" in problems[0] and "%(host)s" in problems[1]


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_source(language):
    problems = _placeholder_problems(catalogs.read_catalog(catalogs.po_path(language), language))
    assert not problems, f"{language}: placeholders changed in translation:\n" + "\n".join(problems)


def _completeness_problems(catalog: Catalog, template: Catalog) -> list[str]:
    missing = sorted(map(str, _keys(template) - _keys(catalog)))
    problems = [f"not in the .po (run the command for this language): {key}" for key in missing]
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    return problems


def test_the_completeness_check_sees_untranslated_fuzzy_and_missing_entries():
    template = Catalog()
    for msgid in ("Upload", "Cancel", "Retry", "Close"):
        template.add(msgid)
    catalog = Catalog(locale="de")
    catalog.add("Upload", "Hochladen")
    catalog.add("Cancel", "")
    catalog.add("Retry", "Wiederholen", flags=["fuzzy"])
    assert len(_completeness_problems(catalog, template)) == 3


@pytest.mark.parametrize(
    "language", sorted(catalogs.COMPLETE_LANGUAGES) or [pytest.param("none", marks=pytest.mark.skip)]
)
def test_a_language_declared_complete_has_no_untranslated_or_fuzzy_entry(language, template):
    catalog = catalogs.read_catalog(catalogs.po_path(language), language)
    problems = _completeness_problems(catalog, template)
    assert not problems, f"{language} is in COMPLETE_LANGUAGES but:\n" + "\n".join(problems[:40])


# Placeholders that only ever hold a number ("customer 1001's settings"): "'s" after them is always right.
NUMBER_PLACEHOLDERS = {"customer"}


def test_no_english_sentence_glues_an_s_onto_a_name(template):
    """A name ending in s ("PayFabric Receivables") must not become "PayFabric Receivables's": an owner is said
    through `possessive()` (ui/environment_banner.py, which knows the rule) or the sentence avoids the genitive."""
    glued = []
    for message in template:
        if not message.id or (message.context or "").startswith("possessive"):
            continue
        for text in [message.id] if isinstance(message.id, str) else message.id:
            names = set(re.findall(r"\{(\w+)\}['’]s\b", text)) - NUMBER_PLACEHOLDERS
            if names:
                glued.append(text)
    assert not glued, glued


@pytest.mark.parametrize("language", [None, *catalogs.LANGUAGES])
def test_no_sentence_ends_a_button_name_with_a_second_full_stop(language, template):
    """ "Add its lines with Edit…." read as a typo under Shopwave's form: a sentence does not end on a "…" name."""
    catalog = template if language is None else catalogs.read_catalog(catalogs.po_path(language), language)
    texts = []
    for message in catalog:
        if message.id:
            texts += [message.id] if isinstance(message.id, str) else list(message.id)
        if language is not None and message.string:
            texts += [message.string] if isinstance(message.string, str) else list(message.string)
    assert [t for t in texts if re.search(r"(…|\.\.\.)\.", t)] == []


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
def test_no_translation_calls_the_vendors_test_system_sandbox(language):
    """Each glossary (docs/glossary/) names the vendor's test system in its own words (Testsystem, Pruebas, Test,
    Testmiljö) and rejects "Sandbox", which only the vendors say: the window title, the environment list and the
    banner must agree. The CLI's value `-e sandbox` is typed as it is and stays."""
    found = []
    for message in catalogs.read_catalog(catalogs.po_path(language), language):
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if re.search(r"(?<![-\w])sandbox\b", (text or "").replace("-e sandbox", ""), re.IGNORECASE):
                found.append(text)
    assert not found, found
