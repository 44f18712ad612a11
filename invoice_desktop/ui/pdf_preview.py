"""A document's first page and page count, rendered off the UI thread (core/documents/preview.py).

Used beside the batch table (the selected row's document) and in the single-upload drop zone (the attached PDF),
so a clerk sees it is the right invoice. Only the newest request is shown: a slow render for a row the clerk has
already left is dropped when it arrives.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from ..core.i18n import _, ngettext
from .tasks import TaskRunner


class PdfPreview(QWidget):
    """Shows "Page 1 of N" and the first page; `shown(pages)` when a render arrives, `unavailable(message)`."""

    shown = Signal(int)
    unavailable = Signal(str)

    def __init__(self, runner: TaskRunner, longest_side: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.longest_side = longest_side
        self._wanted: str | None = None
        self.pages: int | None = None
        self._page_of: tuple[str, int] | None = None  # (file name, pages) while "name — page 1 of N" is on show
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.picture.setMinimumSize(longest_side * 3 // 4, longest_side)
        self.picture.setStyleSheet("QLabel { background: #eef1f5; border: 1px solid #c9d0da; }")
        self.picture.setAccessibleName(_("Preview of the document's first page"))
        layout.addWidget(self.caption)
        layout.addWidget(self.picture, 1)
        self.clear()

    def clear(self, message: str | None = None) -> None:
        self._wanted = None
        self.pages = None
        self._set_page_of(None)
        self.caption.setText(_("Select a row to see its document.") if message is None else message)
        self.picture.clear()

    def show_document(self, path: str | None) -> None:
        if not path:
            self.clear(_("No document for this row."))
            return
        if path == self._wanted:
            return
        self._wanted = path
        self.pages = None
        self._set_page_of(None)
        self.caption.setText(_("Loading the preview of “{name}”…").format(name=Path(path).name))
        self.picture.clear()
        longest = self.longest_side

        def render(_task: object) -> tuple[str, QImage, int] | None:
            if path != self._wanted:  # another document was asked for while this one waited: not rendered at all
                return None
            from ..core.documents.preview import first_page

            page = first_page(Path(path), longest)
            # QImage (not QPixmap) may be made off the UI thread; copy() owns its pixels once `page` is gone.
            image = QImage(page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB888).copy()
            return path, image, page.pages

        # One at a time (PDFium renders on one thread only anyway), so that of files dropped or rows picked in a row
        # only the last waiting one is rendered.
        self.runner.submit(
            "preview",
            render,
            on_result=self._rendered,
            on_error=lambda exc: self._failed(path, exc),
            lane="preview",
            lane_threads=1,
        )

    def _rendered(self, result: tuple[str, QImage, int] | None) -> None:
        if result is None:
            return
        path, image, pages = result
        if not isValid(self) or path != self._wanted:  # the window closed meanwhile, or the clerk moved on
            return  # the clerk moved on
        self.pages = pages
        self._set_page_of((Path(path).name, pages))
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.shown.emit(pages)

    def _failed(self, path: str, exc: BaseException) -> None:
        if not isValid(self) or path != self._wanted:
            return
        message = str(exc) or _("No preview: the document cannot be read.")
        self._set_page_of(None)
        self.caption.setText(message)
        self.picture.clear()
        self.unavailable.emit(message)

    def _set_page_of(self, page_of: tuple[str, int] | None) -> None:
        self._page_of = page_of
        self.caption.setToolTip("")
        if page_of is not None:
            self._fit_page_of()

    def _fit_page_of(self) -> None:
        """ "name — page 1 of N" on one line: in a narrow column (the drop zone's thumbnail) it wrapped as "fx.pdf —
        page 1 of" over "1". The name gives way (shortened in its middle, whole in the tooltip); the page count not."""
        assert self._page_of is not None
        name, pages = self._page_of
        said = ngettext("{name} — page 1 of {n}", "{name} — page 1 of {n}", pages)
        whole = said.format(name=name, n=pages)
        metrics = self.caption.fontMetrics()
        room = self.caption.contentsRect().width() - 2  # QLabel's own margin
        text = whole
        if metrics.horizontalAdvance(whole) > room:
            left = room - metrics.horizontalAdvance(said.format(name="", n=pages))
            short = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, left)
            if short:  # else not even the page count fits: the whole caption, wrapped
                text = said.format(name=short, n=pages)
        self.caption.setText(text)
        self.caption.setToolTip(whole if text != whole else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._page_of is not None:
            self._fit_page_of()
