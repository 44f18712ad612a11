"""The catalog mechanism itself: kept sentences translate when shown, survive storage, and never hide an outcome."""

import json

import pytest

from invoice_desktop.core import i18n
from invoice_desktop.core.i18n import Msg


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language("en")


def test_a_kept_sentence_renders_with_its_parameters_and_compares_as_text():
    msg = Msg("The invoice was attached to order {order}.", order="1234")
    assert str(msg) == "The invoice was attached to order 1234."
    assert msg == "The invoice was attached to order 1234."
    assert f"» {msg}" == "» The invoice was attached to order 1234."
    assert "1234" in msg


def test_a_stored_sentence_is_translated_in_the_language_it_is_read_in():
    stored = json.loads(json.dumps(i18n.to_stored(Msg("Sent {file}.", file=Msg("the {what}", what="PDF")))))
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    shown = str(i18n.from_stored(stored))
    assert shown.startswith("[Śéñt") or shown.startswith("[Séñt")
    assert "PDF" in shown and "{" not in shown


def test_plain_text_from_older_records_is_shown_as_written():
    assert i18n.from_stored("Uploaded.") == "Uploaded."


def test_plural_forms_fill_in_the_count():
    assert str(Msg.plural_of("{n} invoice was sent.", "{n} invoices were sent.", 3)) == "3 invoices were sent."
    assert str(Msg.plural_of("{n} invoice was sent.", "{n} invoices were sent.", 1)) == "1 invoice was sent."


def test_the_pseudo_language_brackets_lengthens_and_keeps_placeholders():
    text = i18n.pseudo_translate("Upload {n} files to %(host)s")
    assert text.startswith("[") and text.endswith("]")
    assert "{n}" in text and "%(host)s" in text
    assert len(text) >= 1.4 * len("Upload {n} files to %(host)s")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANGUAGE": "pt:sv", "LANG": "de_DE.UTF-8"}, "sv"),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_cli_takes_its_language_from_the_environment(environ, expected):
    assert i18n.language_from_environment(environ) == expected


def test_an_unknown_language_falls_back_to_english():
    assert i18n.set_language("tlh") == "en"
    assert i18n._("Upload") == "Upload"


def test_the_pseudo_language_remembers_what_it_was_asked_to_translate():
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    i18n.PseudoTranslations.asked.clear()
    i18n._("Upload")
    i18n.pgettext("verb", "Open")
    str(Msg.plural_of("{n} file", "{n} files", 2))
    assert i18n.PseudoTranslations.asked == {(None, "Upload"), ("verb", "Open"), (None, "{n} file")}


def test_a_word_with_two_meanings_is_translated_in_its_declared_context():
    # PayFabric's address "Name" is a person's; a discount's or a Shopwave line's "Name" is a thing's.
    from invoice_desktop.providers._shopwave_form import InvoiceItem as ShopwaveLine
    from invoice_desktop.providers.payfabric_form import Address, TermDiscount

    titles = [Address.model_fields["Name"].title, TermDiscount.model_fields["Name"].title]
    titles.append(ShopwaveLine.model_fields["name"].title)
    assert [i18n._(t) for t in titles] == ["Name", "Name", "Name"]  # English: the word, never its context
    i18n.set_language("de")
    assert [i18n._(t) for t in titles] == ["Name", "Bezeichnung", "Bezeichnung"]
    i18n.set_language("fr")
    assert [i18n._(t) for t in titles] == ["Nom", "Désignation", "Désignation"]
