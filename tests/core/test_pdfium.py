"""The PDFium calls a content check and the preview make (core/pdfium.py) are declared as pypdfium2_raw declares
them: same library file, same argument and result types, same structure layouts. A wrong declaration would crash the
app, not fail a check: this compares them with the generated bindings, which pypdfium2 tests against PDFium itself."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2_raw
import pytest

from invoice_desktop.core import pdfium


def shape(ctype: object) -> tuple[str, int]:
    """What matters to the C ABI: pointer or not, and the size (an opaque pointer type is any pointer)."""
    if ctype is None:
        return ("void", 0)
    pointer = ctype is ctypes.c_void_p or issubclass(ctype, (ctypes._Pointer, ctypes._CFuncPtr))  # type: ignore[arg-type]
    return ("pointer" if pointer else getattr(ctype, "__name__", str(ctype)), ctypes.sizeof(ctype))  # type: ignore[arg-type]


def layout(structure: type[ctypes.Structure], count: int) -> list[tuple[str, int, int, tuple[str, int]]]:
    fields = [(name, ctype) for name, ctype in structure._fields_][:count]
    return [
        (name, getattr(structure, name).offset, getattr(structure, name).size, shape(ctype)) for name, ctype in fields
    ]


def test_the_library_file_is_the_one_pypdfium2_raw_loads() -> None:
    path = pdfium.library_file()
    assert path is not None
    assert Path(pypdfium2_raw.bindings._libs["pdfium"]._name).resolve() == path.resolve()


@pytest.mark.parametrize("name", sorted(pdfium._FUNCTIONS))
def test_each_call_is_declared_as_pypdfium2_raw_declares_it(name: str) -> None:
    ours = getattr(pdfium.load(), name)
    theirs = getattr(pypdfium2_raw, name)
    assert [shape(t) for t in ours.argtypes] == [shape(t) for t in theirs.argtypes]
    assert shape(ours.restype) == shape(theirs.restype)


def test_the_structures_are_laid_out_as_pypdfium2_raws() -> None:
    assert layout(pdfium.FPDF_FILEACCESS, 3) == layout(pypdfium2_raw.FPDF_FILEACCESS, 3)
    callback, their_callback = pdfium.FPDF_FILEACCESS.m_GetBlock, pypdfium2_raw.FPDF_FILEACCESS.m_GetBlock
    assert callback.size == their_callback.size
    ours_cb = dict(pdfium.FPDF_FILEACCESS._fields_)["m_GetBlock"]
    theirs_cb = dict(pypdfium2_raw.FPDF_FILEACCESS._fields_)["m_GetBlock"]
    assert [shape(t) for t in ours_cb._argtypes_] == [shape(t) for t in theirs_cb._argtypes_]
    assert shape(ours_cb._restype_) == shape(theirs_cb._restype_)
    # Version 2 of the configuration: its four fields, where PDFium reads them.
    assert layout(pdfium.FPDF_LIBRARY_CONFIG, 4) == layout(pypdfium2_raw.FPDF_LIBRARY_CONFIG, 4)
    assert (pdfium.FPDF_ERR_PASSWORD, pdfium.FPDF_ERR_SECURITY) == (
        pypdfium2_raw.FPDF_ERR_PASSWORD,
        pypdfium2_raw.FPDF_ERR_SECURITY,
    )
    # The preview's bitmap format and render flags.
    assert (pdfium.FPDFBitmap_BGR, pdfium.FPDF_ANNOT, pdfium.FPDF_REVERSE_BYTE_ORDER) == (
        pypdfium2_raw.FPDFBitmap_BGR,
        pypdfium2_raw.FPDF_ANNOT,
        pypdfium2_raw.FPDF_REVERSE_BYTE_ORDER,
    )
