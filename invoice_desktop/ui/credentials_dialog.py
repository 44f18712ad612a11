"""Enter, check and store a provider's credentials for one environment (in the OS keyring, via the core).

Keyring access can block (an unlock prompt), so reading and writing happen off the UI thread. Where the provider
offers a sign-in (SkyPostal's customer login, Shopwave's OAuth), it runs from here; what the clerk types to sign in
(a password) is never stored.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.credential_changes import store_typed_credentials
from ..core.errors import InvoiceDesktopError
from ..core.i18n import _
from ..core.provider import ENVIRONMENT_LABELS, CredentialField, Provider
from ..core.services import Services
from .environment_banner import environment_title
from .tasks import Task, TaskRunner

ERROR_STYLE = "color: #b00020;"
TITLE_BAR = 32  # room the window manager's title bar takes above a dialog


def _input_for(field: CredentialField, parent: QWidget) -> QWidget:
    if field.choices:
        combo = QComboBox(parent)
        # The provider's words for each choice (declared, translated here); bare values are the API's own.
        labels = [_(label) for label in field.choice_labels] if field.choice_labels else list(field.choices)
        for choice, label in zip(field.choices, labels, strict=True):
            combo.addItem(label, choice)
        combo.setAccessibleName(_(field.label))
        return combo
    line = QLineEdit(parent)
    line.setAccessibleName(_(field.label))
    line.setToolTip(_(field.help) if field.help else "")
    if field.default:  # a value (an API version), never translated
        line.setPlaceholderText(field.default)
    else:
        # TRANSLATORS: the placeholder of an empty credentials field that must / need not be filled in.
        line.setPlaceholderText(_("required") if field.required else _("optional"))
    if field.secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


def _with_show_button(widget: QWidget, parent: QWidget) -> QWidget:
    """A secret's input with a Show/Hide button beside it (a line-edit action would need an icon to be seen)."""
    if not isinstance(widget, QLineEdit) or widget.echoMode() != QLineEdit.EchoMode.Password:
        return widget
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget, 1)
    toggle = QToolButton(row)
    # TRANSLATORS: the button beside a secret (a password, a key) that shows it in clear.
    toggle.setText(_("Show"))
    toggle.setCheckable(True)
    # TRANSLATORS: the tooltip of the Show button beside a secret; {field} is the secret's label ("Password").
    toggle.setToolTip(_("Show or hide “{field}”").format(field=widget.accessibleName()))

    def flip(on: bool) -> None:
        widget.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        # TRANSLATORS: the button beside a secret shown in clear, that hides it again.
        toggle.setText(_("Hide") if on else _("Show"))

    toggle.toggled.connect(flip)
    layout.addWidget(toggle)
    return row


def _value(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return str(widget.currentData() or "")
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


def _set_value(widget: QWidget, value: str) -> None:
    if isinstance(widget, QComboBox):
        index = widget.findData(value)
        widget.setCurrentIndex(max(index, 0))
    else:
        assert isinstance(widget, QLineEdit)
        widget.setText(value)


class SignInAddress(QWidget):
    """The sign-in address with a Copy button, for when no browser could be opened on this computer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        note = QLabel(_("No web browser could be opened. Open this address in a browser to sign in:"), self)
        note.setWordWrap(True)
        row = QHBoxLayout()
        self.address = QLineEdit(self)
        self.address.setReadOnly(True)
        self.address.setAccessibleName(_("Sign-in address"))
        self.copy_button = QPushButton(_("Cop&y"), self)
        self.copy_button.setToolTip(_("Copy the address, then paste it into a browser"))
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.address, 1)
        row.addWidget(self.copy_button)
        box.addWidget(note)
        box.addLayout(row)
        self.hide()

    def show_address(self, url: str) -> None:
        self.address.setText(url)
        self.address.setCursorPosition(0)
        self.copy_button.setText(_("Cop&y"))
        self.show()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.address.text())
        self.copy_button.setText(_("Copied"))


class CredentialsDialog(QDialog):
    saved = Signal(str)  # the keyring status message
    # From the sign-in's worker thread: no browser could be opened for this address (queued to the UI thread).
    browser_unavailable = Signal(str)

    def __init__(
        self,
        provider: Provider,
        environment: str,
        services: Services,
        runner: TaskRunner,
        base_url: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.provider = provider
        self.environment = environment
        self.services = services
        self.runner = runner
        self.base_url = base_url
        self._sign_in_task: Task | None = None

        where = _(ENVIRONMENT_LABELS[environment]) if environment in ENVIRONMENT_LABELS else environment
        self.setWindowTitle(
            _("{provider} credentials — {environment}").format(provider=provider.name, environment=where)
        )
        self.setMinimumWidth(520)

        # Everything above the status and the buttons scrolls when the screen is too short for it (Shopwave with
        # Advanced open on a 768-pixel screen), and the scroll area sizes its rows by their wrapped text, so the
        # help under each field shows in full instead of being cut by the next row.
        outer = self._outer = QVBoxLayout(self)
        self.fields_scroll = QScrollArea(self)
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.content = QWidget(self.fields_scroll)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = self.intro = QLabel(self)
        intro.setWordWrap(True)
        if environment == "practice":
            intro.setText(
                _(
                    "Practice credentials are filled in for you. They only work with the local practice "
                    "sandbox; nothing leaves this computer."
                )
            )
        else:
            # The environment's short name ("Sandbox", as in the window title): its list entry, "Sandbox (vendor's
            # test system)", would put brackets inside the sentence's brackets.
            intro.setText(
                _("These are kept in your system's keyring for {provider} ({environment}), never in a file.").format(
                    provider=provider.name, environment=environment_title(environment)
                )
            )
        layout.addWidget(intro)

        form = QFormLayout()
        self.form_layout = form
        # Rarely changed fields (an API version, the request body's encoding) sit in a collapsed "Advanced" box.
        self.advanced_toggle = QToolButton(self)
        # TRANSLATORS: the fold-out of rarely changed credentials settings (an API version, an encoding).
        self.advanced_toggle.setText(_("Advanced"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_box = QWidget(self)
        advanced_form = QFormLayout(self.advanced_box)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        self.advanced_box.hide()
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.rows: dict[str, QWidget] = {}
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        for field in provider.typed_credential_fields():
            widget = _input_for(field, self)
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            holder = QWidget(self)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(_with_show_button(widget, holder))
            if field.help:
                help_label = QLabel(_(field.help), holder)
                help_label.setWordWrap(True)
                help_label.setStyleSheet("color: #666;")
                box.addWidget(help_label)
            box.addWidget(error)
            # TRANSLATORS: a label before its input, e.g. "API key:"; {label} is the field's name.
            label = QLabel(_("{label}:").format(label=_(field.label) + (" *" if field.required else "")), self)
            label.setBuddy(widget)
            (advanced_form if field.advanced else form).addRow(label, holder)
            self.rows[field.name] = holder
            self.inputs[field.name] = widget
            self.errors[field.name] = error
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(lambda _t, n=field.name: self._check_field(n))
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i, n=field.name: self._check_field(n))
        layout.addLayout(form)
        if advanced_form.rowCount():
            layout.addWidget(self.advanced_toggle)
            layout.addWidget(self.advanced_box)
        else:
            self.advanced_toggle.hide()
        for field in provider.typed_credential_fields():
            if field.shown_when and field.shown_when[0] in self.inputs:
                controller = self.inputs[field.shown_when[0]]
                if isinstance(controller, QComboBox):
                    controller.currentIndexChanged.connect(lambda _i: self._update_rows())
                else:
                    assert isinstance(controller, QLineEdit)
                    controller.textChanged.connect(lambda _t: self._update_rows())
        self._update_rows()

        self.obtained_label = QLabel(self)
        self.obtained_label.setWordWrap(True)
        self.obtained_label.setStyleSheet("color: #555;")
        self.obtained_label.hide()
        layout.addWidget(self.obtained_label)

        self.sign_in_inputs: dict[str, QWidget] = {}
        if provider.supports_sign_in:
            sign_in_label = _(provider.sign_in_label)
            group = QGroupBox(sign_in_label.rstrip("…"), self)
            sign_form = QFormLayout(group)
            for field in provider.sign_in_fields:
                widget = _input_for(field, group)
                label = QLabel(_("{label}:").format(label=_(field.label)), group)
                label.setBuddy(widget)
                sign_form.addRow(label, _with_show_button(widget, group))
                self.sign_in_inputs[field.name] = widget
            note = QLabel(_("What you type here is used once to sign in and is not stored."), group)
            note.setStyleSheet("color: #666;")
            note.setWordWrap(True)
            sign_form.addRow(note)
            self.sign_in_button = QPushButton(sign_in_label, group)
            self.sign_in_status = QLabel(group)
            self.sign_in_status.setWordWrap(True)
            sign_form.addRow(self.sign_in_button, self.sign_in_status)
            self.sign_in_button.clicked.connect(self._sign_in_or_cancel)
            self.sign_in_address = SignInAddress(group)
            sign_form.addRow(self.sign_in_address)
            self.browser_unavailable.connect(self.sign_in_address.show_address)
            layout.addWidget(group)

        layout.addStretch(1)
        self.fields_scroll.setWidget(self.content)
        outer.addWidget(self.fields_scroll, 1)

        self.status = QLabel(_("Reading stored credentials…"), self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555;")
        outer.addWidget(self.status)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.delete_button = self.buttons.addButton(_("Forget stored"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self.forget)
        outer.addWidget(self.buttons)
        self.fit_to_screen()
        self._set_busy(True)
        self.runner.submit("read-credentials", self._read, self._on_read, self._on_error)

    def _show_advanced(self, shown: bool) -> None:
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.advanced_box.setVisible(shown)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """As tall as the wrapped text needs, never taller than the screen (room left for the title bar); moved
        up when growing would push the buttons below the screen's edge."""
        free = self.screen().availableGeometry()
        width = min(max(self.width(), self.minimumWidth(), 560), free.width() - 16)
        outer = self._outer
        margins = outer.contentsMargins()
        inner = width - margins.left() - margins.right()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        needed = (
            margins.top()
            + margins.bottom()
            + 2 * outer.spacing()
            # Measured as if the scroll bar took its width: the scroll area may decide on one before it knows it
            # needs none, and the text wrapped narrower would then need one.
            + max(self.content.heightForWidth(inner - bar), self.content.minimumSizeHint().height())
            + self.status.heightForWidth(inner)
            + self.buttons.sizeHint().height()
        )
        height = min(needed, free.height() - TITLE_BAR)
        self.resize(width, height)
        if self.isVisible():
            top = min(self.y(), free.bottom() - height - 1)
            self.move(max(free.left(), min(self.x(), free.right() - width)), max(free.top() + TITLE_BAR, top))

    def _update_rows(self) -> None:
        """Show only the fields that matter for the current choices (e.g. the chosen sign-in method)."""
        for field in self.provider.typed_credential_fields():
            if field.shown_when is None:
                continue
            name, values = field.shown_when
            visible = _value(self.inputs[name]) in values if name in self.inputs else True
            if field.advanced:
                self.rows[field.name].setVisible(visible)
            else:
                self.form_layout.setRowVisible(self.rows[field.name], visible)
        if hasattr(self, "buttons"):
            self.fit_to_screen()

    # -- loading -------------------------------------------------------------------------------------------

    def _read(self, _task: Task) -> tuple[dict[str, str], str]:
        values = self.services.uploads.stored_credentials(self.provider, self.environment)
        return values, self.services.credentials.status().message

    def _on_read(self, result: tuple[dict[str, str], str]) -> None:
        values, status = result
        for name, widget in self.inputs.items():
            _set_value(widget, values.get(name, ""))
        obtained = [_(f.label) for f in self.provider.credential_fields if f.obtained and values.get(f.name)]
        if obtained:
            said = _("Also stored from signing in: {names}.").format(names=", ".join(obtained))
            self.obtained_label.setText(said)
            self.obtained_label.show()
        self.status.setText(str(status))  # the keyring's sentence can run to several lines
        self._set_busy(False)
        self.fit_to_screen()

    def _on_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = getattr(exc, "message", None)
        self.status.setText(str(message) if message else _("Could not use the keyring: {error}").format(error=exc))

    def _set_busy(self, busy: bool) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)

    # -- checking and saving -------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {name: _value(widget) for name, widget in self.inputs.items()}

    def _check_field(self, name: str) -> str:
        field = next(f for f in self.provider.credential_fields if f.name == name)
        value = _value(self.inputs[name])
        problem = ""
        if value and field.pattern and not re.fullmatch(field.pattern, value):
            if field.pattern_message:
                problem = _(field.pattern_message)
            else:
                problem = _("{field} is not in the expected form.").format(field=_(field.label))
        self.errors[name].setText(problem)
        self.errors[name].setVisible(bool(problem))
        return problem

    def save(self) -> None:
        values = self.values()
        problems = self.provider.check_credentials(values)
        for name, label in self.errors.items():
            label.setText(str(problems.get(name, "")))  # kept sentences (Msg) render in the current language
            label.setVisible(name in problems)
        if problems:
            self.status.setText(_("Please correct the fields marked in red."))
            return
        self._set_busy(True)
        self.status.setText(_("Saving…"))
        self.runner.submit("save-credentials", lambda _t: self._store(values), self._on_saved, self._on_error)

    def _store(self, values: dict[str, str]) -> str:
        store_typed_credentials(self.services.credentials, self.provider, self.environment, values)
        return self.services.credentials.status().message

    def _on_saved(self, status: str) -> None:
        self.saved.emit(str(status))
        self.accept()

    def forget(self) -> None:
        names = [f.name for f in self.provider.credential_fields]
        self._set_busy(True)
        self.runner.submit(
            "forget-credentials",
            lambda _t: self.services.credentials.delete_all(self.provider.id, self.environment, names),
            lambda _r: self._on_forgotten(),
            self._on_error,
        )

    def _on_forgotten(self) -> None:
        for widget in self.inputs.values():
            _set_value(widget, "")
        self.obtained_label.hide()
        self.status.setText(_("Stored credentials were removed."))
        self._set_busy(False)

    # -- sign-in ---------------------------------------------------------------------------------------------

    def _sign_in_or_cancel(self) -> None:
        if self._sign_in_task is not None and self._sign_in_task.running:
            self._sign_in_task.cancel()
            self.sign_in_status.setText(_("Cancelling…"))
            return
        typed = {k: v for k, v in self.values().items() if v}
        values = {name: _value(w) for name, w in self.sign_in_inputs.items()}
        self.sign_in_status.setText(_("Signing in… (a browser window may open)"))
        self.sign_in_button.setText(_("Cancel sign-in"))

        opener = self.services.uploads.open_browser
        self.sign_in_address.hide()

        def open_or_show(url: str) -> None:
            try:
                opened = opener(url)
            except Exception:  # any failure to start a browser: the address is shown instead
                opened = False
            if opened is False:
                self.browser_unavailable.emit(url)

        def work(task: Task) -> dict[str, str]:
            stored = self.services.uploads.stored_credentials(self.provider, self.environment)
            return self.services.uploads.sign_in(
                self.provider,
                self.environment,
                values,
                base_url=self.base_url,
                credentials={**stored, **typed},
                cancel=task.cancel_token,
                open_browser=open_or_show,
            )

        self._sign_in_task = self.runner.submit("sign-in", work, self._on_signed_in, self._on_sign_in_failed)

    def _on_signed_in(self, obtained: dict[str, Any]) -> None:
        self.sign_in_address.hide()
        self.sign_in_button.setText(_(self.provider.sign_in_label))
        for name, value in obtained.items():
            if name in self.inputs:
                _set_value(self.inputs[name], str(value))
        self.sign_in_status.setText(_("Signed in. The credentials it returned are stored."))
        for widget in self.sign_in_inputs.values():
            if isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Password:
                widget.clear()

    def _on_sign_in_failed(self, exc: BaseException) -> None:
        self.sign_in_button.setText(_(self.provider.sign_in_label))
        if isinstance(exc, InvoiceDesktopError):
            message = str(exc.message)
        else:
            message = _("Sign-in failed: {error}").format(error=exc)
        self.sign_in_status.setText(message)

    def reject(self) -> None:
        if self._sign_in_task is not None:
            self._sign_in_task.cancel()
        super().reject()
