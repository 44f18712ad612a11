"""The first page of a document as pixels, with its page count (the window's previews)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from invoice_desktop.core.documents.preview import PreviewUnavailable, first_page
from tests import documents
from tests.documents_factory import text_pdf


def test_the_first_page_is_rendered_at_the_asked_size_with_the_page_count(tmp_path: Path):
    page = first_page(text_pdf(tmp_path / "three.pdf", ["Invoice no. 12"], pages=3), longest_side=200)
    assert page.pages == 3
    assert max(page.width, page.height) == 200 and page.height > page.width  # A4 portrait
    assert len(page.pixels) == page.stride * page.height
    assert min(page.pixels) < 200 and max(page.pixels) == 255, "a blank picture: the text was not drawn"


def test_a_damaged_or_other_document_says_why(tmp_path: Path):
    whole = documents.pdf(pages=2)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(whole[: len(whole) // 3])  # a real PDF cut short, as an interrupted download leaves it
    with pytest.raises(PreviewUnavailable, match="cannot be opened"):
        first_page(damaged)
    sheet = tmp_path / "sheet.xlsx"
    sheet.write_bytes(documents.xlsx())
    with pytest.raises(PreviewUnavailable, match="only PDFs"):
        first_page(sheet)


def test_the_picture_is_pypdfium2s_own_render(tmp_path: Path):
    """Drawn through core/pdfium.py's few calls, pixel for pixel what pypdfium2's page.render gives."""
    import pypdfium2

    path = text_pdf(tmp_path / "one.pdf", ["Invoice no. 12", "Total 1,234.50 EUR"], pages=2)
    page = first_page(path, longest_side=300)
    document = pypdfium2.PdfDocument(str(path))
    try:
        theirs = document[0]
        scale = 300 / max(theirs.get_size())
        bitmap = theirs.render(scale=scale, rev_byteorder=True)
        assert (page.width, page.height, page.stride) == (bitmap.width, bitmap.height, bitmap.stride)
        assert page.pixels == bytes(bitmap.buffer)
    finally:
        document.close()


def test_a_preview_imports_neither_pypdfium2_nor_its_generated_bindings(tmp_path: Path):
    """They are 20-30 ms of Python holding the GIL on the clerk's first drop, while the window shows the file."""
    path = text_pdf(tmp_path / "one.pdf", ["Invoice no. 12"], pages=1)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from invoice_desktop.core.documents.preview import first_page\n"
        f"assert first_page(Path({str(path)!r}), 120).pages == 1\n"
        "print(sorted(m for m in sys.modules if m.startswith('pypdfium2')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
