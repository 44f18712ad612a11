"""The attachment rules, as a table: every rule, both sides of every limit, and the message a clerk reads.

i.materialise's rules (.doc .docx .pdf .xls .xlsx, not empty, at most 10 MB) are the worked example; the generic
parts (aliases, a limit of the app's own) use small rule sets of their own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoice_desktop.core import local_format
from invoice_desktop.core.attachments import (
    CONTENT_TYPES,
    MB,
    AttachmentRefused,
    AttachmentRules,
    check_attachment,
    human_size,
)
from invoice_desktop.providers import get_provider

from .. import documents

RULES = get_provider("imaterialise").attachment
assert RULES is not None
LIMIT = 10 * MB
ALLOWED = (".pdf", ".doc", ".docx", ".xls", ".xlsx")
# Real documents of three kinds (tests/documents.py), to rename as other kinds.
OLE2, ZIP, PDF = documents.sample(".xls"), documents.sample(".docx"), documents.sample(".pdf")


def refused(path: Path, rules: AttachmentRules = RULES) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as info:
        check_attachment(path, rules)
    return info.value


def test_the_imaterialise_rules_are_the_documented_ones():
    assert set(RULES.extensions) == set(ALLOWED)
    assert RULES.max_bytes == LIMIT == 10_485_760
    assert RULES.limit_source == "provider"
    assert RULES.describe() == ".pdf .doc .docx .xls .xlsx, up to 10 MB"


# -- extension ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "invoice.pdf",
        "INVOICE.PDF",
        "Invoice.Pdf",
        "a.doc",
        "b.DOC",
        "c.docx",
        "d.DocX",
        "e.xls",
        "f.XLS",
        "g.xlsx",
        "h.XlSx",
        "Rechnung_Müller_№5.pdf",
        "with spaces and.dots.in name.pdf",
    ],
)
def test_every_allowed_extension_passes_in_any_case(make_file, name):
    checked = check_attachment(make_file(name), RULES)
    assert checked.upload_name == name  # the provider sees the clerk's own name
    assert checked.extension == Path(name).suffix.lower()
    assert RULES.extension_allowed(name)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("invoice.txt", ".txt"),
        ("scan.png", ".png"),
        ("invoice.pdf.exe", ".exe"),
        ("invoice", "no extension"),
        ("invoice.pdfx", ".pdfx"),
        ("invoice.odt", ".odt"),
        ("invoice.pd", ".pd"),
    ],
)
def test_other_extensions_are_refused_naming_the_allowed_ones(make_file, name, shown):
    problem = refused(make_file(name, content=PDF + b"x" * 100))
    assert problem.rule == "extension"
    assert f"has {shown};" in problem.message
    assert "accepts only .pdf .doc .docx .xls .xlsx files" in problem.message
    assert not RULES.extension_allowed(name)


@settings(max_examples=200, deadline=None)
@given(
    stem=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"), min_size=1, max_size=40
    ).filter(lambda s: s not in (".", "..") and not s.endswith(".")),
    ext=st.sampled_from(ALLOWED),
    case=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_property_any_name_with_an_allowed_extension_in_any_case_passes_the_drag_over_check(stem, ext, case):
    mixed = "".join(ch.upper() if up else ch for ch, up in zip(ext, case + [False] * 5, strict=False))
    assert RULES.extension_allowed(f"{stem}{mixed}")
    assert RULES.extension_allowed(f"/some/folder/{stem}{mixed}")


@settings(max_examples=200, deadline=None)
@given(
    stem=st.text(min_size=1, max_size=30),
    ext=st.sampled_from([".exe", ".zip", ".odt", ".txt", ".png", ".pdf.exe", ".docm", ".xlsm", ".pdf_", ""]),
)
def test_property_a_name_without_an_allowed_extension_is_rejected_on_drag_over(stem, ext):
    assert not RULES.extension_allowed(f"invoice-{stem.replace('.', '_')}{ext}")


# -- empty and size -----------------------------------------------------------------------------------------


def test_an_empty_file_is_refused(make_file):
    problem = refused(make_file("invoice.pdf", content=b""))
    assert problem.rule == "empty"
    assert "empty (0 bytes)" in problem.message


@pytest.mark.parametrize(
    ("size", "passes"),
    [(len(PDF), True), (LIMIT - 1, True), (LIMIT, True), (LIMIT + 1, False), (LIMIT + MB, False)],
    ids=["a small real PDF", "limit-1", "exactly 10 MB", "one byte more", "11 MB"],
)
def test_size_limit_both_sides(make_file, size, passes):
    path = make_file("invoice.pdf", size=size)
    if passes:
        assert check_attachment(path, RULES).size == size
        return
    problem = refused(path)
    assert problem.rule == "size"
    assert "the limit is 10 MB (10,485,760 bytes), this provider's limit" in problem.message
    assert f"({size:,} bytes)" in problem.message


@settings(max_examples=25, deadline=None)
@given(offset=st.integers(min_value=-4096, max_value=4096))
def test_property_sizes_around_the_limit(offset):
    size = LIMIT + offset
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "invoice.pdf"
        with path.open("wb") as fh:  # sparse: no 10 MB written
            fh.write(PDF)
            fh.truncate(size)
        if size <= LIMIT:
            assert check_attachment(path, RULES).size == size
        else:
            assert refused(path).rule == "size"


def test_a_limit_of_the_apps_own_says_so(make_file):
    rules = AttachmentRules((".pdf",), 2 * MB, limit_source="app")
    assert "this app's limit" in rules.describe()
    problem = refused(make_file("big.pdf", size=2 * MB + 1), rules)
    assert problem.rule == "size"
    assert "2 MB" in problem.message and "this app's limit (the API documents none)" in problem.message
    assert check_attachment(make_file("ok.pdf", size=2 * MB), rules).size == 2 * MB


def test_human_size_reads_as_a_clerk_would():
    assert human_size(0) == "0 bytes"
    assert human_size(1) == "1 byte"
    assert human_size(2048) == "2 KB"
    assert human_size(10 * MB) == "10 MB"
    assert human_size(MB + MB // 2) == "1.5 MB"


def test_human_size_writes_numbers_the_regions_way():
    local_format.set_region(local_format.region_named("de_DE"))
    assert human_size(MB + MB // 2) == "1,5 MB"
    assert human_size(1009) == "1.009 bytes"
    local_format.set_region(local_format.region_named("sv_SE"))
    assert human_size(1009) == "1\u00a0009 bytes"


# -- content matches the extension -------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ALLOWED)
def test_content_matching_its_extension_passes(make_file, ext):
    checked = check_attachment(make_file(f"invoice{ext}"), RULES)
    assert checked.extension == ext and checked.warnings == ()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("invoice.pdf", b"<html><body>Login</body></html>", "PDF document"),
        ("invoice.pdf", ZIP, "PDF document"),  # a .docx renamed to .pdf
        ("invoice.PDF", b" " + PDF, "PDF document"),
        ("invoice.doc", ZIP, "Word 97-2003 document"),  # a .docx renamed to .doc
        ("invoice.docx", OLE2, "Word document"),  # an .xls renamed to .docx
        ("invoice.docx", PDF, "Word document"),
        ("invoice.xls", b"a;b;c\n1;2;3\n", "Excel 97-2003 workbook"),  # a CSV renamed to .xls
        ("invoice.xlsx", OLE2, "Excel workbook"),
        ("invoice.xlsx", documents.empty_zip(), "Excel workbook"),  # an empty ZIP is no workbook
    ],
)
def test_content_not_matching_its_extension_is_refused(make_file, name, content, kind):
    problem = refused(make_file(name, content=content))
    assert problem.rule == "content"
    article = "an" if kind.startswith("Excel") else "a"
    assert f"its content is not {article} {kind}" in problem.message
    assert name in problem.message


def test_a_file_shorter_than_its_signature_is_refused_not_crashed(make_file):
    assert refused(make_file("tiny.pdf", content=b"%PD")).rule == "content"


def test_other_types_and_aliases(make_file):
    rules = AttachmentRules((".pdf", ".jpeg", ".png", ".txt"), 5 * MB, aliases={".jpg": ".jpeg"})
    assert rules.extension_allowed("photo.JPG")
    jpg = check_attachment(make_file("photo.JPG"), rules)
    assert (jpg.upload_name, jpg.extension, jpg.content_type) == ("photo.jpeg", ".jpeg", "image/jpeg")
    assert check_attachment(make_file("scan.png"), rules).content_type == "image/png"
    note = make_file("note.txt", content=b"Invoice 42\nTotal 10.00\n")
    assert check_attachment(note, rules).content_type == "text/plain"
    assert refused(make_file("fake.png", content=b"GIF89a" + b"\0" * 20), rules).rule == "content"
    assert refused(make_file("fake.jpg", content=PDF), rules).rule == "content"
    problem = refused(make_file("binary.txt", content=b"ab\x00cd"), rules)
    assert problem.rule == "content" and "binary data" in problem.message


@pytest.mark.parametrize(
    ("ext", "content_type"),
    [
        (".pdf", "application/pdf"),
        (".doc", "application/msword"),
        (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (".xls", "application/vnd.ms-excel"),
        (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_content_type_comes_from_the_fixed_table(make_file, ext, content_type):
    assert CONTENT_TYPES[ext] == content_type
    assert check_attachment(make_file(f"X{ext.upper()}"), RULES).content_type == content_type


# -- the file itself -----------------------------------------------------------------------------------------


def test_a_missing_file_is_refused(tmp_path):
    problem = refused(tmp_path / "gone.pdf")
    assert problem.rule == "missing"
    assert "“gone.pdf” does not exist" in problem.message


def test_a_folder_is_refused_even_when_named_like_a_pdf(tmp_path):
    folder = tmp_path / "invoices.pdf"
    folder.mkdir()
    problem = refused(folder)
    assert problem.rule == "not-a-file"
    assert "is a folder" in problem.message


def test_a_broken_link_is_refused(tmp_path):
    link = tmp_path / "invoice.pdf"
    link.symlink_to(tmp_path / "deleted.pdf")
    problem = refused(link)
    assert problem.rule == "broken-link"
    assert "no longer exists" in problem.message


def test_a_working_link_is_followed(make_file, tmp_path):
    target = make_file("real.pdf")
    link = tmp_path / "shortcut.pdf"
    link.symlink_to(target)
    assert check_attachment(link, RULES).size == target.stat().st_size


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    assert refused(fifo).rule == "not-a-file"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their mode; see the sysfs case below",
)
def test_an_unreadable_file_is_refused(make_file):
    path = make_file("locked.pdf")
    path.chmod(0)
    try:
        problem = refused(path)
    finally:
        path.chmod(0o600)
    assert problem.rule == "unreadable"
    assert "cannot be read" in problem.message


_WRITE_ONLY = Path("/sys/bus/pci/rescan")  # a regular file (4096 bytes) that even root cannot open for reading


@pytest.mark.skipif(not _WRITE_ONLY.exists(), reason="needs Linux sysfs' write-only /sys/bus/pci/rescan")
def test_an_unreadable_file_is_refused_even_for_root(tmp_path):
    link = tmp_path / "locked.pdf"
    link.symlink_to(_WRITE_ONLY)
    problem = refused(link)
    assert problem.rule == "unreadable"
    assert problem.message == "“locked.pdf” cannot be read: Permission denied."


def test_rules_are_checked_in_an_order_a_clerk_can_act_on(make_file, tmp_path):
    # A wrong extension is named before the file's size or content is even looked at.
    assert refused(make_file("huge.txt", size=LIMIT + 1)).rule == "extension"
    # An empty file is "empty", not "content does not match".
    assert refused(make_file("empty.docx", content=b"")).rule == "empty"
    # An oversized file that is not a PDF is reported for its size (no need to read it).
    assert refused(make_file("huge.pdf", content=b"x" * (LIMIT + 1))).rule == "size"
