"""The text content check: a .txt file holds no NUL byte anywhere (UTF-16 text, which does, is named as such)."""

from __future__ import annotations

from typing import BinaryIO

from .content_refusal import CHUNK, ContentRefused, Names
from .i18n import Msg


def check_text(fh: BinaryIO, n: Names) -> list[str]:
    offset = 0
    while chunk := fh.read(CHUNK):
        at = chunk.find(b"\x00")
        if at >= 0:
            utf16 = chunk[:2] in (b"\xff\xfe", b"\xfe\xff") if offset == 0 else False
            if utf16:
                raise ContentRefused(
                    Msg(
                        "“{name}” is saved as UTF-16 text, which holds NUL bytes (rule: a text file holds no NUL "
                        "byte). Save it again with the encoding UTF-8 (Notepad: Save As → Encoding) and drop that "
                        "file.",
                        name=n.name,
                    )
                )
            raise ContentRefused(
                Msg(
                    "“{name}” is named .txt but holds binary data, not text (a NUL byte at byte {byte}; rule: a text "
                    "file holds no NUL byte). Drop the real text file, or the document in its own format.",
                    name=n.name,
                    byte=format(offset + at, ","),
                )
            )
        offset += len(chunk)
    return []
