"""Prints how long the content check of a 10 MB file takes, per kind, beside reading the same file and computing its
SHA-256 (the least any app does with a file it sends), measured in the same run.

    .venv/bin/python benchmarks/content_checks.py

The documents are real (tests/documents.py: fpdf2, python-docx, openpyxl, Pillow; needs the `test` extra).
"""

from __future__ import annotations

import hashlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from invoice_desktop.core.attachments import MB, AttachmentRules, check_attachment
from tests import documents

RULES = AttachmentRules((".pdf", ".docx", ".xlsx", ".xls", ".png", ".jpeg", ".txt"), 10 * MB)


def ten_mb_documents() -> dict[str, bytes]:
    from docx import Document

    word = Document()
    word.add_picture(io.BytesIO(documents.image("PNG", 1700, 1700, noise=True)))
    out = io.BytesIO()
    word.save(out)
    return {
        ".pdf": documents.pdf_of_size(10 * MB - 4096),
        ".docx": out.getvalue(),
        ".png": documents.image("PNG", 1800, 1800, noise=True),
        ".jpeg": documents.image("JPEG", 2350, 2050, noise=True, quality=100),
        ".txt": b"Invoice 42, a line of text\n" * (10 * MB // 27),
    }


def best_of(runs: int, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def read_and_hash(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(MB):
            digest.update(chunk)


def main(runs: int = 5) -> None:
    folder = Path(tempfile.mkdtemp())
    print(f"{'kind':6} {'size':>12}  {'content check (median / best)':>30}  {'read + SHA-256 (median / best)':>31}")
    for ext, data in ten_mb_documents().items():
        path = folder / f"invoice{ext}"
        path.write_bytes(data)
        check_attachment(path, RULES)  # first use imports PDFium/olefile: not part of a check's cost
        check = best_of(runs, lambda p=path: check_attachment(p, RULES))
        ref = best_of(runs, lambda p=path: read_and_hash(p))
        print(
            f"{ext:6} {len(data):>12,}  {check[0] * 1000:>17.1f} / {check[1] * 1000:5.1f} ms"
            f"  {ref[0] * 1000:>18.1f} / {ref[1] * 1000:5.1f} ms"
        )


if __name__ == "__main__":
    main()
