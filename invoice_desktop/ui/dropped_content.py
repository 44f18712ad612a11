"""What a drop carries when it has no file path: Windows virtual files (Outlook attachments: a FileGroupDescriptorW
naming them and FileContents holding the first one's bytes, as Qt hands them over) or a document dragged out of a
browser (its bytes under their own type). Read here; saved by core/dropped.py.
"""

from __future__ import annotations

import struct

from PySide6.QtCore import QMimeData

from ..core.i18n import _

DESCRIPTOR_FORMATS = ('application/x-qt-windows-mime;value="FileGroupDescriptorW"', "FileGroupDescriptorW")
CONTENTS_FORMATS = ('application/x-qt-windows-mime;value="FileContents"', "FileContents")
# A FILEDESCRIPTORW: flags, clsid, sizel, pointl, attributes, three FILETIMEs, size high/low, then WCHAR[260].
_DESCRIPTOR_SIZE = 592
_NAME_OFFSET = 72
# Documents a browser may hand over as bytes (and the name to give them when it gives none).
BROWSER_TYPES = {"application/pdf": "document.pdf"}
_BROWSER_NAME_FORMATS = ("application/x-moz-file-promise-dest-filename",)


def _first(mime: QMimeData, formats: tuple[str, ...]) -> bytes | None:
    for fmt in mime.formats():
        if any(fmt == wanted or fmt.endswith(f'value="{wanted}"') for wanted in formats):
            return bytes(mime.data(fmt).data())
    return None


def is_virtual(mime: QMimeData) -> bool:
    return _first(mime, DESCRIPTOR_FORMATS) is not None or any(mime.hasFormat(t) for t in BROWSER_TYPES)


def descriptor_names(raw: bytes) -> list[str]:
    """The file names a FileGroupDescriptorW lists."""
    if len(raw) < 4:
        return []
    (count,) = struct.unpack_from("<I", raw, 0)
    names = []
    for index in range(count):
        start = 4 + index * _DESCRIPTOR_SIZE + _NAME_OFFSET
        chunk = raw[start : start + 520]
        if len(chunk) < 2:
            break
        names.append(chunk.decode("utf-16-le", errors="replace").split("\x00", 1)[0])
    return names


def build_descriptor(names: list[str]) -> bytes:
    """A FileGroupDescriptorW as Windows writes it (for tests, and the inverse of `descriptor_names`)."""
    out = struct.pack("<I", len(names))
    for name in names:
        encoded = name.encode("utf-16-le")[:518]
        out += b"\x00" * _NAME_OFFSET + encoded + b"\x00" * (520 - len(encoded))
    return out


def virtual_files(mime: QMimeData) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(name, content) of each document the drop carries, and the names whose content did not come with it."""
    raw = _first(mime, DESCRIPTOR_FORMATS)
    if raw is not None:
        names = descriptor_names(raw)
        content = _first(mime, CONTENTS_FORMATS)
        if not names or content is None:
            # TRANSLATORS: an Outlook attachment whose name did not come with the drop ("1 more attachment did not
            # come with the drop (the attachment).").
            return [], names or [_("the attachment")]
        # Qt hands over the first item's contents only: the others must be dropped one by one or saved first.
        return [(names[0], content)], names[1:]
    for kind, default in BROWSER_TYPES.items():
        if mime.hasFormat(kind):
            given = _first(mime, _BROWSER_NAME_FORMATS)
            name = given.decode("utf-8", errors="replace").strip("\x00") if given else default
            return [(name or default, bytes(mime.data(kind).data()))], []
    return [], []
