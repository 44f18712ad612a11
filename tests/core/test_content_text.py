"""The text check (core/content_text.py): a .txt file holds no NUL byte, in any length and language."""

from __future__ import annotations

from invoice_desktop.core.attachments import check_attachment

from .content_cases import RULES, refused

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
