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

from .content_checks import ContentRefused, check_content

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

KIND_NAMES: dict[str, str] = {
    ".pdf": "PDF document",
    ".docx": "Word document",
    ".doc": "Word 97-2003 document",
    ".xlsx": "Excel workbook",
    ".xls": "Excel 97-2003 workbook",
    ".png": "PNG image",
    ".jpeg": "JPEG image",
    ".jpg": "JPEG image",
    ".txt": "text file",
}


def human_size(size: int) -> str:
    """A size as a clerk reads it: '10 MB', '1.5 MB', '512 KB', '0 bytes'."""
    if size >= MB:
        value = size / MB
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} byte" if size == 1 else f"{size} bytes"


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
        exts = " ".join(self.extensions)
        aliases = [f"{a} sent as {t}" for a, t in self.aliases.items() if a not in self.extensions]
        if aliases:
            exts += f" ({', '.join(aliases)})"
        whose = "" if self.limit_source == "provider" else " (this app's limit; the API documents none)"
        return f"{exts}, up to {human_size(self.max_bytes)}{whose}"

    def with_max_bytes(self, max_bytes: int) -> AttachmentRules:
        return AttachmentRules(self.extensions, max_bytes, self.limit_source, dict(self.aliases))


class AttachmentRefused(Exception):
    """The file breaks one of the rules; nothing was sent."""

    def __init__(self, rule: str, message: str) -> None:
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
    warnings: tuple[str, ...] = ()

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
                "broken-link", f"“{name}” is a shortcut to a file that no longer exists. Pick the file itself."
            ) from None
        raise AttachmentRefused("missing", f"“{name}” does not exist (was it moved or renamed?).") from None
    except OSError as exc:
        raise AttachmentRefused("unreadable", f"“{name}” cannot be read: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise AttachmentRefused("not-a-file", f"“{name}” is a folder. Drop the invoice file itself, not a folder.")
    if not stat.S_ISREG(st.st_mode):
        raise AttachmentRefused("not-a-file", f"“{name}” is not a regular file.")

    ext = p.suffix.lower()
    if ext not in rules.accepted_extensions:
        shown = ext or "no extension"
        raise AttachmentRefused(
            "extension",
            f"“{name}” has {shown}; this provider accepts only {' '.join(rules.extensions)} files.",
        )
    if st.st_size == 0:
        raise AttachmentRefused("empty", f"“{name}” is empty (0 bytes). Pick the real invoice file.")
    if st.st_size > rules.max_bytes:
        whose = (
            "this provider's limit" if rules.limit_source == "provider" else "this app's limit (the API documents none)"
        )
        raise AttachmentRefused(
            "size",
            f"“{name}” is {human_size(st.st_size)} ({st.st_size:,} bytes); the limit is "
            f"{human_size(rules.max_bytes)} ({rules.max_bytes:,} bytes), {whose}.",
        )
    try:
        warnings = check_content(p, ext, KIND_NAMES.get(ext, ext))
    except ContentRefused as exc:
        raise AttachmentRefused("content", exc.message) from None
    except OSError as exc:
        raise AttachmentRefused("unreadable", f"“{name}” cannot be read: {exc.strerror or exc}.") from None

    send_ext = rules.aliases.get(ext, ext)
    upload_name = name if send_ext == ext else p.stem + send_ext
    return CheckedAttachment(
        path=p, size=st.st_size, extension=send_ext, upload_name=upload_name, warnings=tuple(warnings)
    )
