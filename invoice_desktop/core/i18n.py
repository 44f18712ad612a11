"""Our one catalog system for every string a person reads, in the window, the CLI and the Qt-free core.

The standard library's `gettext` reads the compiled catalogs at run time (cheap to import, no Qt); Babel is used only
by developers to extract and compile them (see the README, "Translations"). Catalogs live in
`invoice_desktop/locale/<lang>/LC_MESSAGES/invoice_desktop.mo`.

How to mark a string:

- `_("Upload")` translates now, in the current language. Use it where the text is built at the moment it is shown.
- `N_("Order id")` only marks a constant (module level, declared data) for extraction; translate it with `_()` where
  it is shown.
- `pgettext("empties the Log pane", "Clear")` for a short word that means two things in English; `NP_(context, text)`
  marks such a word in declared data (a form field's title "Name": a person's, or a thing's): `_()` translates it in
  its context where it is shown.
- `ngettext("{n} file", "{n} files", n)` for counts.
- `Msg("The invoice was attached to order {order}.", order=order_id)` for a sentence that is kept (an outcome, a
  history summary, an "interrupted" note): it keeps its source text and parameters, is translated each time it is
  shown, and is stored as `{"msgid": ..., "params": ...}` so a history written in one language reads in another.

Never assign to `_` (e.g. `for _ in ...`, `a, _ = ...`) in a module that imports it: that shadows the function.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

DOMAIN = "invoice_desktop"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"
# The languages we ship complete catalogs for (English is the source). Order is the Settings list's order.
SHIPPED_LANGUAGES = ("en", "de", "es", "fr", "sv")
# Each language's name as its speakers write it (never translated: a clerk must find their own language in a list
# shown in a language they may not read).
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français", "sv": "Svenska"}
# A test-only language: every string bracketed, accented and 40 % longer, so text that escapes translation and labels
# that clip are visible at a glance.
PSEUDO_LANGUAGE = "x-pseudo"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def set_language(language: str | None) -> str:
    """Use `language` ("de", "de_DE", "sv-SE", …) for every string from now on; returns the language in use.

    None or an unknown language falls back to English, never to an error: a clerk must always get a working app.
    """
    global _translation, _language
    code = normalize_language(language) if language else None
    if code == PSEUDO_LANGUAGE:
        _translation, _language = PseudoTranslations(), PSEUDO_LANGUAGE
    elif code and code != SOURCE_LANGUAGE and code in SHIPPED_LANGUAGES:
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
        _language = code if type(_translation) is not _gettext.NullTranslations else SOURCE_LANGUAGE
    else:
        _translation, _language = _gettext.NullTranslations(), SOURCE_LANGUAGE
    return _language


def current_language() -> str:
    return _language


def normalize_language(language: str) -> str | None:
    """ "de_DE.UTF-8" / "de-DE" / "DE" -> "de" when we ship it; the pseudo-locale as is; otherwise None."""
    text = language.strip()
    if text.lower() == PSEUDO_LANGUAGE:
        return PSEUDO_LANGUAGE
    base = re.split(r"[_.@-]", text, maxsplit=1)[0].lower()
    if base in ("c", "posix"):
        return SOURCE_LANGUAGE
    return base if base in SHIPPED_LANGUAGES else None


def first_shipped(languages: Iterable[str]) -> str:
    """The first of the user's preferred languages we ship, else English (the source)."""
    for language in languages:
        code = normalize_language(language)
        if code:
            return code
    return SOURCE_LANGUAGE


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's default: GNU gettext's order, LANGUAGE (a colon list) then LC_ALL, LC_MESSAGES, LANG."""
    env = os.environ if environ is None else environ
    preferred: list[str] = []
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            preferred.extend(part for part in value.split(":") if part)
            if name != "LANGUAGE":
                break  # the first of LC_ALL/LC_MESSAGES/LANG that is set decides, as in libc
    return first_shipped(preferred)


def choose_language(override: str | None, setting: str | None, system: Iterable[str]) -> str:
    """The language to start in: an explicit `--language`, else the clerk's choice in Settings → Language, else the
    first of the system's preferred languages we ship (the window passes QLocale.uiLanguages(), the CLI
    `language_from_environment()`), else English."""
    for chosen in (override, setting):
        if chosen and normalize_language(chosen):
            return str(normalize_language(chosen))
    return first_shipped(system)


# Between a context and its text in what `NP_` returns: gettext's own separator, so `_()` can tell them apart.
CONTEXT_SEPARATOR = "\x04"


def _(message: str) -> str:
    """Translate `message` into the current language now (in its context when `NP_` declared it)."""
    if CONTEXT_SEPARATOR in message:
        context, _sep, text = message.partition(CONTEXT_SEPARATOR)
        return _translation.pgettext(context, text)
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it with `_()` where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark a constant whose word means two things ("Name": a person's or a thing's) with its context; `_()` where it
    is shown translates it in that context (and shows `message` untranslated, never the context)."""
    return f"{context}{CONTEXT_SEPARATOR}{message}"


def ngettext(singular: str, plural: str, n: int) -> str:
    """The right plural form for `n` in the current language (format `{n}` yourself)."""
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a short word whose meaning depends on where it is shown ("Open" a file vs. an "Open" state)."""
    return _translation.pgettext(context, message)


class Msg:
    """A sentence kept as its source text and parameters, translated each time it is shown.

    Behaves like the string it renders to (f-strings, `str()`, `==` with a str, `in`, `+`), so code that shows
    results need not know; `to_json()`/`Msg.from_json()` store it without freezing the language.
    """

    __slots__ = ("msgid", "n", "params", "plural")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        self.plural: str | None = None
        self.n: int | None = None

    @classmethod
    def plural_of(cls, singular: str, plural: str, n: int, /, **params: Any) -> Msg:
        """`Msg.plural_of("{n} invoice was sent.", "{n} invoices were sent.", count)` (`{n}` is filled in)."""
        msg = cls(singular, n=n, **params)
        msg.plural, msg.n = plural, n
        return msg

    def __str__(self) -> str:
        template = ngettext(self.msgid, self.plural, self.n or 0) if self.plural is not None else _(self.msgid)
        if not self.params:
            return template
        values = {key: str(value) if isinstance(value, Msg) else value for key, value in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            # A catalog whose placeholders do not match the source (CI checks they do) must not hide the outcome:
            # show the source sentence instead.
            source = self.plural if self.plural is not None and self.n != 1 else self.msgid
            return source.format(**values)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg):
            return (self.msgid, self.params, self.plural) == (other.msgid, other.params, other.plural)
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)

    def __getattr__(self, name: str) -> Any:
        # str's methods (.splitlines(), .startswith(), .strip()…) on the rendered text.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid, "params": {k: to_stored(v) for k, v in self.params.items()}}
        if self.plural is not None:
            data["plural"], data["n"] = self.plural, self.n
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Msg:
        params = {key: from_stored(value) for key, value in dict(data.get("params") or {}).items()}
        msg = cls(str(data["msgid"]), **params)
        if data.get("plural") is not None:
            msg.plural, msg.n = str(data["plural"]), int(data.get("n") or 0)
        return msg


def to_stored(value: Any) -> Any:
    """What to write to JSON for a text that may be a `Msg` (plain values pass through)."""
    return value.to_json() if isinstance(value, Msg) else value


def from_stored(value: Any) -> Any:
    """The reverse of `to_stored`: older records hold plain English text, and are shown as written."""
    if isinstance(value, Mapping) and "msgid" in value:
        return Msg.from_json(value)
    return value


_PLACEHOLDER = re.compile(r"(\{[^{}]*\}|%(?:\(\w+\))?[sdr]|&&)")
_ACCENTED = str.maketrans("aeiouyAEIOUYcnsz", "áéíóúýÁÉÍÓÚÝçñšž")


def pseudo_translate(text: str) -> str:
    """ "Upload {n} files" -> "[Úplóád {n} fíléš ~~~~]": bracketed, accented, 40 % longer, placeholders intact."""
    if not text:
        return text
    parts = _PLACEHOLDER.split(text)
    body = "".join(part if _PLACEHOLDER.fullmatch(part) else part.translate(_ACCENTED) for part in parts)
    padding = "~" * max(1, round(len(text) * 0.4))
    return f"[{body} {padding}]"


class PseudoTranslations(_gettext.NullTranslations):
    """The pseudo-locale. It also remembers every (context, msgid) it was asked for, so the pseudo-locale test can
    check each is in the catalog template: a text translated at run time whose declaration was never marked would
    show pseudo-translated yet stay English in every real language."""

    asked: ClassVar[set[tuple[str | None, str]]] = set()  # shared by every instance: the whole run's texts

    def gettext(self, message: str) -> str:
        self.asked.add((None, message))
        return pseudo_translate(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add((None, msgid1))
        return pseudo_translate(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        self.asked.add((context, message))
        return pseudo_translate(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add((context, msgid1))
        return pseudo_translate(msgid1 if n == 1 else msgid2)
