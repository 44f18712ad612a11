"""The first page of a document as pixels, with its page count (the window's previews)."""

from __future__ import annotations

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
