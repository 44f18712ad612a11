"""The document preview: of documents asked for in a row (files dropped one after another, rows picked quickly),
only the one still wanted is rendered."""

from __future__ import annotations

import threading
from pathlib import Path

from invoice_desktop.core.documents import preview as core_preview
from invoice_desktop.ui.pdf_preview import PdfPreview


def test_documents_asked_for_in_a_row_render_only_the_last_waiting_one(qtbot, runner, make_file, monkeypatch):
    release = threading.Event()
    rendered: list[str] = []
    real_first_page = core_preview.first_page

    def slow_first_page(path, longest):
        rendered.append(Path(path).name)
        release.wait(10)  # PDFium busy with the first while the others are asked for
        return real_first_page(path, longest)

    monkeypatch.setattr(core_preview, "first_page", slow_first_page)
    preview = PdfPreview(runner, 84)
    qtbot.addWidget(preview)
    files = [make_file(f"invoice-{n}.pdf") for n in range(10)]
    preview.show_document(str(files[0]))
    qtbot.waitUntil(lambda: rendered == ["invoice-0.pdf"], timeout=10000)
    for path in files[1:]:
        preview.show_document(str(path))
    with qtbot.waitSignal(preview.shown, timeout=10000):
        release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert rendered == ["invoice-0.pdf", "invoice-9.pdf"]
    assert "invoice-9.pdf" in preview.caption.text() and not preview.picture.pixmap().isNull()
