"""What is inside a file: does its content really make the document its extension promises?

Each check reads the file for real (not only its first bytes) and either returns warnings (the file can be sent,
but the clerk should know something) or raises `ContentRefused` with a sentence that names the rule that was broken
and what to do next. The checks run off the UI thread (the window's check task, the CLI's prepare) and take a few
milliseconds for a 10 MB file (benchmarks/content_checks.py).

- PDF: opened with PDFium (pypdfium2, the app's one PDF library): it must open, have pages and its first page must
  load; a password to open it is a refusal, other protection (encryption with restrictions) a warning.
- .docx/.xlsx: a ZIP whose [Content_Types].xml declares Word's (Excel's) main part, which is there; members'
  checksums are verified.
- .doc/.xls: an OLE2 compound file whose structure parses and that holds Word's (Excel's) main stream.
- PNG: every chunk walked (signature, IHDR first, CRCs, IDAT, IEND). JPEG: every marker walked (SOI … SOF … SOS …
  EOI). No imaging library is needed for either.
- .txt: no NUL byte anywhere.
"""

from __future__ import annotations

import ctypes
import struct
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

from .i18n import N_, Msg, ngettext
from .stored_text import Text

CHUNK = 1024 * 1024


class ContentRefused(Exception):
    """The file's content is not a usable document of its kind. `message` is the whole sentence for the clerk."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


def check_content(path: Path, extension: str, kind: str) -> list[str]:
    """Check `path` (already known to be a regular, non-empty file within the size limit) as a `kind` named
    `extension`. Returns warnings; raises ContentRefused or OSError (the file could not be read)."""
    checker = _CHECKERS.get(extension)
    if checker is None:
        return []
    with path.open("rb") as fh:
        return checker(fh, _Names(path.name, extension, kind))


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


def _kind(kind: str) -> Text:
    """A kind of file ("PDF document", marked with N_ where declared), translated when shown."""
    return Msg(kind) if kind in _WITH_ARTICLE else kind


def _a(kind: str) -> Text:
    """The kind with its article ("an Excel workbook"), translated when shown."""
    phrase = _WITH_ARTICLE.get(kind)
    if phrase is not None:
        return Msg(phrase)
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"  # an undeclared kind: English only


class _Names:
    """The words every message needs."""

    def __init__(self, name: str, extension: str, kind: str) -> None:
        self.name, self.ext, self.kind = name, extension, kind

    def not_a(self, what: Msg | None = None) -> ContentRefused:
        # The wording of the first-bytes check, kept: a file that is something else entirely.
        words = {"name": self.name, "extension": self.ext, "a_kind": _a(self.kind), "kind": _kind(self.kind)}
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
        next_step = step or Msg("Save or export it again as {a_kind} and drop the new file.", a_kind=_a(self.kind))
        # Translators: {why} says what is wrong ("its first page cannot be read"); {step} what to do next.
        return ContentRefused(
            Msg(
                "“{name}” is a damaged or incomplete {kind}: {why}. {step}",
                name=self.name,
                kind=_kind(self.kind),
                why=why,
                step=next_step,
            )
        )


# -- PDF -----------------------------------------------------------------------------------------------------------

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
    """PDFium's calls for a check (core/pdfium.py), the library initialised. Call with PDFIUM_LOCK held.

    Neither pypdfium2 nor its generated bindings are imported for a check: pypdfium2 also loads its Python helpers
    (pages, bitmaps, text, fonts…) and the bindings declare all of PDFium, which a check does not use (the document
    readers and the preview, which do, import pypdfium2 when they need it). The library is initialised as pypdfium2
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


def _check_pdf(fh: BinaryIO, n: _Names) -> list[str]:
    if not fh.read(5) == b"%PDF-":
        raise n.not_a()
    with PDFIUM_LOCK:
        pdfium_c = _pdfium()
        # PDFium reads the parts it needs through a callback: never the whole file in memory, and no path for its
        # own file opening (which cannot take every name on Windows).
        size = fh.seek(0, 2)
        access = pdfium_c.FPDF_FILEACCESS()
        access.m_FileLen = size
        access.m_GetBlock = type(access.m_GetBlock)(_block_reader(fh))
        access.m_Param = None
        doc = pdfium_c.FPDF_LoadCustomDocument(ctypes.byref(access), None)
        if not doc:
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
        try:
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
            encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(doc) != -1
        finally:
            pdfium_c.FPDF_CloseDocument(doc)
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


# -- Office Open XML (.docx, .xlsx) ----------------------------------------------------------------------------------

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# The main part's content type of each Office package, and what a clerk calls the file.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (".docx", N_("Word document")),
    "application/vnd.ms-word.document.macroEnabled.main+xml": (".docm", N_("macro-enabled Word document")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (".dotx", N_("Word template")),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (".xlsx", N_("Excel workbook")),
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (".xlsm", N_("macro-enabled Excel workbook")),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (".xltx", N_("Excel template")),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        ".pptx",
        N_("PowerPoint presentation"),
    ),
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A ZIP whose members unpack to more than this is checked by its main parts only (never unpacked whole).
_MAX_UNPACKED_TO_VERIFY = 256 * 1024 * 1024


def _check_ooxml(fh: BinaryIO, n: _Names) -> list[str]:
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(_OLE2):
        _refuse_encrypted_office_package(fh, n)
        raise n.not_a(Msg("it is an Office 97-2003 file: name it .doc or .xls, or save it again from Office"))
    if not head.startswith(b"PK\x03\x04"):
        raise n.not_a()
    try:
        with zipfile.ZipFile(fh) as zf:
            return _check_package(zf, n)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise n.damaged(Msg("its ZIP structure is broken ({error})", error=str(exc))) from None


def _check_package(zf: zipfile.ZipFile, n: _Names) -> list[str]:
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names:
        raise n.not_a(Msg("it is a ZIP archive, not an Office document: it has no [Content_Types].xml"))
    info = zf.getinfo("[Content_Types].xml")
    if info.file_size > 4 * 1024 * 1024:
        raise n.damaged(Msg("its [Content_Types].xml is implausibly large"))
    try:
        types = ElementTree.fromstring(zf.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise n.damaged(Msg("its [Content_Types].xml cannot be read ({error})", error=str(exc))) from None
    mains = [
        (o.get("PartName", ""), o.get("ContentType", ""))
        for o in types.iter(f"{_CT_NS}Override")
        if o.get("ContentType", "") in _OOXML_MAIN
    ]
    wanted = [(part, ct) for part, ct in mains if _OOXML_MAIN[ct][0] == n.ext]
    if not wanted:
        if mains:
            other_ext, other_kind = _OOXML_MAIN[mains[0][1]]
            raise n.not_a(
                Msg(
                    "it is {a_kind}; name it {extension} if that is what you meant to send",
                    a_kind=_a(other_kind),
                    extension=other_ext,
                )
            )
        raise n.not_a(Msg("it is an Office package without the main part of {a_kind}", a_kind=_a(n.kind)))
    part = wanted[0][0].lstrip("/")
    if part not in names:
        raise n.damaged(Msg("its main part {part} is missing", part=part))
    total = sum(i.file_size for i in zf.infolist())
    members = zf.infolist() if total <= _MAX_UNPACKED_TO_VERIFY else [info, zf.getinfo(part)]
    for member in members:
        try:
            with zf.open(member) as stream:  # reading to the end checks the member's CRC
                while stream.read(64 * 1024):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
            raise n.damaged(Msg("its part {part} is corrupt ({error})", part=member.filename, error=str(exc))) from None
    return []


def _refuse_encrypted_office_package(fh: BinaryIO, n: _Names) -> None:
    """An Office 2007+ file saved with a password to open is an OLE2 file holding the encrypted package."""
    ole = _open_ole(fh, n)
    try:
        if ole.exists("EncryptedPackage"):
            raise ContentRefused(
                Msg(
                    "“{name}” is protected with a password to open it, so the provider cannot open it (rule: the "
                    "{kind} must open without a password). Remove the password in Office (File → Info → Protect) "
                    "and drop the saved file.",
                    name=n.name,
                    kind=_kind(n.kind),
                )
            )
    finally:
        ole.close()
    fh.seek(0)


# -- OLE2 (.doc, .xls) --------------------------------------------------------------------------------------------

# The stream that holds the document itself, by extension.
_OLE_MAIN = {".doc": ("WordDocument",), ".xls": ("Workbook", "Book")}
_BIFF_BOF = 0x0809  # every Excel 5-2003 workbook stream starts with this record


def _open_ole(fh: BinaryIO, n: _Names) -> Any:
    import olefile  # imported on first use: the window starts without it

    try:
        return olefile.OleFileIO(fh, raise_defects=olefile.DEFECT_INCORRECT)
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError… on a broken structure
        raise n.damaged(Msg("its Office 97-2003 structure is broken ({error})", error=str(exc))) from None


def _check_ole2(fh: BinaryIO, n: _Names) -> list[str]:
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(b"PK\x03\x04"):
        newer = ".docx" if n.ext == ".doc" else ".xlsx"
        raise n.not_a(Msg("it is a newer Office file (ZIP): name it {extension}", extension=newer))
    if not head.startswith(_OLE2):
        raise n.not_a()
    ole = _open_ole(fh, n)
    try:
        if ole.exists("EncryptedPackage"):
            raise ContentRefused(
                Msg(
                    "“{name}” is a password-protected Office 2007+ file, not {a_kind} (rule: the document must open "
                    "without a password). Remove the password in Office and save it again.",
                    name=n.name,
                    a_kind=_a(n.kind),
                )
            )
        streams = [s for s in _OLE_MAIN[n.ext] if ole.exists(s)]
        if not streams:
            others = {
                "WordDocument": N_("Word document"),
                "Workbook": N_("Excel workbook"),
                "Book": N_("Excel workbook"),
            }
            found = next((kind for s, kind in others.items() if ole.exists(s)), None)
            raise n.not_a(
                Msg("it is {a_kind}", a_kind=_a(found))
                if found
                else Msg("it has no {stream} stream", stream=_OLE_MAIN[n.ext][0])
            )
        try:
            size = ole.get_size(streams[0])
            with ole.openstream(streams[0]) as stream:
                first = stream.read(4)
        except Exception as exc:
            raise n.damaged(
                Msg("its {stream} stream cannot be read ({error})", stream=streams[0], error=str(exc))
            ) from None
        if size == 0:
            raise n.damaged(Msg("its {stream} stream is empty", stream=streams[0]))
        if n.ext == ".xls" and (len(first) < 4 or struct.unpack("<H", first[:2])[0] != _BIFF_BOF):
            raise n.damaged(Msg("its workbook stream does not start as an Excel workbook does"))
    finally:
        ole.close()
    return []


# -- PNG and JPEG ----------------------------------------------------------------------------------------------------

_PNG = b"\x89PNG\r\n\x1a\n"


def _check_png(fh: BinaryIO, n: _Names) -> list[str]:
    """Walk the chunks from the file, a piece at a time: the image is never held whole."""
    if fh.read(len(_PNG)) != _PNG:
        raise n.not_a()
    pos, first, seen_idat = len(_PNG), True, False
    while True:
        header = fh.read(8)
        if len(header) < 8:
            raise n.damaged(
                Msg(
                    "it ends at byte {byte} before its IEND chunk (it was cut short)",
                    byte=format(pos + len(header), ","),
                )
            )
        length, ctype = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not ctype.isalpha():
            raise n.damaged(Msg("the chunk at byte {byte} is malformed", byte=format(pos, ",")))
        name = ctype.decode("ascii")
        if first and (name != "IHDR" or length != 13):
            raise n.damaged(Msg("it does not start with its IHDR header chunk"))
        crc, remaining = zlib.crc32(ctype), length
        while remaining:
            piece = fh.read(min(remaining, CHUNK))
            if not piece:
                raise n.damaged(
                    Msg(
                        "its {chunk} chunk is cut short at byte {byte}",
                        chunk=name,
                        byte=format(pos + 8 + length - remaining, ","),
                    )
                )
            crc = zlib.crc32(piece, crc)
            remaining -= len(piece)
        stored = fh.read(4)
        if len(stored) < 4:
            raise n.damaged(
                Msg(
                    "its {chunk} chunk is cut short at byte {byte}",
                    chunk=name,
                    byte=format(pos + 8 + length + len(stored), ","),
                )
            )
        if struct.unpack(">I", stored)[0] != crc:
            raise n.damaged(
                Msg("its {chunk} chunk at byte {byte} fails its checksum", chunk=name, byte=format(pos, ","))
            )
        first = False
        seen_idat = seen_idat or name == "IDAT"
        if name == "IEND":
            break
        pos += 12 + length
    if not seen_idat:
        raise n.damaged(Msg("it holds no image data (no IDAT chunk)"))
    return []


# JPEG markers that stand alone (no length follows): TEM, RST0-7, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8, 0xD9}
# Start-of-frame markers (baseline, progressive, lossless…): C0-CF except DHT (C4), JPG (C8) and DAC (CC).
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(fh: BinaryIO, n: _Names) -> list[str]:
    # Held whole (within the provider's size limit): the scan data is searched for markers with bytes.find.
    data = fh.read()
    if not data.startswith(b"\xff\xd8\xff"):
        raise n.not_a()
    size, pos = len(data), 2
    seen_sof = seen_sos = False
    while True:
        if pos >= size or data[pos] != 0xFF:
            at = f"{min(pos, size):,}"
            raise n.damaged(
                Msg("it ends at byte {byte} before its end marker (EOI)", byte=at)
                if pos >= size
                else Msg("it has stray data at byte {byte} before its end marker (EOI)", byte=at)
            )
        while pos < size and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= size:
            raise n.damaged(Msg("it ends before its end marker (EOI)"))
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            break
        if marker in _STANDALONE:
            if marker == 0xD8:
                raise n.damaged(Msg("a second start marker at byte {byte}", byte=format(pos - 2, ",")))
            continue
        if pos + 2 > size:
            raise n.damaged(Msg("its marker FF{marker} is cut short", marker=format(marker, "02X")))
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > size:
            raise n.damaged(
                Msg(
                    "its segment FF{marker} at byte {byte} runs past the end of the file",
                    marker=format(marker, "02X"),
                    byte=format(pos - 2, ","),
                )
            )
        if marker in _SOF:
            seen_sof = True
        pos += length
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next marker that is not RSTn or FF00
            if not seen_sof:
                raise n.damaged(Msg("its image data comes before its frame header (SOF)"))
            seen_sos = True
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    raise n.damaged(Msg("it ends inside its image data, before its end marker (EOI): it was cut short"))
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                    continue
                break
    if not seen_sos:
        raise n.damaged(Msg("it holds no image data (no start-of-scan marker)"))
    return []


# -- text -------------------------------------------------------------------------------------------------------------


def _check_text(fh: BinaryIO, n: _Names) -> list[str]:
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


_CHECKERS = {
    ".pdf": _check_pdf,
    ".docx": _check_ooxml,
    ".xlsx": _check_ooxml,
    ".doc": _check_ole2,
    ".xls": _check_ole2,
    ".png": _check_png,
    ".jpg": _check_jpeg,
    ".jpeg": _check_jpeg,
    ".txt": _check_text,
}
