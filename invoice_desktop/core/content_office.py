"""The Office content checks.

- .docx/.xlsx: a ZIP whose [Content_Types].xml declares Word's (Excel's) main part, which is there; members'
  checksums are verified.
- .doc/.xls: an OLE2 compound file whose structure parses and that holds Word's (Excel's) main stream.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Any, BinaryIO
from xml.etree import ElementTree

from .content_refusal import ContentRefused, Names, kind_name, with_article
from .i18n import N_, Msg

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


def check_ooxml(fh: BinaryIO, n: Names) -> list[str]:
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


def _check_package(zf: zipfile.ZipFile, n: Names) -> list[str]:
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
                    a_kind=with_article(other_kind),
                    extension=other_ext,
                )
            )
        raise n.not_a(Msg("it is an Office package without the main part of {a_kind}", a_kind=with_article(n.kind)))
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


def _refuse_encrypted_office_package(fh: BinaryIO, n: Names) -> None:
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
                    kind=kind_name(n.kind),
                )
            )
    finally:
        ole.close()
    fh.seek(0)


# -- OLE2 (.doc, .xls) --------------------------------------------------------------------------------------------

# The stream that holds the document itself, by extension.
_OLE_MAIN = {".doc": ("WordDocument",), ".xls": ("Workbook", "Book")}
_BIFF_BOF = 0x0809  # every Excel 5-2003 workbook stream starts with this record


def _open_ole(fh: BinaryIO, n: Names) -> Any:
    import olefile  # imported on first use: the window starts without it

    try:
        return olefile.OleFileIO(fh, raise_defects=olefile.DEFECT_INCORRECT)
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError… on a broken structure
        raise n.damaged(Msg("its Office 97-2003 structure is broken ({error})", error=str(exc))) from None


def check_ole2(fh: BinaryIO, n: Names) -> list[str]:
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
                    a_kind=with_article(n.kind),
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
                Msg("it is {a_kind}", a_kind=with_article(found))
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
