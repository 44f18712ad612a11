"""Where the clerk drops the invoice file (or picks it with Browse…).

While a file is dragged over, the zone says at once whether it will be taken, judging by the name only (cheap,
no disk access). On drop, the full check (size, content, readability) runs off the UI thread and the outcome is
shown in the zone with the rule that was broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..core.attachments import AttachmentRules, human_size
from ..core.i18n import _, ngettext
from .dropped_content import is_virtual, virtual_files
from .pdf_preview import PdfPreview
from .tasks import TaskRunner

LOOKS = {
    "idle": "border: 2px dashed #8a94a6; border-radius: 8px; background: #f7f9fc;",
    "accept": "border: 2px solid #1e8e3e; border-radius: 8px; background: #e6f4ea;",
    "reject": "border: 2px solid #c5221f; border-radius: 8px; background: #fce8e6;",
    "ready": "border: 2px solid #1a73e8; border-radius: 8px; background: #e8f0fe;",
    "checking": "border: 2px dashed #1a73e8; border-radius: 8px; background: #f7f9fc;",
}
# One style sheet, set once, that picks the look from the zone's `state` property: changing a widget's style sheet
# re-reads it and re-styles every child (about 4 ms a time, three times per dropped file: 100 files dropped in a row
# froze the window for up to 100 ms); changing the property re-styles the zone alone.
ZONE_STYLE = "\n".join(f'QFrame#dropZone[state="{state}"] {{ {look} }}' for state, look in LOOKS.items())


def virtual_names(mime: QMimeData) -> list[str]:
    """The names of the documents a drop without paths carries (read without asking for their content)."""
    from .dropped_content import BROWSER_TYPES, DESCRIPTOR_FORMATS, _first, descriptor_names

    raw = _first(mime, DESCRIPTOR_FORMATS)
    if raw is not None:
        return descriptor_names(raw)
    return [default for kind, default in BROWSER_TYPES.items() if mime.hasFormat(kind)]


def batch_paths(mime: QMimeData) -> list[str]:
    """The local paths of a drag of several files (a batch), else []."""
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    if len(urls) < 2 or not all(url.isLocalFile() for url in urls):
        return []
    return [url.toLocalFile() for url in urls]


def judge_drag(
    mime: QMimeData, rules: AttachmentRules, provider_name: str, batches: bool = False, links: bool = False
) -> tuple[bool, str, str | None]:
    """(acceptable, message, local path) for what is being dragged, by name only. With `batches`, several files
    (or, on the drop, a folder) open a batch instead of being refused."""
    if batches and (several := batch_paths(mime)):
        said = ngettext("Drop to open a batch of {n} file.", "Drop to open a batch of {n} files.", len(several))
        return True, said.format(n=len(several)), None
    if is_virtual(mime):  # an Outlook attachment or a document out of a browser: bytes, no path
        names = virtual_names(mime)
        if not names:
            return (
                False,
                _(
                    "This Outlook drop names no attachment: save the attachment to a folder first, then drop the "
                    "saved file."
                ),
                None,
            )
        name = names[0]
        if len(names) > 1:
            said = _("Drop to attach “{name}” (Outlook hands over the first of {n} only).")
            return True, said.format(name=name, n=len(names)), None
        if rules.extension_allowed(name):
            return True, _("Drop to attach “{name}”.").format(name=name), None
        said = _("{provider} does not accept “{name}”; it accepts {accepted}.")
        return False, said.format(provider=provider_name, name=name, accepted=" ".join(rules.extensions)), None
    if links and mime.hasUrls() and len(mime.urls()) == 1 and mime.urls()[0].scheme() in ("http", "https"):
        return True, _("Drop to use this link as the document URL (the app downloads nothing)."), None
    if not mime.hasUrls():
        return False, _("Only files can be dropped here."), None
    urls = mime.urls()
    if len(urls) != 1:
        said = ngettext(
            "{n} file at once: drop one file at a time.", "{n} files at once: drop one file at a time.", len(urls)
        )
        return False, said.format(n=len(urls)), None
    url = urls[0]
    if not url.isLocalFile():
        return (
            False,
            _(
                "That is a web link, not a file, and the app downloads nothing: download it first, then drop the "
                "downloaded file."
            ),
            None,
        )
    path = url.toLocalFile()
    name = Path(path).name or path
    if rules.extension_allowed(name):
        return True, _("Drop to attach “{name}”.").format(name=name), path
    accepted = " ".join(rules.extensions)
    if not Path(name).suffix and batches:
        # Most likely a folder: whether it is one is asked only on the drop.
        return True, _("Drop a folder to open a batch of its files (“{name}”).").format(name=name), path
    if not Path(name).suffix:
        # No disk access while dragging: a folder and a file without extension look alike here.
        said = _("“{name}” is a folder or has no file extension; {provider} accepts {accepted}.")
        return False, said.format(name=name, provider=provider_name, accepted=accepted), path
    said = _("{provider} does not accept {extension} files; it accepts {accepted}.")
    return False, said.format(provider=provider_name, extension=Path(name).suffix, accepted=accepted), path


class DropZone(QFrame):
    """Emits `file_dropped(path)` when a file is dropped or chosen; `cleared` when removed."""

    file_dropped = Signal(str)
    # Several files or a folder, on a provider that takes batches of documents.
    batch_dropped = Signal(list)
    # A drop with no file path: [(name, content)] and the names whose content did not come (core/dropped.py saves).
    content_dropped = Signal(list, list)
    # An http(s) link, on a provider that takes a document URL.
    link_dropped = Signal(str)
    cleared = Signal()
    # After the full check of a dropped or chosen file: (accepted, message).
    checked = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setProperty("state", "idle")
        self.setStyleSheet(ZONE_STYLE)
        self.setAcceptDrops(True)
        self.setMinimumHeight(96)
        self.rules: AttachmentRules | None = None
        self.provider_name = ""
        self.optional = False
        self.links = False  # an http(s) link is taken as the document URL (i.materialise's file_url)
        self.batches = False  # several files or a folder open a batch (set by the page for document providers)
        self._path: str | None = None
        # The attached file as checked: (path, size, name it is sent under). A refused new file leaves it attached.
        self._attached: tuple[str, int, str, tuple[str, ...]] | None = None
        self._previous: tuple[str, int, str, tuple[str, ...]] | None = (
            None  # what was attached while a new file is checked
        )
        self._drag_refusal = ""
        self._note = ""  # why the last new file was not attached, shown above the file that stayed
        self._state = "idle"

        outer = QHBoxLayout(self)
        # The attached PDF's first page and page count (attach_preview): the clerk sees it is the right invoice.
        self.preview: PdfPreview | None = None
        layout = QVBoxLayout()
        outer.addLayout(layout, 1)
        self.headline = QLabel(self)
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.detail = QLabel(self)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        row.addStretch(1)
        self.browse_button = QPushButton(_("&Browse…"), self)
        self.browse_button.setToolTip(_("Choose the invoice file (Ctrl+O)"))
        self.remove_button = QPushButton(_("Remo&ve file"), self)
        row.addWidget(self.browse_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.browse_button.clicked.connect(self.browse)
        self.remove_button.clicked.connect(self.clear)
        self.setAccessibleName(_("Invoice file drop zone"))
        self._show_idle()

    def attach_preview(self, runner: TaskRunner) -> None:
        """Show a thumbnail of an attached PDF (rendered on `runner`, off the UI thread)."""
        self.preview = PdfPreview(runner, 84, self)
        self.preview.setFixedWidth(150)  # "fx.pdf — page 1 of 1" on one line in every language
        self.preview.caption.setStyleSheet("font-size: 8pt;")
        self.preview.hide()
        outer = self.layout()
        assert isinstance(outer, QHBoxLayout)
        outer.insertWidget(0, self.preview)

    def _show_preview(self, path: str | None) -> None:
        if self.preview is None:
            return
        if path is not None and path.lower().endswith(".pdf"):
            self.preview.show_document(path)
            self.preview.show()
        else:
            self.preview.clear("")
            self.preview.hide()

    # -- configuration and state -----------------------------------------------------------------------------

    def configure(self, rules: AttachmentRules, provider_name: str, optional: bool) -> None:
        self.rules = rules
        self.provider_name = provider_name
        self.optional = optional
        if self._path is None:
            self._show_idle()

    @property
    def path(self) -> str | None:
        return self._path

    def _set_state(self, state: str) -> None:
        if state == self._state and self.property("state") == state:
            return
        self._state = state
        self.setProperty("state", state)
        style = self.style()
        style.unpolish(self)
        style.polish(self)
        self.update()

    @property
    def state(self) -> str:
        return self._state

    def _show_idle(self) -> None:
        self._set_state("idle")
        rules = self.rules
        self._show_preview(None)
        if self.optional:
            self.headline.setText(_("Drop the invoice file here (optional)"))
        else:
            self.headline.setText(_("Drop the invoice file here"))
        # TRANSLATORS: the drop zone's list of what it takes, e.g. "Accepted: PDF, PNG or JPEG, up to 10 MB".
        self.detail.setText(_("Accepted: {rules}").format(rules=rules.describe()) if rules else "")
        self.remove_button.hide()

    def show_checking(self, path: str) -> None:
        # The earlier file does not count while this one is checked (Upload waits), but comes back if it is refused.
        self._previous = self._attached or self._previous
        self._attached = None
        self._path = None
        self._set_state("checking")
        self._show_preview(None)
        self.headline.setText(_("Checking “{name}”…").format(name=Path(path).name))
        self.detail.setText("")

    def show_accepted(self, path: str, size: int, upload_name: str, warnings: Sequence[str] = ()) -> None:
        self._attached = (path, size, upload_name, tuple(str(warning) for warning in warnings))
        self._previous = None
        self._show_attached()
        self.checked.emit(True, self.detail.text())

    def _show_attached(self, note: str = "") -> None:
        assert self._attached is not None
        self._note = note
        path, size, upload_name, warnings = self._attached
        self._path = path
        self._set_state("ready")
        self.headline.setText(_("Attached: {name}").format(name=Path(path).name))
        self._show_preview(path)
        if upload_name != Path(path).name:
            # TRANSLATORS: under an attached file: its size, the name it is sent under, then its path.
            ready = _("{size}, ready to upload — sent as “{upload_name}”. {path}")
        else:
            # TRANSLATORS: under an attached file: its size, then its path.
            ready = _("{size}, ready to upload. {path}")
        ready = ready.format(size=human_size(size), upload_name=upload_name, path=path)
        notes = "".join(f"\n⚠ {warning}" for warning in warnings)  # e.g. an encrypted PDF: sent, but said
        self.detail.setText((f"{note}\n" if note else "") + ready + notes)
        self.remove_button.show()

    def refuse_new(self, message: str, name: str = "") -> None:
        """A new file (dropped or chosen) is refused: say why, and change nothing else. A file attached before
        stays attached; without one, the zone shows the refusal."""
        message = str(message)  # a kept sentence (Msg) renders in the current language
        kept = self._attached or self._previous
        if kept is None:
            self.show_refused(message)
            return
        self._attached, self._previous = kept, None
        if name:
            said = _("“{name}” was not attached: {reason} The file below is still attached.")
        else:
            said = _("Not attached: {reason} The file below is still attached.")
        self._show_attached(said.format(name=name, reason=message))
        self.checked.emit(False, message)

    def show_refused(self, message: str) -> None:
        """The file itself can't be used (also the attached one, e.g. changed since it was checked)."""
        message = str(message)
        self._path = None
        self._attached = self._previous = None
        self._set_state("reject")
        self._show_preview(None)
        self.headline.setText(_("This file can't be used"))
        accepted = _("Accepted: {rules}").format(rules=self.rules.describe()) if self.rules else ""
        self.detail.setText(f"{message}\n{accepted}")
        self.remove_button.hide()
        self.checked.emit(False, message)

    def clear(self) -> None:
        self._path = None
        self._attached = self._previous = None
        self._show_idle()
        self.cleared.emit()

    # -- picking ---------------------------------------------------------------------------------------------

    def browse(self) -> None:
        if self.rules is None:
            return
        patterns = " ".join(f"*{e}" for e in self.rules.accepted_extensions)
        upper = " ".join(f"*{e.upper()}" for e in self.rules.accepted_extensions)
        # TRANSLATORS: the file types of the Browse dialog; keep the patterns in (parentheses) and ";;" as they are.
        types = _("Invoice files ({patterns});;All files (*)").format(patterns=f"{patterns} {upper}")
        path, _filter = QFileDialog.getOpenFileName(self, _("Choose the invoice file"), "", types)
        if path:
            self.file_dropped.emit(path)

    # -- drag and drop ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._judge(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._judge(event, quiet=True)

    def _judge(self, event: QDragEnterEvent | QDragMoveEvent, quiet: bool = False) -> None:
        if self.rules is None:
            event.ignore()
            return
        ok, message, _path = judge_drag(event.mimeData(), self.rules, self.provider_name, self.batches, self.links)
        self._drag_refusal = "" if ok else message
        if ok:
            event.acceptProposedAction()
            if not quiet:
                self._set_state("accept")
                self.headline.setText(message)
                self.detail.setText("")
        else:
            # Keep receiving move/leave events so the refusal can be shown, but refuse the drop itself.
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept() if not quiet else event.ignore()
            if not quiet:
                self._set_state("reject")
                self.headline.setText(_("Can't drop this here"))
                self.detail.setText(message)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        # A refused file dropped anyway ends in a drag-leave too: keep saying why it was refused.
        if self._state == "reject" and self._attached is not None:
            said = _("Not attached: {reason} The file below is still attached.").format(reason=self._drag_refusal)
            self._show_attached(said)
        elif self._state == "reject":
            self.headline.setText(_("That can't be used here"))
        else:
            self._restore()
        event.accept()

    def _restore(self) -> None:
        if self._attached is not None:
            self._show_attached(self._note)
        else:
            self._show_idle()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.rules is None:
            event.ignore()
            return
        mime = event.mimeData()
        ok, message, path = judge_drag(mime, self.rules, self.provider_name, self.batches, self.links)
        if ok and is_virtual(mime):
            event.acceptProposedAction()
            self._restore()
            self.content_dropped.emit(*virtual_files(mime))
            return
        if ok and self.links and path is None and mime.hasUrls() and not mime.urls()[0].isLocalFile():
            event.acceptProposedAction()
            self._restore()
            self.link_dropped.emit(mime.urls()[0].toString())
            return
        several = batch_paths(mime) if self.batches else []
        if self.batches and (several or (path is not None and Path(path).is_dir())):
            event.acceptProposedAction()
            self._restore()
            self.batch_dropped.emit(several or [path])
            return
        if path is not None and Path(path).is_dir():  # only now, on the drop, is the disk asked
            ok, message = False, _("“{name}” is a folder: drop one file at a time.").format(name=Path(path).name)
        if not ok or path is None:
            # Take the event with no action (nothing is copied), so the refusal stays on show: an ignored drop
            # is followed by a drag-leave that would reset the zone.
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept()
            self.refuse_new(message, Path(path).name if path else "")
            return
        event.acceptProposedAction()
        self.file_dropped.emit(path)
