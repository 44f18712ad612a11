"""How a content check says no: the refusal, and the words its sentences share (the file's name, its kind with and
without its article), translated when shown."""

from __future__ import annotations

from .i18n import N_, Msg
from .stored_text import Text

CHUNK = 1024 * 1024  # what a check reads at a time where it walks a file piece by piece


class ContentRefused(Exception):
    """The file's content is not a usable document of its kind. `message` is the whole sentence for the clerk."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


# Each kind of file with its article, whole: a translation may decline the word or drop the article.
_WITH_ARTICLE = {
    "PDF document": N_("a PDF document"),
    "Word document": N_("a Word document"),
    "Word 97-2003 document": N_("a Word 97-2003 document"),
    "Excel workbook": N_("an Excel workbook"),
    "Excel 97-2003 workbook": N_("an Excel 97-2003 workbook"),
    "PNG image": N_("a PNG image"),
    "JPEG image": N_("a JPEG image"),
    "text file": N_("a text file"),
    "macro-enabled Word document": N_("a macro-enabled Word document"),
    "Word template": N_("a Word template"),
    "macro-enabled Excel workbook": N_("a macro-enabled Excel workbook"),
    "Excel template": N_("an Excel template"),
    "PowerPoint presentation": N_("a PowerPoint presentation"),
}


def kind_name(kind: str) -> Text:
    """A kind of file ("PDF document", marked with N_ where declared), translated when shown."""
    return Msg(kind) if kind in _WITH_ARTICLE else kind


def with_article(kind: str) -> Text:
    """The kind with its article ("an Excel workbook"), translated when shown."""
    phrase = _WITH_ARTICLE.get(kind)
    if phrase is not None:
        return Msg(phrase)
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"  # an undeclared kind: English only


class Names:
    """The words every message needs."""

    def __init__(self, name: str, extension: str, kind: str) -> None:
        self.name, self.ext, self.kind = name, extension, kind

    def not_a(self, what: Msg | None = None) -> ContentRefused:
        # The wording of the first-bytes check, kept: a file that is something else entirely.
        words = {
            "name": self.name,
            "extension": self.ext,
            "a_kind": with_article(self.kind),
            "kind": kind_name(self.kind),
        }
        if what is None:
            return ContentRefused(
                Msg(
                    "“{name}” is named {extension} but its content is not {a_kind}. Export it again as a real {kind}.",
                    **words,
                )
            )
        return ContentRefused(
            Msg(
                "“{name}” is named {extension} but its content is not {a_kind} ({what}). Export it again as a real "
                "{kind}.",
                what=what,
                **words,
            )
        )

    def damaged(self, why: Msg, step: Msg | None = None) -> ContentRefused:
        next_step = step or Msg(
            "Save or export it again as {a_kind} and drop the new file.", a_kind=with_article(self.kind)
        )
        # Translators: {why} says what is wrong ("its first page cannot be read"); {step} what to do next.
        return ContentRefused(
            Msg(
                "“{name}” is a damaged or incomplete {kind}: {why}. {step}",
                name=self.name,
                kind=kind_name(self.kind),
                why=why,
                step=next_step,
            )
        )
