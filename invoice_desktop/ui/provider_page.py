"""One provider's page: its form, the file drop zone, and its options.

Built entirely from the provider's declared data (its `ProviderInfo` and `PageDescription`), so a new provider needs
no code here, and showing a page imports neither the provider's module nor pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.attachments import MB
from ..core.i18n import _
from ..core.page_description import PageDescription
from ..core.registry import ProviderInfo, ProviderRegistry
from .drop_zone import DropZone
from .form_view import FormView

if TYPE_CHECKING:
    from ..core.provider import Provider


class ProviderPage(QWidget):
    file_chosen = Signal(str)
    # Several files or a folder dropped on a provider that takes batches of documents.
    batch_requested = Signal(list)
    # A drop with no file path (Outlook, a browser): [(name, content)], names whose content did not come.
    content_dropped = Signal(list, list)
    load_requested = Signal()

    def __init__(
        self,
        info: ProviderInfo,
        description: PageDescription,
        providers: ProviderRegistry,
        parent: QWidget | None = None,
    ) -> None:
        """`providers`: where the provider itself is imported from when needed (`load_provider`, on a worker)."""
        super().__init__(parent)
        self.info = info
        self.description = description
        self._providers = providers
        # Values as loaded from the provider (load-before-change); None when nothing was loaded. `loaded_key` is
        # what they were loaded for (e.g. the customer number): Save is bound to it.
        self.loaded: dict[str, Any] | None = None
        self.loaded_key: dict[str, Any] | None = None
        layout = QVBoxLayout(self)

        intro = QLabel(_(info.summary) if info.summary else "", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.form = FormView(description.form, self)
        layout.addWidget(self.form)

        self.load_button: QPushButton | None = None
        self.load_status = QLabel(self)
        self.load_status.setWordWrap(True)
        self.load_status.setStyleSheet("color: #555;")
        if description.supports_load:
            # Beside the (last) field that identifies what is loaded: type the customer number, then Load.
            self.load_button = QPushButton(_("&Load current values"), self)
            self.load_button.setToolTip(_("Read what the provider has now, so unchanged fields stay as they are"))
            self.load_button.clicked.connect(self.load_requested)
            key = description.load_key_fields[-1]
            if key in self.form.rows:
                self.form.add_beside(key, self.load_button)
                form_layout = self.form.layout()
                assert isinstance(form_layout, QFormLayout)
                form_layout.insertRow(1 + list(self.form.editors).index(key), "", self.load_status)
            else:
                row = QHBoxLayout()
                row.addWidget(self.load_button)
                row.addWidget(self.load_status, 1)
                layout.addLayout(row)

        self.form.changed.connect(self._drop_loaded_if_key_changed)

        options = QFormLayout()
        self.format_combo: QComboBox | None = None
        if len(description.formats) > 1:
            self.format_combo = QComboBox(self)
            for fmt in description.formats:
                self.format_combo.addItem(fmt.upper(), fmt)
            # TRANSLATORS: a label before its input, e.g. "Format:"; {label} is the provider's word for the choice.
            label = QLabel(_("{label}:").format(label=_(description.format_label)), self)
            label.setBuddy(self.format_combo)
            options.addRow(label, self.format_combo)

        self.limit_spin: QSpinBox | None = None
        rules = description.attachment
        if rules is not None and rules.limit_source == "app":
            self.limit_spin = QSpinBox(self)
            self.limit_spin.setRange(1, 100)
            # TRANSLATORS: the unit after the file size limit's number (megabytes), with its leading space.
            self.limit_spin.setSuffix(_(" MB"))
            self.limit_spin.setValue(max(1, rules.max_bytes // MB))
            self.limit_spin.setToolTip(_("The API documents no size limit; this is the app's own, to be safe."))
            label = QLabel(_("File size limit (this app's):"), self)
            label.setBuddy(self.limit_spin)
            options.addRow(label, self.limit_spin)
            self.limit_spin.valueChanged.connect(self._update_limit)
        layout.addLayout(options)

        # The file's panel lives outside the scrolling form (the window places it), so the drop zone stays in
        # sight however long the form is.
        self.attachment_panel = QWidget()
        attach_layout = QVBoxLayout(self.attachment_panel)
        attach_layout.setContentsMargins(0, 0, 0, 0)
        self.drop_zone: DropZone | None = None
        self.file_url: QLineEdit | None = None
        if rules is not None and info.attachment_mode != "none":
            self.drop_zone = DropZone(self.attachment_panel)
            self.drop_zone.configure(
                rules, info.name, optional=info.attachment_mode == "optional" and not info.accepts_file_url
            )
            self.drop_zone.file_dropped.connect(self.file_chosen)
            self.drop_zone.batches = description.takes_batches
            self.drop_zone.batch_dropped.connect(self.batch_requested)
            self.drop_zone.content_dropped.connect(self.content_dropped)
            attach_layout.addWidget(self.drop_zone)
        if info.accepts_file_url:
            row = QHBoxLayout()
            label = QLabel(_("…or document &URL:"), self.attachment_panel)
            self.file_url = QLineEdit(self.attachment_panel)
            self.file_url.setPlaceholderText(_("https://… a public link to the document (instead of a file)"))
            self.file_url.setClearButtonEnabled(True)
            label.setBuddy(self.file_url)
            row.addWidget(label)
            row.addWidget(self.file_url, 1)
            attach_layout.addLayout(row)
            if self.drop_zone is not None:
                self.drop_zone.links = True
                self.drop_zone.link_dropped.connect(self.use_link)
        self.has_attachment = self.drop_zone is not None or self.file_url is not None

        # What to enter and what happens, in a clerk's words; the integrator's readings (provider.notes) are
        # behind the window's "How this is sent" link.
        self.guide: QLabel | None = None
        if description.guide:
            self.guide = QLabel(_(description.guide), self)
            self.guide.setWordWrap(True)
            self.guide.setStyleSheet("color: #444;")
            layout.addWidget(self.guide)
        layout.addStretch(1)

    def _update_limit(self, megabytes: int) -> None:
        if self.drop_zone is not None and self.description.attachment is not None:
            self.drop_zone.configure(
                self.description.attachment.with_max_bytes(megabytes * MB), self.info.name, self.drop_zone.optional
            )

    # -- the provider itself (its module, its pydantic model) ---------------------------------------------------

    def load_provider(self) -> Provider:
        """The provider, importing its module (and pydantic) the first time: call it off the UI thread."""
        return self._providers.load(self.info.id)

    def loaded_provider(self) -> Provider | None:
        """The provider if its module is imported already; None: see `load_provider`."""
        return self._providers.loaded(self.info.id)

    # -- what the upload needs -----------------------------------------------------------------------------

    def use_link(self, url: str) -> None:
        """An http(s) link dropped on the zone: offered as the document URL (nothing is downloaded)."""
        if self.file_url is not None:
            self.file_url.setText(url)
            self.file_url.setFocus()

    @property
    def file_path(self) -> str | None:
        return self.drop_zone.path if self.drop_zone else None

    @property
    def document_url(self) -> str | None:
        return (self.file_url.text().strip() or None) if self.file_url else None

    def clear_document(self) -> None:
        """Forget the attached file and document URL (after they were sent); per-account choices stay."""
        if self.drop_zone is not None and self.drop_zone.path is not None:
            self.drop_zone.clear()
        if self.file_url is not None:
            self.file_url.clear()

    def options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if self.format_combo is not None:
            opts["format"] = self.format_combo.currentData()
        if self.limit_spin is not None:
            opts["max_bytes"] = self.limit_spin.value() * MB
        return opts

    def load_key(self) -> dict[str, Any]:
        values = self.form.values()
        return {k: values.get(k) for k in self.description.load_key_fields}

    def apply_loaded(self, key: dict[str, Any], loaded: dict[str, Any] | None) -> None:
        """Fill the form from what the provider has, remembering it to show changes before sending."""
        if key != self.load_key():
            # The clerk typed another customer number while this one was being read: it is not theirs to save.
            said = _("{key} changed while loading: press Load again.").format(key=self._describe_key(self.load_key()))
            self.load_status.setText(said)
            return
        self.form.set_values({**(loaded or {}), **{k: v for k, v in key.items() if v is not None}})
        self.loaded = self.form.values()
        self.loaded_key = self.load_key()
        if loaded is None:
            self.load_status.setText(_("Nothing is stored for this yet: the form starts empty."))
        else:
            self.load_status.setText(_("Loaded the current values. Change what you need; the rest stays as it is."))

    def load_failed(self, message: str) -> None:
        """A failed load leaves nothing to save: what an earlier load filled in belonged to another customer."""
        message = str(message)  # a kept sentence (Msg) renders in the current language
        if self.loaded is not None or self._has_more_than_key():
            self._forget_loaded()
            message += " " + _("The form was cleared: nothing from an earlier load is kept.")
        self.load_status.setText(message)

    def _drop_loaded_if_key_changed(self) -> None:
        if self.loaded_key is None or self.load_key() == self.loaded_key:
            return
        before = self._describe_key(self.loaded_key)
        self._forget_loaded()
        self.load_status.setText(
            _(
                "Changed from {key}: the values loaded for it were cleared, so they cannot be saved to another. "
                "Press Load to read the current ones."
            ).format(key=before)
        )

    def _forget_loaded(self) -> None:
        self.loaded = None
        self.loaded_key = None
        self.form.clear_except(self.description.load_key_fields)
        self.form.refresh_errors()

    def _has_more_than_key(self) -> bool:
        return bool(set(self.form.values()) - set(self.description.load_key_fields))

    def _describe_key(self, key: dict[str, Any]) -> str:
        labels = {spec.name: spec.label for spec in self.form.specs}
        # TRANSLATORS: what a load was for, e.g. "Customer number 1234"; "(empty)" when nothing was typed.
        return ", ".join(
            _("{field} {value}").format(field=labels.get(k, k), value=v if v is not None else _("(empty)"))
            for k, v in key.items()
        )

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for what differs from what was loaded."""
        if self.loaded is None:
            return []
        now = self.form.values()
        keys = list(dict.fromkeys([*self.loaded, *now]))
        return [(k, self.loaded.get(k), now.get(k)) for k in keys if self.loaded.get(k) != now.get(k)]
