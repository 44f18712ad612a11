"""The PDF check (core/content_pdf.py), on PDFs made by fpdf2 and pypdfium2: a PDF must open, have pages and a first
page that loads; an encrypted PDF that still opens is sent, with a warning. PDFium is reached through the nine calls
core/pdfium.py declares, beside pypdfium2's own use."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from invoice_desktop.core.attachments import check_attachment

from .. import documents
from .content_cases import RULES, refused


def test_a_real_pdf_of_several_pages_passes_without_warnings(put):
    checked = check_attachment(put("invoice.pdf", documents.pdf(pages=3)), RULES)
    assert checked.warnings == ()


def test_an_encrypted_pdf_that_opens_is_accepted_with_a_warning(put):
    # Encrypted with an owner password only (no printing/changing): it opens, but a provider may balk at it.
    checked = check_attachment(put("locked.pdf", documents.pdf(pages=2, owner_password="owner")), RULES)
    [warning] = checked.warnings
    assert "“locked.pdf” is an encrypted PDF" in warning and "2 pages" in warning
    assert "the provider may not be able to open it" in warning and "save it again without protection" in warning


def test_a_pdf_that_needs_a_password_to_open_is_refused(put):
    problem = refused(put("secret.pdf", documents.pdf(owner_password="owner", user_password="user")))
    assert "needs a password to be opened" in problem.message
    assert "rule: the PDF must open without a password" in problem.message
    assert "Save it again without the password" in problem.message


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.98])
def test_a_pdf_cut_short_is_refused(put, keep):
    real = documents.pdf(pages=3)
    problem = refused(put("cut.pdf", real[: int(len(real) * keep)]))
    assert "is a damaged or incomplete PDF document" in problem.message
    assert "cannot be opened as a PDF" in problem.message
    assert "Save or export it again as a PDF document and drop the new file." in problem.message


def test_a_pdf_header_on_something_else_is_refused(put):
    # The first bytes say PDF, the rest is a Word document: the old 16-byte check let this through.
    assert "cannot be opened as a PDF" in refused(put("fake.pdf", b"%PDF-1.7\n" + documents.sample(".docx"))).message


def test_a_pdf_without_pages_is_refused(put):
    import pypdfium2 as pdfium  # fpdf2 always writes a page; PDFium saves a new document as it is

    empty = io.BytesIO()
    pdfium.PdfDocument.new().save(empty)
    problem = refused(put("blank.pdf", empty.getvalue()))
    assert "a PDF without any page (rule: the invoice must have at least one page)" in problem.message


# -- PDFium for a check: nine calls declared by the app, beside pypdfium2's own use ------------------------------------

PDFIUM_IN_A_FRESH_PROCESS = """
import json, sys
from pathlib import Path
from invoice_desktop.core.attachments import AttachmentRefused, AttachmentRules, check_attachment
rules = AttachmentRules((".pdf",), 10 * 1024 * 1024)
folder = Path(sys.argv[1])
seen = {}
if sys.argv[2] == "pypdfium2 first":
    import pypdfium2
    seen["text_before"] = pypdfium2.PdfDocument(folder / "ok.pdf")[0].get_textpage().get_text_range()
seen["ok_warnings"] = len(check_attachment(folder / "ok.pdf", rules).warnings)
seen["warnings"] = len(check_attachment(folder / "locked.pdf", rules).warnings)
try:
    check_attachment(folder / "secret.pdf", rules)
    seen["secret"] = "accepted"
except AttachmentRefused as exc:
    seen["secret"] = exc.rule
seen["helpers_loaded"] = "pypdfium2._helpers" in sys.modules
seen["bindings_loaded"] = "pypdfium2_raw.bindings" in sys.modules
if sys.argv[2] == "pypdfium2 after":
    import pypdfium2
    seen["text_after"] = pypdfium2.PdfDocument(folder / "ok.pdf")[0].get_textpage().get_text_range()
print(json.dumps(seen))
"""


@pytest.mark.parametrize("order", ["check alone", "pypdfium2 after", "pypdfium2 first"])
def test_a_pdf_check_loads_neither_pypdfium2_nor_its_bindings_and_pypdfium2_still_works_beside_it(put, tmp_path, order):
    """A check needs nine of PDFium's calls (core/pdfium.py); pypdfium2's Python helpers and generated bindings (some
    20 ms to import, in every CLI send) are left to the readers that use them. Either may come first, on the one
    library, and the process ends cleanly (PDFium freed once)."""
    import json
    import subprocess
    import sys

    put("ok.pdf", documents.pdf(pages=2))
    put("locked.pdf", documents.pdf(owner_password="owner"))
    put("secret.pdf", documents.pdf(owner_password="owner", user_password="user"))
    done = subprocess.run(
        [sys.executable, "-c", PDFIUM_IN_A_FRESH_PROCESS, str(tmp_path), order],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["ok_warnings"] == 0 and seen["warnings"] == 1 and seen["secret"] == "content"
    assert seen["helpers_loaded"] is seen["bindings_loaded"] is (order == "pypdfium2 first")
    for key in ("text_before", "text_after"):
        if key in seen:
            assert "Invoice 42, page 1 of 2" in seen[key]
