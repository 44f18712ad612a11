"""The content checks, for real: every document is made by the library that makes it in the field (fpdf2, python-docx,
openpyxl, xlwt, Pillow), then damaged the way files get damaged (cut short, a byte flipped, renamed) where a case needs
it. Each refusal names the rule and what to do next; an encrypted PDF that still opens is sent, with a warning."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from invoice_desktop.core.attachments import MB, AttachmentRefused, AttachmentRules, check_attachment

from .. import documents

RULES = AttachmentRules((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".png", ".jpeg", ".txt"), 10 * MB)
RULES = AttachmentRules(RULES.extensions, RULES.max_bytes, aliases={".jpg": ".jpeg"})


@pytest.fixture
def put(tmp_path: Path):
    def put(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return put


def refused(path: Path) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as info:
        check_attachment(path, RULES)
    assert info.value.rule == "content"
    assert path.name in info.value.message
    return info.value


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


# -- PDF ------------------------------------------------------------------------------------------------------------


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


# -- Office Open XML --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["invoice.docx", "invoice.xlsx"])
def test_real_office_documents_pass(put, name):
    assert check_attachment(put(name, documents.sample(Path(name).suffix)), RULES).warnings == ()


def test_a_plain_zip_renamed_docx_is_refused(put):
    problem = refused(put("archive.docx", documents.zip_of({"invoice.txt": b"Invoice 42"})))
    assert "its content is not a Word document (it is a ZIP archive, not an Office document" in problem.message
    assert "Export it again as a real Word document." in problem.message


def test_a_zip_with_word_looking_names_but_no_main_part_is_refused(put):
    # A package whose [Content_Types].xml is Word's but whose word/document.xml is not there.
    real = zipfile.ZipFile(io.BytesIO(documents.sample(".docx")))
    members = {i.filename: real.read(i) for i in real.infolist() if i.filename != "word/document.xml"}
    problem = refused(put("hollow.docx", documents.zip_of(members)))
    assert "its main part word/document.xml is missing" in problem.message


@pytest.mark.parametrize(
    ("name", "source", "says"),
    [
        ("sheet.docx", ".xlsx", "it is an Excel workbook; name it .xlsx"),
        ("letter.xlsx", ".docx", "it is a Word document; name it .docx"),
    ],
)
def test_the_other_office_package_is_named(put, name, source, says):
    assert says in refused(put(name, documents.sample(source))).message


def test_a_docx_with_a_flipped_byte_in_its_text_is_refused(put):
    real = documents.sample(".docx")
    info = zipfile.ZipFile(io.BytesIO(real)).getinfo("word/document.xml")
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    problem = refused(put("flipped.docx", flip(real, data_at + info.compress_size // 2)))
    assert "its part word/document.xml is corrupt" in problem.message


def test_a_docx_cut_short_is_refused(put):
    real = documents.sample(".docx")
    assert "its ZIP structure is broken" in refused(put("cut.docx", real[: len(real) - 100])).message


@pytest.mark.parametrize("name", ["locked.docx", "locked.xlsx"])
def test_a_password_protected_office_file_is_refused_with_how_to_remove_it(put, name):
    problem = refused(put(name, documents.password_protected_office_file()))
    assert "is protected with a password to open it, so the provider cannot open it" in problem.message
    assert "Remove the password in Office" in problem.message


# -- Office 97-2003 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["old.doc", "old.xls"])
def test_real_compound_documents_pass(put, name):
    assert check_attachment(put(name, documents.sample(Path(name).suffix)), RULES).warnings == ()


def test_an_xls_renamed_doc_is_refused_and_named(put):
    problem = refused(put("sheet.doc", documents.sample(".xls")))
    assert "its content is not a Word 97-2003 document (it is an Excel workbook)" in problem.message


def test_a_docx_renamed_doc_says_what_it_is(put):
    problem = refused(put("new.doc", documents.sample(".docx")))
    assert "it is a newer Office file (ZIP): name it .docx" in problem.message


def test_a_password_protected_office_file_named_doc_is_refused(put):
    problem = refused(put("locked.doc", documents.password_protected_office_file()))
    assert "is a password-protected Office 2007+ file, not a Word 97-2003 document" in problem.message


def test_an_xls_cut_short_is_refused(put):
    real = documents.sample(".xls")
    problem = refused(put("cut.xls", real[:1536]))
    assert "is a damaged or incomplete Excel 97-2003 workbook" in problem.message


def test_an_xls_whose_workbook_stream_is_not_a_workbook_is_refused(put):
    # xlwt writes the Workbook stream from the first sector (byte 512), starting with Excel's BOF record.
    problem = refused(put("odd.xls", flip(documents.sample(".xls"), 512)))
    assert "its workbook stream does not start as an Excel workbook does" in problem.message


# -- images ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "options"),
    [
        ("scan.png", "PNG", {}),
        ("photo.jpeg", "JPEG", {}),
        ("photo.jpg", "JPEG", {"progressive": True}),
        ("restarts.jpeg", "JPEG", {"restart_marker_blocks": 1}),
    ],
)
def test_real_images_pass(put, name, fmt, options):
    image = documents.image(fmt, 120, 80, noise=True, **options)
    assert check_attachment(put(name, image), RULES).warnings == ()
    # Bytes after the image's end (some cameras and scanners add them) do not matter.
    assert check_attachment(put(name, image + b"\0" * 100), RULES).warnings == ()


def test_a_png_cut_short_is_refused(put):
    real = documents.image("PNG", 120, 80, noise=True)
    problem = refused(put("cut.png", real[: len(real) // 2]))
    assert "is a damaged or incomplete PNG image: its IDAT chunk is cut short" in problem.message
    assert "drop the new file" in problem.message


def test_a_png_with_a_flipped_byte_fails_its_checksum(put):
    real = documents.image("PNG", 120, 80, noise=True)
    problem = refused(put("flipped.png", flip(real, len(real) // 2)))
    assert "its IDAT chunk at byte 33 fails its checksum" in problem.message


def test_a_png_without_its_end_is_refused(put):
    real = documents.image("PNG", 120, 80)
    assert "before its IEND chunk" in refused(put("noend.png", real[:-12])).message


def test_a_jpeg_cut_short_is_refused(put):
    real = documents.image("JPEG", 120, 80, noise=True)
    problem = refused(put("cut.jpg", real[: len(real) * 3 // 4]))
    assert "is a damaged or incomplete JPEG image" in problem.message
    assert "before its end marker (EOI): it was cut short" in problem.message


def test_a_jpeg_with_a_broken_segment_is_refused(put):
    real = documents.image("JPEG", 120, 80, noise=True)
    # The first segment after SOI (Pillow writes APP0, JFIF) gets an impossible length.
    problem = refused(put("broken.jpg", real[:4] + b"\xff\xff" + real[6:]))
    assert "its segment FFE0 at byte 2 runs past the end of the file" in problem.message


# -- text --------------------------------------------------------------------------------------------------------------


def test_text_passes_in_any_length_and_language(put):
    text = ("Rechnung Nr. 5 — Müller GmbH, Summe 10,00 €\n" * 20_000).encode("utf-8")
    assert check_attachment(put("note.txt", text), RULES).warnings == ()


def test_a_nul_anywhere_in_a_text_file_is_refused(put):
    # Past the first 16 bytes (all the old check read), and far into the file.
    text = b"Invoice 42\nTotal 10.00 EUR\n" * 100_000
    problem = refused(put("binary.txt", text + b"\x00" + b"more\n"))
    assert f"holds binary data, not text (a NUL byte at byte {len(text):,}" in problem.message
    assert "rule: a text file holds no NUL byte" in problem.message


def test_utf16_text_is_refused_with_how_to_save_it(put):
    problem = refused(put("notepad.txt", "Invoice 42\r\n".encode("utf-16")))
    assert "saved as UTF-16 text" in problem.message and "Save it again with the encoding UTF-8" in problem.message


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
