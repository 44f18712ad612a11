"""The main window: providers on the left, the chosen provider's page in the middle, log and history below."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..core.provider import PRACTICE, Provider
from ..core.services import Services
from .history_view import HistoryView
from .log_pane import LogPane, QtLogHandler
from .outcome_panel import OutcomePanel
from .provider_page import ProviderPage
from .tasks import TaskRunner
from .upload_flow import UploadFlow
from .wheel_guard import install_wheel_guard

log = logging.getLogger("invoice_desktop.ui")

PRACTICE_BANNER = (
    "<b>Practice</b> — nothing leaves this computer. Uploads go to a local sandbox that behaves like "
    "{name}'s API; practice credentials are filled in for you."
)


class MainWindow(QMainWindow):
    def __init__(
        self, services: Services, providers: tuple[Provider, ...], runner: TaskRunner, settings: QSettings | None = None
    ) -> None:
        super().__init__()
        install_wheel_guard(QApplication.instance())  # type: ignore[arg-type]  # before any input is built
        self.services = services
        self.providers = providers
        self.runner = runner
        self.settings = settings or QSettings()
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 860)
        self.setAcceptDrops(True)  # a file dropped anywhere on the window is taken as dropped on the zone

        # -- left: providers -------------------------------------------------------------------------------
        self.provider_list = QListWidget()
        self.provider_list.setAccessibleName("Providers")
        self.provider_list.setMaximumWidth(230)
        self.provider_list.setSpacing(2)
        self.provider_list.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        for provider in providers:
            item = QListWidgetItem(provider.name)
            item.setToolTip(provider.summary)
            self.provider_list.addItem(item)

        # -- top of the right side: environment, address, credentials, practice banner -----------------
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.environment_combo = QComboBox()
        self.environment_combo.setAccessibleName("Environment")
        env_label = QLabel("&Environment:")
        env_label.setBuddy(self.environment_combo)
        self.address = QLineEdit()
        self.address.setClearButtonEnabled(True)
        self.address.setAccessibleName("Address (base URL)")
        address_label = QLabel("A&ddress:")
        address_label.setBuddy(self.address)
        self.credentials_button = QPushButton("&Credentials…")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(env_label)
        header.addWidget(self.environment_combo)
        header.addWidget(self.credentials_button)
        address_row = QHBoxLayout()
        address_row.addWidget(address_label)
        address_row.addWidget(self.address, 1)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("practiceBanner")
        self.banner.setStyleSheet(
            "QLabel#practiceBanner { background: #fff4ce; border: 1px solid #e0b400; border-radius: 4px; "
            "padding: 6px; }"
        )

        # -- middle: the provider pages ---------------------------------------------------------------------
        self.pages = QStackedWidget()
        self.attachments = QStackedWidget()
        self.page_for: dict[str, ProviderPage] = {}
        for provider in providers:
            page = ProviderPage(provider)
            self.page_for[provider.id] = page
            self.pages.addWidget(page)
            self.attachments.addWidget(page.attachment_panel)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        # -- the upload bar and the outcome ------------------------------------------------------------------
        self.upload_button = QPushButton("&Upload")
        self.upload_button.setDefault(True)
        self.upload_button.setToolTip("Send to the provider (Ctrl+Enter)")
        self.upload_button.setMinimumWidth(140)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the upload (Esc)")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.activity = QLabel()
        self.activity.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.upload_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.activity, 1)
        self.outcome = OutcomePanel()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(header)
        right_layout.addLayout(address_row)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.attachments)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.outcome)

        # -- bottom: log and history -----------------------------------------------------------------------
        self.log_pane = LogPane()
        self.history_view = HistoryView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.log_pane, "&Log")
        self.tabs.addTab(self.history_view, "&History")

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.provider_list)
        top.addWidget(right)
        top.setStretchFactor(1, 1)
        top.setSizes([200, 980])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(self.tabs)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setSizes([600, 260])
        self.setCentralWidget(main)
        self.keyring_status = QLabel()
        self.statusBar().addPermanentWidget(self.keyring_status)

        # The log pane hears everything the core logs (exchanges included), from any thread.
        self.log_handler = QtLogHandler()
        self.log_handler.emitter.record.connect(self.log_pane.add_record)
        app_log = logging.getLogger("invoice_desktop")
        app_log.addHandler(self.log_handler)
        if app_log.level == logging.NOTSET or app_log.level > logging.INFO:
            app_log.setLevel(logging.INFO)

        self.flow = UploadFlow(self)
        self._build_menus()
        self._connect()
        last = self.settings.value("provider", providers[0].id if providers else "")
        index = next((i for i, p in enumerate(providers) if p.id == last), 0)
        self.provider_list.setCurrentRow(index)
        self.flow.refresh_history()
        self.flow.read_keyring_status()

    # -- wiring ------------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open invoice file…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._browse)
        file_menu.addAction(self.open_action)
        load_json = QAction("Load form from &JSON…", self)
        load_json.triggered.connect(self.flow.load_form_json)
        file_menu.addAction(load_json)
        save_json = QAction("&Save form as JSON…", self)
        save_json.triggered.connect(self.flow.save_form_json)
        file_menu.addAction(save_json)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        upload = QAction("Upload", self)
        upload.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        upload.triggered.connect(self.flow.upload)
        self.addAction(upload)
        cancel = QAction("Cancel", self)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.triggered.connect(self.flow.cancel)
        self.addAction(cancel)
        help_menu = self.menuBar().addMenu("&Help")
        folders = QAction("Show where the app keeps its &files", self)
        folders.triggered.connect(self._show_folders)
        help_menu.addAction(folders)

    def _connect(self) -> None:
        self.provider_list.currentRowChanged.connect(self._provider_changed)
        self.environment_combo.currentIndexChanged.connect(self._environment_changed)
        self.address.editingFinished.connect(self._address_changed)
        self.credentials_button.clicked.connect(self.flow.open_credentials)
        self.upload_button.clicked.connect(self.flow.upload)
        self.cancel_button.clicked.connect(self.flow.cancel)
        self.history_view.refresh_requested.connect(self.flow.refresh_history)
        self.history_view.retry_requested.connect(self.flow.retry)
        self.history_view.show_requested.connect(self.flow.show_attempt)
        for page in self.page_for.values():
            page.file_chosen.connect(self.flow.check_file)
            page.load_requested.connect(self.flow.load_current)
            page.form.changed.connect(page.form.refresh_errors)

    # -- the current provider and environment --------------------------------------------------------------

    @property
    def provider(self) -> Provider:
        return self.providers[max(self.provider_list.currentRow(), 0)]

    @property
    def page(self) -> ProviderPage:
        return self.page_for[self.provider.id]

    @property
    def environment(self) -> str:
        return str(self.environment_combo.currentData() or PRACTICE)

    def base_url_override(self) -> str | None:
        if self.provider.environment(self.environment).is_practice:
            return None  # Practice is this computer, always: whatever the Address held before
        return self.address.text().strip() or None

    def _provider_changed(self, row: int) -> None:
        if row < 0:
            return
        provider = self.providers[row]
        self.settings.setValue("provider", provider.id)
        self.pages.setCurrentWidget(self.page_for[provider.id])
        panel = self.page_for[provider.id].attachment_panel
        self.attachments.setCurrentWidget(panel)
        self.attachments.setVisible(self.page_for[provider.id].has_attachment)
        self.title.setText(provider.name)
        self.upload_button.setText("&" + provider.action_label)
        self.environment_combo.blockSignals(True)
        self.environment_combo.clear()
        for env in provider.environments:
            self.environment_combo.addItem(env.label, env.id)
        # Practice is the default until the clerk chooses otherwise for this provider.
        chosen = self.settings.value(f"{provider.id}/environment", PRACTICE)
        index = self.environment_combo.findData(chosen)
        self.environment_combo.setCurrentIndex(max(index, 0))
        self.environment_combo.blockSignals(False)
        self._environment_changed()

    def _environment_changed(self, *_: Any) -> None:
        provider, env_id = self.provider, self.environment
        self.settings.setValue(f"{provider.id}/environment", env_id)
        env = provider.environment(env_id)
        if env.is_practice:
            self.address.setPlaceholderText("the local practice sandbox (started automatically)")
        elif env.base_url:
            self.address.setPlaceholderText(env.base_url)
        else:
            self.address.setPlaceholderText(
                f"required: the address of your {provider.name} installation"
                + (f", e.g. {env.note}" if env.note else "")
            )
        self.address.setText(str(self.settings.value(f"{provider.id}/{env_id}/address", "")))
        self.address.setToolTip(env.note)
        # In Practice the destination is this computer: to send elsewhere, the clerk chooses another environment.
        self.address.setEnabled(not env.is_practice)
        if env.is_practice:
            self.address.clear()
            self.address.setToolTip(
                "Practice always sends to this computer. Choose Sandbox or Production to send elsewhere."
            )
        self.banner.setText(PRACTICE_BANNER.format(name=provider.name))
        self.banner.setVisible(env.is_practice)
        if env.is_practice:
            self.flow.show_practice_hint(provider)
        self.setWindowTitle(f"{APP_NAME} — {provider.name} ({env.label})")

    def _address_changed(self) -> None:
        if not self.address.isEnabled():
            return
        self.settings.setValue(f"{self.provider.id}/{self.environment}/address", self.address.text().strip())

    def _browse(self) -> None:
        if self.page.drop_zone is not None:
            self.page.drop_zone.browse()

    def open_file(self, path: str) -> None:
        """A file given on the command line or by the system's Open With: as if dropped."""
        if self.page.drop_zone is None:
            # The current provider takes no file: switch to the first one that does.
            for row, provider in enumerate(self.providers):
                if provider.attachment is not None and provider.attachment_mode != "none":
                    self.provider_list.setCurrentRow(row)
                    break
        self.flow.check_file(path)

    def _show_folders(self) -> None:
        from ..core.paths import data_dir, log_dir

        QMessageBox.information(
            self,
            "Where the app keeps its files",
            f"History: {self.services.history.path}\nLogs: {log_dir()}\nData folder: {data_dir()}\n\n"
            "Credentials are kept in the system keyring, never in these folders.",
        )

    # -- a file dropped anywhere on the window goes to the drop zone ------------------------------------------

    def _to_drop_zone(
        self, event: QDragEnterEvent | QDragMoveEvent | QDragLeaveEvent | QDropEvent, handler: str
    ) -> None:
        zone = self.page.drop_zone
        if zone is not None:
            getattr(zone, handler)(event)
        elif not isinstance(event, QDragLeaveEvent):
            event.ignore()  # this provider takes no file

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._to_drop_zone(event, "dragEnterEvent")

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._to_drop_zone(event, "dragMoveEvent")

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._to_drop_zone(event, "dragLeaveEvent")

    def dropEvent(self, event: QDropEvent) -> None:
        self._to_drop_zone(event, "dropEvent")

    # -- closing ---------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.flow.uploading and not self.flow.confirm_quit_during_upload():
            event.ignore()
            return
        self.flow.shutdown()
        logging.getLogger("invoice_desktop").removeHandler(self.log_handler)
        event.accept()

    def show_later(self, callback: Any) -> None:
        QTimer.singleShot(0, callback)
