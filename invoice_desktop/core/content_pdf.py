"""The PDF content check: the file is opened with PDFium (pypdfium2's library, the app's one PDF library) through
the few calls core/pdfium.py declares. It must open, have pages and its first page must load; a password to open it
is a refusal, other protection (encryption with restrictions) a warning."""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from .content_refusal import ContentRefused, Names
from .i18n import Msg, ngettext

# PDFium may be called from one thread at a time only (pypdfium2's docs): checks and, later, previews share it.
PDFIUM_LOCK = threading.Lock()


def _block_reader(fh: BinaryIO) -> Callable[[Any, int, Any, int], int]:
    """PDFium's FPDF_FILEACCESS.m_GetBlock: copy `size` bytes at `position` into PDFium's buffer; 1 when done."""

    def get_block(_param: Any, position: int, buffer: Any, size: int) -> int:
        fh.seek(position)
        data = fh.read(size)
        if len(data) != size:  # never hand PDFium memory that was not filled
            return 0
        ctypes.memmove(buffer, data, size)
        return 1

    return get_block


_pdfium_api: Any = None


def _pdfium() -> Any:
    """PDFium's calls for a check and the preview (core/pdfium.py), the library initialised. Call with PDFIUM_LOCK
    held.

    Neither pypdfium2 nor its generated bindings are imported for a check or a preview: pypdfium2 also loads its
    Python helpers (pages, bitmaps, text, fonts…) and the bindings declare all of PDFium, which they do not use (the
    batches' document readers, which do, import pypdfium2 when they need it). The library is initialised as pypdfium2
    does it, once: pypdfium2, if it is imported later, initialises it again, which PDFium ignores, and frees it at
    exit before our own exit handler, which PDFium then ignores too."""
    global _pdfium_api
    if _pdfium_api is None:
        from . import pdfium  # imported on first use: the window starts without it

        api = pdfium.load()
        if "pypdfium2._library_scope" not in sys.modules:  # else pypdfium2 initialised it, and frees it at exit
            import atexit

            config = api.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None, m_pIsolate=None, m_v8EmbedderSlot=0)
            api.FPDF_InitLibraryWithConfig(config)
            atexit.register(api.FPDF_DestroyLibrary)
        _pdfium_api = api
    return _pdfium_api


def check_pdf(fh: BinaryIO, n: Names) -> list[str]:
    if not fh.read(5) == b"%PDF-":
        raise n.not_a()
    with PDFIUM_LOCK:
        pdfium_c = _pdfium()
        doc, access = _open(pdfium_c, fh, n)
        try:
            pages, encrypted = _read_first_page(pdfium_c, doc, n)
        finally:
            pdfium_c.FPDF_CloseDocument(doc)
            del access  # PDFium reads through it (and its callback) until the document is closed
    if encrypted:
        return [
            ngettext(
                "“{name}” is an encrypted PDF (protected against changes or printing; {n} page). It opens here, but "
                "the provider may not be able to open it: if they say so, save it again without protection and send "
                "that file.",
                "“{name}” is an encrypted PDF (protected against changes or printing; {n} pages). It opens here, but "
                "the provider may not be able to open it: if they say so, save it again without protection and send "
                "that file.",
                pages,
            ).format(name=n.name, n=pages)
        ]
    return []


def _open(pdfium_c: Any, fh: BinaryIO, n: Names) -> tuple[Any, Any]:
    """The opened document with the file access PDFium reads it through (keep it alive until the document is
    closed: PDFium calls its callback whenever it needs a part, and freed memory would crash the process), or the
    refusal that says why PDFium cannot open it. Call with PDFIUM_LOCK held."""
    # PDFium reads the parts it needs through a callback: never the whole file in memory, and no path for its own
    # file opening (which cannot take every name on Windows).
    size = fh.seek(0, 2)
    access = pdfium_c.FPDF_FILEACCESS()
    access.m_FileLen = size
    access.m_GetBlock = type(access.m_GetBlock)(_block_reader(fh))
    access.m_Param = None
    doc = pdfium_c.FPDF_LoadCustomDocument(ctypes.byref(access), None)
    if doc:
        return doc, access
    code = pdfium_c.FPDF_GetLastError()
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        raise ContentRefused(
            Msg(
                "“{name}” needs a password to be opened, so the provider cannot open it either (rule: the "
                "PDF must open without a password). Save it again without the password (e.g. print it to a "
                "new PDF) and drop that file.",
                name=n.name,
            )
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        raise ContentRefused(
            Msg(
                "“{name}” is protected with a kind of encryption that cannot be opened here (rule: the PDF "
                "must open). Save it again without protection and drop that file.",
                name=n.name,
            )
        )
    raise n.damaged(Msg("it cannot be opened as a PDF (its structure is broken or it was cut short)"))


def _read_first_page(pdfium_c: Any, doc: Any, n: Names) -> tuple[int, bool]:
    """The page count and whether the document is encrypted, once its first page has loaded."""
    pages = pdfium_c.FPDF_GetPageCount(doc)
    if pages < 1:
        raise ContentRefused(
            Msg(
                "“{name}” is a PDF without any page (rule: the invoice must have at least one page). "
                "Export the invoice again and drop that file.",
                name=n.name,
            )
        )
    page = pdfium_c.FPDF_LoadPage(doc, 0)  # the first page's objects must load, not only the page count
    if not page:
        raise n.damaged(Msg("its first page cannot be read"))
    pdfium_c.FPDF_ClosePage(page)
    return pages, pdfium_c.FPDF_GetSecurityHandlerRevision(doc) != -1
