"""The few PDFium calls a content check and the preview make, bound to the PDFium library that pypdfium2 ships.

Importing pypdfium2_raw declares every one of PDFium's functions and structures (a 4,500-line generated module: some
10–20 ms in every CLI send and every dropped PDF), and pypdfium2 adds its helpers (together 20-30 ms of Python
holding the GIL while the window shows the file just dropped); a check uses nine calls, the preview seven more.
They are declared here as pypdfium2_raw declares them (tests/core/test_pdfium.py compares the two), on the same
library file, which the process then shares with pypdfium2 when the document readers load it. Where that file is not
found (a pypdfium2 built on a system PDFium, say), pypdfium2_raw itself is used.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from ctypes import CFUNCTYPE, POINTER, Structure, c_char, c_float, c_int, c_ubyte, c_uint, c_ulong, c_void_p
from pathlib import Path
from typing import Any

FPDF_ERR_PASSWORD = 4
FPDF_ERR_SECURITY = 5
FPDFBitmap_BGR = 2  # 3 bytes a pixel
FPDF_ANNOT = 0x01  # render flags: the page's annotations too
FPDF_REVERSE_BYTE_ORDER = 0x10  # RGB rather than BGR


class FPDF_LIBRARY_CONFIG(Structure):  # PDFium's names, as pypdfium2_raw spells them
    """Version 2 of the configuration: PDFium reads no field past those of the version it is given."""

    _fields_ = (
        ("version", c_int),
        ("m_pUserFontPaths", POINTER(POINTER(c_char))),
        ("m_pIsolate", c_void_p),
        ("m_v8EmbedderSlot", c_uint),
    )


class FPDF_FILEACCESS(Structure):
    _fields_ = (
        ("m_FileLen", c_ulong),
        ("m_GetBlock", CFUNCTYPE(c_int, c_void_p, c_ulong, POINTER(c_ubyte), c_ulong)),
        ("m_Param", c_void_p),
    )


# name: (argument types, result type); documents and pages are opaque pointers.
_FUNCTIONS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "FPDF_InitLibraryWithConfig": ((POINTER(FPDF_LIBRARY_CONFIG),), None),
    "FPDF_DestroyLibrary": ((), None),
    "FPDF_LoadCustomDocument": ((POINTER(FPDF_FILEACCESS), POINTER(c_char)), c_void_p),
    "FPDF_GetLastError": ((), c_ulong),
    "FPDF_GetPageCount": ((c_void_p,), c_int),
    "FPDF_LoadPage": ((c_void_p, c_int), c_void_p),
    "FPDF_ClosePage": ((c_void_p,), None),
    "FPDF_GetSecurityHandlerRevision": ((c_void_p,), c_int),
    "FPDF_CloseDocument": ((c_void_p,), None),
    # The preview's first page (core/documents/preview.py)
    "FPDF_LoadDocument": ((POINTER(c_char), POINTER(c_char)), c_void_p),
    "FPDF_GetPageWidthF": ((c_void_p,), c_float),
    "FPDF_GetPageHeightF": ((c_void_p,), c_float),
    "FPDFBitmap_CreateEx": ((c_int, c_int, c_int, c_void_p, c_int), c_void_p),
    "FPDFBitmap_FillRect": ((c_void_p, c_int, c_int, c_int, c_int, c_ulong), c_int),
    "FPDF_RenderPageBitmap": ((c_void_p, c_void_p, c_int, c_int, c_int, c_int, c_int, c_int), None),
    "FPDFBitmap_Destroy": ((c_void_p,), None),
}


class _Api:
    """The calls, the two structures and the constants, under pypdfium2_raw's names."""

    FPDF_LIBRARY_CONFIG = FPDF_LIBRARY_CONFIG
    FPDF_FILEACCESS = FPDF_FILEACCESS
    FPDF_ERR_PASSWORD = FPDF_ERR_PASSWORD
    FPDF_ERR_SECURITY = FPDF_ERR_SECURITY
    FPDFBitmap_BGR = FPDFBitmap_BGR
    FPDF_ANNOT = FPDF_ANNOT
    FPDF_REVERSE_BYTE_ORDER = FPDF_REVERSE_BYTE_ORDER

    def __init__(self, library: ctypes.CDLL) -> None:
        for name, (argtypes, restype) in _FUNCTIONS.items():
            function = library[name]
            function.argtypes = argtypes
            function.restype = restype
            setattr(self, name, function)


def library_file() -> Path | None:
    """The PDFium library inside the installed pypdfium2_raw package (found without importing it), if there."""
    spec = importlib.util.find_spec("pypdfium2_raw")
    if spec is None or not spec.submodule_search_locations:
        return None
    if sys.platform.startswith(("win32", "cygwin", "msys")):
        name = "pdfium.dll"
    elif sys.platform.startswith(("darwin", "ios")):
        name = "libpdfium.dylib"
    else:
        name = "libpdfium.so"
    path = Path(next(iter(spec.submodule_search_locations))) / name
    return path if path.exists() else None


def load() -> Any:
    """PDFium's calls for a check and a preview: our declarations on pypdfium2's library file, else
    pypdfium2_raw's."""
    path = library_file()
    if path is None:
        import pypdfium2_raw

        return pypdfium2_raw
    return _Api(ctypes.CDLL(str(path)))  # the same class pypdfium2_raw loads it with
