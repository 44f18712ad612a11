"""Attachment rules and the checks every file passes before any request is sent.

A provider declares its rules as data (`AttachmentRules`); `check_attachment` applies them and either returns
a `CheckedAttachment` or raises `AttachmentRefused` naming the rule that was broken and its limit, in words a
clerk understands.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import N_, Msg, _, ngettext
from .local_format import format_amount
from .stored_text import Text

MB = 1024 * 1024

# Content-Type for each multipart part or raw body, from a fixed table: `mimetypes` reads the Windows registry,
# which differs from machine to machine.
CONTENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".txt": "text/plain",
}

# Marked with N_: translated with `_()` where they are shown.
KIND_NAMES: dict[str, str] = {
    ".pdf": N_("PDF document"),
    ".docx": N_("Word document"),
    ".doc": N_("Word 97-2003 document"),
    ".xlsx": N_("Excel workbook"),
    ".xls": N_("Excel 97-2003 workbook"),
    ".png": N_("PNG image"),
    ".jpeg": N_("JPEG image"),
    ".jpg": N_("JPEG image"),
    ".txt": N_("text file"),
}


def human_size(size: int) -> str:
    """A size as a clerk reads it: '10 MB', '1.5 MB', '512 KB', '0 bytes'."""
    # Numbers with the region's decimal sign and grouping ("1,5 MB" in German, "1 009 bytes" in Swedish).
    if size >= MB:
        value = size / MB
        shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
        # TRANSLATORS: a file size in megabytes; {size} is already written the region's way ("1,5").
        return _("{size} MB").format(size=format_amount(shown))
    if size >= 1024:
        # TRANSLATORS: a file size in kilobytes; {size} is already written the region's way.
        return _("{size} KB").format(size=format_amount(f"{size / 1024:.0f}"))
    return ngettext("{n} byte", "{n} bytes", size).format(n=format_amount(size))


@dataclass(frozen=True)
class AttachmentRules:
    """What a provider's API accepts as a document."""

    extensions: tuple[str, ...]
    max_bytes: int
    # "provider": the limit is the API's documented one; "app": the API documents none, so this is ours.
    limit_source: str = "provider"
    # Extensions accepted from the clerk and sent under another name, e.g. {".jpg": ".jpeg"}.
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extensions", tuple(e.lower() for e in self.extensions))

    @property
    def accepted_extensions(self) -> tuple[str, ...]:
        return self.extensions + tuple(a for a in self.aliases if a not in self.extensions)

    def extension_allowed(self, name: str) -> bool:
        """The cheap check done while a file is dragged over the window: by name only."""
        return Path(name).suffix.lower() in self.accepted_extensions

    def describe(self) -> str:
        """What a provider accepts, in the current language: ".pdf .docx, up to 10 MB"."""
        exts = " ".join(self.extensions)
        aliases = [
            # Translators: an extension accepted and sent under another one: ".jpg sent as .jpeg".
            _("{extension} sent as {sent_as}").format(extension=a, sent_as=t)
            for a, t in self.aliases.items()
            if a not in self.extensions
        ]
        if aliases:
            exts += f" ({', '.join(aliases)})"
        if self.limit_source == "provider":
            return _("{extensions}, up to {size}").format(extensions=exts, size=human_size(self.max_bytes))
        return _("{extensions}, up to {size} (this app's limit; the API documents none)").format(
            extensions=exts, size=human_size(self.max_bytes)
        )

    def with_max_bytes(self, max_bytes: int) -> AttachmentRules:
        return AttachmentRules(self.extensions, max_bytes, self.limit_source, dict(self.aliases))


class AttachmentRefused(Exception):
    """The file breaks one of the rules; nothing was sent."""

    def __init__(self, rule: str, message: Text) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class CheckedAttachment:
    """A file that passed every check. `upload_name` is the name the provider will see."""

    path: Path
    size: int
    extension: str
    upload_name: str
    # Things the clerk should know before sending (e.g. an encrypted PDF the provider may not open).
    warnings: tuple[str, ...] = ()  # in the language of the moment: shown at once, never kept

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")


def check_attachment(path: str | os.PathLike[str], rules: AttachmentRules) -> CheckedAttachment:
    """Check a file against a provider's rules, in the order a clerk can act on.

    The content is checked for real (core/content_checks.py): a file named .pdf must be a PDF that opens, and so on.
    """
    p = Path(path)
    name = p.name
    try:
        st = p.stat()  # follows links: a broken link fails here
    except FileNotFoundError:
        if p.is_symlink():
            raise AttachmentRefused(
                "broken-link",
                Msg("“{name}” is a shortcut to a file that no longer exists. Pick the file itself.", name=name),
            ) from None
        raise AttachmentRefused(
            "missing", Msg("“{name}” does not exist (was it moved or renamed?).", name=name)
        ) from None
    except OSError as exc:
        raise AttachmentRefused(
            "unreadable", Msg("“{name}” cannot be read: {reason}.", name=name, reason=exc.strerror or str(exc))
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise AttachmentRefused(
            "not-a-file", Msg("“{name}” is a folder. Drop the invoice file itself, not a folder.", name=name)
        )
    if not stat.S_ISREG(st.st_mode):
        raise AttachmentRefused("not-a-file", Msg("“{name}” is not a regular file.", name=name))

    ext = p.suffix.lower()
    if ext not in rules.accepted_extensions:
        accepted = " ".join(rules.extensions)
        raise AttachmentRefused(
            "extension",
            Msg(
                "“{name}” has {extension}; this provider accepts only {accepted} files.",
                name=name,
                extension=ext,
                accepted=accepted,
            )
            if ext
            else Msg(
                "“{name}” has no extension; this provider accepts only {accepted} files.", name=name, accepted=accepted
            ),
        )
    if st.st_size == 0:
        raise AttachmentRefused("empty", Msg("“{name}” is empty (0 bytes). Pick the real invoice file.", name=name))
    if st.st_size > rules.max_bytes:
        sizes = {
            "name": name,
            "size": human_size(st.st_size),
            "bytes": f"{st.st_size:,}",
            "limit": human_size(rules.max_bytes),
            "limit_bytes": f"{rules.max_bytes:,}",
        }
        raise AttachmentRefused(
            "size",
            Msg(
                "“{name}” is {size} ({bytes} bytes); the limit is {limit} ({limit_bytes} bytes), this provider's "
                "limit.",
                **sizes,
            )
            if rules.limit_source == "provider"
            else Msg(
                "“{name}” is {size} ({bytes} bytes); the limit is {limit} ({limit_bytes} bytes), this app's limit (the "
                "API documents none).",
                **sizes,
            ),
        )
    # The content checks (ctypes, zipfile, ElementTree) are imported with the first file checked, not by everything
    # that imports this module (the window, before its first paint).
    from .content_checks import ContentRefused, check_content

    try:
        warnings = check_content(p, ext, KIND_NAMES.get(ext, ext))  # the source name: translated where shown
    except ContentRefused as exc:
        raise AttachmentRefused("content", exc.message) from None
    except OSError as exc:
        raise AttachmentRefused(
            "unreadable", Msg("“{name}” cannot be read: {reason}.", name=name, reason=exc.strerror or str(exc))
        ) from None

    send_ext = rules.aliases.get(ext, ext)
    upload_name = name if send_ext == ext else p.stem + send_ext
    return CheckedAttachment(
        path=p, size=st.st_size, extension=send_ext, upload_name=upload_name, warnings=tuple(warnings)
    )
