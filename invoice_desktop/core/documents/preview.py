"""A document's first page as pixels, and its page count, for the window's preview (no Qt).

Rendered with pypdfium2, the app's one PDF library, under the one PDFium lock (PDFium takes one thread at a
time; a content check or a batch fill may be running). Slow for big pages: call it off the UI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..i18n import N_, _

log = logging.getLogger("invoice_desktop.preview")


@dataclass(frozen=True)
class PagePicture:
    """RGB pixels, 3 bytes each, rows `stride` bytes apart."""

    width: int
    height: int
    stride: int
    pixels: bytes
    pages: int  # the document's page count


class PreviewUnavailable(Exception):
    """The document cannot be shown (damaged, password-protected, not a PDF): the message says why."""


def first_page(path: Path, longest_side: int = 480) -> PagePicture:
    """The first page scaled so its longer side is `longest_side` pixels."""
    import pypdfium2 as pdfium

    from ..content_pdf import PDFIUM_LOCK

    if path.suffix.lower() != ".pdf":
        raise PreviewUnavailable(
            _("No preview for {extension} files: only PDFs are shown.").format(extension=path.suffix)
            if path.suffix
            else _("No preview for this file: only PDFs are shown.")
        )
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            log.info(N_("No preview of %(file)s: %(error)s"), {"file": path.name, "error": exc})
            raise PreviewUnavailable(
                _("No preview: the PDF cannot be opened (damaged, or protected by a password).")
            ) from None
        try:
            pages = len(document)
            if pages == 0:
                raise PreviewUnavailable(_("No preview: the PDF has no pages."))
            page = document[0]
            try:
                width, height = page.get_size()
                scale = longest_side / max(width, height, 1.0)
                bitmap = page.render(scale=scale, rev_byteorder=True)  # 3-byte RGB, as QImage's RGB888 reads it
                try:
                    pixels = bytes(bitmap.buffer)
                    return PagePicture(bitmap.width, bitmap.height, bitmap.stride, pixels, pages)
                finally:
                    bitmap.close()
            finally:
                page.close()
        finally:
            document.close()
