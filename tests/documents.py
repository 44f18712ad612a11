"""Real documents for the tests, made by the libraries that make them in the field (never hand-written bytes):
fpdf2 for PDFs, python-docx and openpyxl for Office Open XML, xlwt for Excel 97-2003, Pillow for images.

Each maker returns bytes; `sample(ext)` is a small document of each kind, made once per test run.
"""

from __future__ import annotations

import io
import os
import struct
from functools import cache

TEXT = "Invoice 42\nTotal 10.00 EUR\n"


def pdf(pages: int = 1, *, owner_password: str | None = None, user_password: str | None = None, pad: int = 0) -> bytes:
    """A PDF of `pages` pages saying "Invoice 42". `owner_password` encrypts it (restrictions only; it still opens),
    `user_password` also locks opening it. `pad` embeds a file of that many random bytes (to make a big PDF)."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("helvetica", size=12)
    for page in range(pages):
        doc.add_page()
        doc.cell(text=f"Invoice 42, page {page + 1} of {pages}")
    if pad:
        doc.embed_file(basename="scan.bin", bytes=os.urandom(pad), compress=False)
    if owner_password is not None:
        doc.set_encryption(owner_password=owner_password, user_password=user_password)
    return bytes(doc.output())


def pdf_of_size(size: int) -> bytes:
    """A real PDF of exactly `size` bytes (at least a few KB): its bulk is an embedded file, not trailing bytes."""
    overhead = len(pdf(pad=1)) - 1
    pad = max(1, size - overhead)
    for _ in range(5):  # the byte counts written inside the PDF grow by a digit now and then
        data = pdf(pad=pad)
        if len(data) == size:
            return data
        pad += size - len(data)
    raise ValueError(f"could not make a PDF of exactly {size} bytes")


def docx(paragraphs: int = 1) -> bytes:
    from docx import Document

    document = Document()
    for n in range(paragraphs):
        document.add_paragraph(f"Invoice 42, line {n + 1}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Invoice", "Total"])
    sheet.append([42, 10.0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls() -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Invoice")
    sheet.write(0, 0, "Invoice")
    sheet.write(0, 1, 42)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ole_container(stream: str, content: bytes) -> bytes:
    """An Office 97-2003 compound file holding one stream called `stream`, written by xlwt's compound-file writer
    (which names its one stream Workbook; the name is set in its directory entry as it is built)."""
    from xlwt import CompoundDoc

    class Container(CompoundDoc.XlsDoc):
        def _build_directory(self) -> None:
            super()._build_directory()
            workbook = "Workbook\x00".encode("utf-16-le")
            wanted = f"{stream}\x00".encode("utf-16-le")
            entry = 128  # the second directory entry: name (64 bytes), then the name's length in bytes
            assert self.dir_stream[entry : entry + len(workbook)] == workbook
            name = wanted.ljust(64, b"\x00") + struct.pack("<H", len(wanted))
            self.dir_stream = self.dir_stream[:entry] + name + self.dir_stream[entry + 66 :]

    out = io.BytesIO()
    Container().save(out, content)
    return out.getvalue()


def doc() -> bytes:
    """A Word 97-2003 container: a real compound file (header, sector tables, directory) whose stream is Word's
    main stream by name, which is what the .doc check looks at. No Python library writes Word 97 documents."""
    return ole_container("WordDocument", ("Invoice 42 " * 100).encode("utf-16-le"))


def password_protected_office_file() -> bytes:
    """What Office saves for a .docx/.xlsx with a password to open: a compound file with an EncryptedPackage
    stream (its content here is random, as encrypted content looks)."""
    return ole_container("EncryptedPackage", os.urandom(4096))


def image(fmt: str, width: int = 64, height: int = 48, *, noise: bool = False, **save: object) -> bytes:
    from PIL import Image

    if noise:  # incompressible: a big file from a modest picture
        picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        picture = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    picture.save(out, fmt, **save)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    """A plain ZIP archive (what a .docx is not, unless it holds Word's parts)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def empty_zip() -> bytes:
    return zip_of({})


@cache
def sample(ext: str) -> bytes:
    """A small real document for the extension `ext` (".pdf", ".docx"…); text for anything else."""
    ext = ext.lower()
    makers = {
        ".pdf": pdf,
        ".docx": docx,
        ".xlsx": xlsx,
        ".xls": xls,
        ".doc": doc,
        ".png": lambda: image("PNG"),
        ".jpg": lambda: image("JPEG"),
        ".jpeg": lambda: image("JPEG"),
    }
    maker = makers.get(ext)
    return maker() if maker else TEXT.encode()
