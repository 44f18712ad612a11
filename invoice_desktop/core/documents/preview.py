"""A document's first page as pixels, and its page count, for the window's preview (no Qt).

Rendered with PDFium (pypdfium2's library, the app's one PDF library) through core/pdfium.py's few calls, under the
one PDFium lock (PDFium takes one thread at a time; a content check or a batch fill may be running). Slow for big
pages: call it off the UI thread.
"""

from __future__ import annotations

import ctypes
import logging
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    from ..content_pdf import PDFIUM_LOCK, _pdfium

    if path.suffix.lower() != ".pdf":
        raise PreviewUnavailable(
            _("No preview for {extension} files: only PDFs are shown.").format(extension=path.suffix)
            if path.suffix
            else _("No preview for this file: only PDFs are shown.")
        )
    with PDFIUM_LOCK:
        # PDFium's calls as core/pdfium.py declares them: pypdfium2's helpers and generated bindings (20-30 ms of
        # Python holding the GIL, while the window shows the file just dropped) are not imported for a thumbnail.
        api = _pdfium()
        # The path as pypdfium2 gives it to PDFium (which reads the file itself, without holding the GIL).
        errors = "strict" if sys.platform.startswith("win32") else "surrogateescape"
        document = api.FPDF_LoadDocument((str(path) + "\x00").encode("utf-8", errors=errors), None)
        if not document:
            log.info(N_("No preview of %(file)s: %(error)s"), {"file": path.name, "error": api.FPDF_GetLastError()})
            raise PreviewUnavailable(_("No preview: the PDF cannot be opened (damaged, or protected by a password)."))
        try:
            pages = api.FPDF_GetPageCount(document)
            if pages < 1:
                raise PreviewUnavailable(_("No preview: the PDF has no pages."))
            return _render_first(api, document, pages, longest_side)
        finally:
            api.FPDF_CloseDocument(document)


def _render_first(api: Any, document: Any, pages: int, longest_side: int) -> PagePicture:
    """The open document's first page as 3-byte RGB on white, annotations drawn (as pypdfium2's render draws it)."""
    page = api.FPDF_LoadPage(document, 0)
    if not page:
        raise PreviewUnavailable(_("No preview: the PDF cannot be opened (damaged, or protected by a password)."))
    try:
        width, height = api.FPDF_GetPageWidthF(page), api.FPDF_GetPageHeightF(page)
        scale = longest_side / max(width, height, 1.0)
        columns, rows = max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))
        stride = columns * 3
        pixels = (ctypes.c_ubyte * (stride * rows))()
        bitmap = api.FPDFBitmap_CreateEx(columns, rows, api.FPDFBitmap_BGR, pixels, stride)
        if not bitmap:
            raise MemoryError(f"PDFium made no {columns}×{rows} bitmap")
        try:
            api.FPDFBitmap_FillRect(bitmap, 0, 0, columns, rows, 0xFFFFFFFF)  # opaque white
            flags = api.FPDF_ANNOT | api.FPDF_REVERSE_BYTE_ORDER  # RGB, as QImage's RGB888 reads it
            api.FPDF_RenderPageBitmap(bitmap, page, 0, 0, columns, rows, 0, flags)
        finally:
            api.FPDFBitmap_Destroy(bitmap)
        return PagePicture(columns, rows, stride, bytes(pixels), pages)
    finally:
        api.FPDF_ClosePage(page)
