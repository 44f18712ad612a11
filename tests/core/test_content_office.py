"""The Office checks (core/content_office.py), on documents made by python-docx, openpyxl and xlwt, then damaged the
way files get damaged (cut short, a byte flipped, renamed). Each refusal names the rule and what to do next."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from invoice_desktop.core.attachments import check_attachment

from .. import documents
from .content_cases import RULES, flip, refused

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
