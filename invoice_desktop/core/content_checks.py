"""What is inside a file: does its content really make the document its extension promises?

Each check reads the file for real (not only its first bytes) and either returns warnings (the file can be sent,
but the clerk should know something) or raises `ContentRefused` with a sentence that names the rule that was broken
and what to do next. The checks run off the UI thread (the window's check task, the CLI's prepare) and take a few
milliseconds for a 10 MB file (benchmarks/content_checks.py).

One module a kind: content_pdf.py (PDFium), content_office.py (.docx/.xlsx packages, .doc/.xls compound files),
content_images.py (PNG, JPEG), content_text.py (.txt); content_refusal.py words their refusals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .content_images import check_jpeg, check_png
from .content_office import check_ole2, check_ooxml
from .content_pdf import check_pdf
from .content_refusal import ContentRefused, Names
from .content_text import check_text

__all__ = ["ContentRefused", "check_content"]

_CHECKERS: dict[str, Callable[[BinaryIO, Names], list[str]]] = {
    ".pdf": check_pdf,
    ".docx": check_ooxml,
    ".xlsx": check_ooxml,
    ".doc": check_ole2,
    ".xls": check_ole2,
    ".png": check_png,
    ".jpg": check_jpeg,
    ".jpeg": check_jpeg,
    ".txt": check_text,
}


def check_content(path: Path, extension: str, kind: str) -> list[str]:
    """Check `path` (already known to be a regular, non-empty file within the size limit) as a `kind` named
    `extension`. Returns warnings; raises ContentRefused or OSError (the file could not be read)."""
    checker = _CHECKERS.get(extension)
    if checker is None:
        return []
    with path.open("rb") as fh:
        return checker(fh, Names(path.name, extension, kind))
