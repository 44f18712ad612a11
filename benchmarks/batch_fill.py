"""Prints how long filling a batch of 200 documents takes (half embedded Factur-X, half plain PDFs read by their
text), on a worker thread as the window runs it, with the per-file median and the longest stall of a 5 ms probe on
the main thread meanwhile; beside, measured in the same run, the floor any filler pays: opening each PDF with
pypdfium2 and reading its text, nothing else.

    .venv/bin/python benchmarks/batch_fill.py [COUNT]

Budget (issue 14): ≤ 10 s for 200 documents on the 2-core machine; the UI thread never stalls over 33 ms.
Documents are made by fpdf2 and factur-x (tests/documents_factory.py; needs the `test` extra).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents_factory import einvoice_data, facturx_pdf, text_pdf


def make_documents(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        if n % 2 == 0:
            paths.append(facturx_pdf(folder / f"fx-{n:03}.pdf", einvoice_data(f"INV-{n:04}", order=f"ORD-{n:04}")))
        else:
            lines = [f"Invoice no.: INV-{n:04}", f"Order: ORD-{n:04}", "Invoice date: 01.12.2026", "Total: 1.234,50"]
            paths.append(text_pdf(folder / f"plain-{n:03}.pdf", lines))
    return paths


def pdfium_floor(paths: list[Path]) -> float:
    import pypdfium2 as pdfium

    started = time.perf_counter()
    for path in paths:
        document = pdfium.PdfDocument(str(path))
        page = document[0]
        text = page.get_textpage()
        text.get_text_bounded()
        text.close()
        page.close()
        document.close()
    return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    home = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    os.environ["INVOICE_DESKTOP_HOME"] = str(home / "app")
    folder = home / "docs"
    folder.mkdir()
    paths = make_documents(folder, count)

    from invoice_desktop.core.batch import BatchService
    from invoice_desktop.core.credentials import CredentialStore
    from invoice_desktop.core.history import History
    from invoice_desktop.core.upload import UploadService
    from invoice_desktop.providers import registry
    from invoice_desktop.wiring import practice_environment

    history = History(home / "app" / "history.sqlite3")
    batches = BatchService(
        UploadService(CredentialStore(), history, providers=registry(), practice=practice_environment)
    )
    stamps: list[float] = []
    result: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        stamps.append(time.perf_counter())

    def work() -> None:
        result["batch"] = batches.plan("payfabric", "practice", [folder], progress=progress)

    started = time.perf_counter()
    worker = threading.Thread(target=work)
    worker.start()
    longest, last = 0.0, time.perf_counter()
    while worker.is_alive():  # the "UI thread": a 5 ms tick, as a Qt timer would fire
        time.sleep(0.005)
        now = time.perf_counter()
        longest = max(longest, now - last - 0.005)
        last = now
    worker.join()
    total = time.perf_counter() - started
    per_file = [b - a for a, b in zip([started, *stamps], stamps, strict=False)]
    batch = result["batch"]
    floor = pdfium_floor(paths)
    ready = sum(1 for row in batch.rows if row.status == "ready")  # type: ignore[attr-defined]
    batches.discard_plan(batch)  # type: ignore[arg-type]
    history.close()

    print(f"batch fill, {count} documents ({count // 2 + count % 2} Factur-X, {count // 2} plain), worker thread:")
    print(f"  app:        {total:6.2f} s in all, median {statistics.median(per_file) * 1000:6.1f} ms per file")
    print(f"  reference:  {floor:6.2f} s  pypdfium2 opening each PDF and reading its first page's text, nothing else")
    print(f"  main-thread longest stall beside it: {longest * 1000:.1f} ms (budget 33 ms)")
    print(f"  rows ready: {ready} of {count}")
    print(f"  budget: ≤ 10 s for 200 → {'OK' if total <= 10 * count / 200 else 'OVER'}")


if __name__ == "__main__":
    main()
