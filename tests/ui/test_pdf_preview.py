"""The document preview: of documents asked for in a row (files dropped one after another, rows picked quickly),
only the one still wanted is rendered."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from invoice_desktop.core.documents import preview as core_preview
from invoice_desktop.ui.pdf_preview import PdfPreview

from .test_main_window import drop_file


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


@pytest.mark.parametrize("language", ["en", "de", "es"])
def test_the_attached_pdfs_caption_reads_on_one_line(qtbot, window_in, make_file, language):
    """At the window's size the caption wrapped as "fx.pdf — page 1 of" over "1"; a long name gives way instead."""
    window = window_in(language)
    zone = window.page.drop_zone
    for name in ("fx.pdf", "Rechnung_Müller_2026-11-30_endgültig_korrigiert.pdf"):
        drop_file(qtbot, window, make_file(name))
        assert zone.preview is not None
        with qtbot.waitSignal(zone.preview.shown, timeout=10000):
            pass
        caption = zone.preview.caption
        metrics = caption.fontMetrics()
        assert metrics.horizontalAdvance(caption.text()) <= caption.contentsRect().width(), caption.text()
        assert caption.heightForWidth(caption.width()) < 2 * metrics.lineSpacing(), f"wraps: {caption.text()!r}"
        assert caption.text().endswith(" 1"), caption.text()  # the page count is never cut
        if name == "fx.pdf":
            assert caption.text().startswith("fx.pdf"), caption.text()  # a short name stays whole
        else:
            assert "…" in caption.text() and name in caption.toolTip()
