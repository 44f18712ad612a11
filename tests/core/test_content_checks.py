"""The content checks as a whole (core/content_checks.py): every kind is checked in milliseconds and a piece at a
time, never held whole in memory."""

from __future__ import annotations

import io
import time

import pytest

from invoice_desktop.core.attachments import MB, check_attachment

from .. import documents
from .content_cases import RULES

# -- speed -------------------------------------------------------------------------------------------------------------


def _ten_mb(ext: str) -> bytes:
    if ext == ".pdf":
        return documents.pdf_of_size(10 * MB - 4096)
    if ext == ".png":
        return documents.image("PNG", 1800, 1800, noise=True)  # about 9.7 MB, incompressible
    if ext == ".jpeg":
        return documents.image("JPEG", 2350, 2050, noise=True, quality=100)
    if ext == ".docx":
        from docx import Document

        document = Document()
        document.add_picture(io.BytesIO(documents.image("PNG", 1700, 1700, noise=True)))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    return b"Invoice 42, a line of text\n" * (10 * MB // 27)


@pytest.mark.parametrize("ext", [".pdf", ".png", ".jpeg", ".docx", ".txt"])
def test_a_ten_mb_file_is_checked_well_under_a_second(put, ext):
    data = _ten_mb(ext)
    assert 8 * MB < len(data) <= 10 * MB
    path = put(f"big{ext}", data)
    start = time.perf_counter()
    check_attachment(path, RULES)
    took = time.perf_counter() - start
    # Typically 1-60 ms here (benchmarks/content_checks.py); the bound leaves room for a busy shared CI machine.
    assert took < 0.5, f"checking a {len(data):,}-byte {ext} took {took:.2f} s"


@pytest.mark.parametrize("ext", [".pdf", ".png", ".txt", ".docx"])
def test_a_big_file_is_checked_without_being_held_in_memory(put, ext):
    import tracemalloc

    path = put(f"big{ext}", _ten_mb(ext))
    check_attachment(path, RULES)  # imports and PDFium's start-up out of the measurement
    tracemalloc.start()
    try:
        check_attachment(path, RULES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MB, f"checking a {path.stat().st_size:,}-byte {ext} held {peak:,} bytes"
