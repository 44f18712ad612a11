"""The main window: where uploads go on top, providers on the left, the chosen provider's page on the right (it
gets the height), the Log and History folded at the bottom."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt at use: see invoice_desktop/ui/__init__.py
from PySide6.QtCore import QEvent, QSettings, QTimer, Signal
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
    QFileDialog,
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
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import _, ngettext
from ..core.registry import PRACTICE, PRODUCTION, ProviderInfo, ProviderRegistry
from ..core.session import strip_userinfo
from ..core.settings import SettingsStore
from . import window_geometry
from .accessibility import name_inputs_by_their_labels
from .batch_launcher import BatchLauncher
from .bottom_panel import BottomPanel
from .environment_banner import EnvironmentBanner, environment_title
from .help_menu import build_help_menu, how_sent_text, show_text
from .mnemonics import make_unique, mnemonic, with_letter
from .outcome_panel import OutcomePanel
from .page_results import PageResults
from .tab_order import natural_chain, next_stop, stop_of, tab_order
from .tasks import TaskRunner
from .upload_flow import UploadFlow
from .wheel_guard import install_wheel_guard
from .window_settings import open_window_settings

if TYPE_CHECKING:
    from ..core.credentials import KeyringStatus
    from ..core.exchange import Exchange
    from ..core.provider import Provider
    from ..core.services import Services
    from .history_view import HistoryView
    from .log_pane import LogPane, QtLogHandler
    from .provider_page import ProviderPage

log = logging.getLogger("invoice_desktop.ui")


class MainWindow(QMainWindow):
    """`providers`: the app's registry (or providers / declarations to make one of). Only the visible provider's
    module is imported and only its page is built; the others on first switch. Work the clerk does not see yet
    (history, keyring check, practice server) starts after the first paint."""

    first_painted = Signal()  # the window has been painted once; deferred start-up work starts now
    first_page_shown = Signal()  # the visible provider's page is built (right after the first paint, if deferred)

    def __init__(
        self,
        services: Services,
        providers: ProviderRegistry | Iterable[Provider | ProviderInfo],
        runner: TaskRunner,
        settings: QSettings | None = None,
        app_settings: SettingsStore | None = None,
        *,
        defer_first_page: bool = False,
    ) -> None:
        """`defer_first_page` (the app's start): the window is painted first, the visible provider's page (its
        module, pydantic and the form) is built right after, so the window is on screen ~100 ms sooner. Asking for
        `page` or `provider` before that builds it at once."""
        super().__init__()
        self._first_page_pending = False
        self._painted = False  # before the wheel guard: setting its style sends this window events (see event)
        if not defer_first_page:
            self._guard_wheel()  # before any input is built
        self.services = services
        self.registry = providers if isinstance(providers, ProviderRegistry) else ProviderRegistry(providers)
        self.providers: tuple[ProviderInfo, ...] = self.registry.infos()
        self.runner = runner
        self.settings = settings or open_window_settings()
        scrub_saved_addresses(self.settings)
        self.app_settings = app_settings or SettingsStore.default()
        self.batch_launcher = BatchLauncher(services, runner, self.app_settings, self)
        # Providers whose Production the clerk has confirmed sending to in this session.
        self.production_confirmed: set[str] = set()
        self.setAcceptDrops(True)  # a file dropped anywhere on the window is taken as dropped on the zone

        # -- the top bar: where uploads go (environment, address) and with which credentials ----------------
        # Tab goes: providers, environment, address, credentials, then the form (see focusNextPrevChild).
        self.environment_combo = QComboBox()
        # As wide as its longest choice in the clerk's language ("Echtbetrieb", "Övning (den här datorn)").
        self.environment_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        env_label = QLabel(_("&Environment:"))
        env_label.setBuddy(self.environment_combo)
        self.environment_combo.setAccessibleName(_("Environment"))
        self.address = QLineEdit()
        self.address.setClearButtonEnabled(True)
        # TRANSLATORS: the web address uploads go to (a URL), not a postal address.
        address_label = QLabel(_("A&ddress:"))
        address_label.setBuddy(self.address)
        # TRANSLATORS: the web address uploads go to (a URL), not a postal address.
        self.address.setAccessibleName(_("Address"))
        self.credentials_button = QPushButton(_("&Credentials…"))
        self.credentials_button.setToolTip(_("Keys and technical options for this provider and environment"))
        top_bar = QHBoxLayout()
        top_bar.addWidget(env_label)
        top_bar.addWidget(self.environment_combo)
        top_bar.addSpacing(12)
        top_bar.addWidget(address_label)
        top_bar.addWidget(self.address, 1)
        top_bar.addWidget(self.credentials_button)
        self.banner = EnvironmentBanner()

        # -- left: providers -------------------------------------------------------------------------------
        self.provider_list = QListWidget()
        self.provider_list.setAccessibleName(_("Providers"))
        self.provider_list.setMinimumWidth(150)
        self.provider_list.setMaximumWidth(220)
        self.provider_list.setSpacing(1)
        self.provider_list.setStyleSheet("QListWidget::item { padding: 6px 6px; }")
        for provider in self.providers:
            item = QListWidgetItem(provider.name)
            item.setToolTip(_(provider.summary) if provider.summary else "")
            self.provider_list.addItem(item)

        # -- right: the provider's name, its page (scrolling on its own), its file, the upload bar ---------------
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.how_sent = QLabel()  # a label's link is clickable by default (LinksAccessibleByMouse)
        self.how_sent.setText("<a href='#how'>{}</a>".format(_("How this is sent")))
        self.how_sent.setToolTip(_("For integrators: how the app reads this provider's documentation"))
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        how_sent_column = QVBoxLayout()  # the link at the bottom of the title's row
        how_sent_column.addStretch(1)
        how_sent_column.addWidget(self.how_sent)
        title_row.addLayout(how_sent_column)
        # Each page scrolls on its own, so a short form (i.materialise) is not stretched to the longest one.
        self.pages = QStackedWidget()
        self.attachments = QStackedWidget()
        # Built on the first show of each provider (see page_of): only the visible one's module is imported.
        self.page_for: dict[str, ProviderPage] = {}
        self.scroll_for: dict[str, QScrollArea] = {}
        # Each provider's send-button words with an Alt letter of their own (chosen in the clerk's language).
        self.send_texts: dict[str, str] = {}

        self.upload_button = QPushButton(_("&Upload"))
        self.upload_button.setDefault(True)
        self.upload_button.setToolTip(_("Send to the provider (Ctrl+Enter)"))
        self.upload_button.setMinimumWidth(140)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setToolTip(_("Stop the upload (Esc)"))
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
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addLayout(title_row)
        right_layout.addWidget(self.pages, 1)
        right_layout.addWidget(self.attachments)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.outcome)

        # -- bottom: log and history, folded away until asked for ----------------------------------------------
        # Their tabs show from the start; the Log and the History themselves are built when first needed: before
        # the first provider page, or when the panel opens (see _build_log_and_history).
        self.tabs = BottomPanel()
        # TRANSLATORS: the bottom panel's tab listing every HTTP exchange (the app's log).
        self.tabs.addTab(None, _("Lo&g"))
        self.tabs.addTab(None, _("H&istory"))
        self._log_pane: LogPane | None = None
        self._history_view: HistoryView | None = None
        self.log_handler: QtLogHandler | None = None

        top = QSplitter()  # horizontal
        top.setChildrenCollapsible(False)
        top.addWidget(self.provider_list)
        top.addWidget(right)
        top.setStretchFactor(1, 1)
        top.setSizes([190, 1000])
        self.splitter = QSplitter()
        self.splitter.setProperty("orientation", "Vertical")  # by name: not Qt's namespace (see ui/__init__.py)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(6, 4, 6, 0)
        central_layout.setSpacing(4)
        central_layout.addLayout(top_bar)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.tabs.expanded_changed.connect(self._bottom_panel_toggled)

        # The keyring's state: a short word in the corner (the whole sentence in its tooltip), so it never runs
        # into the status bar's messages.
        self.keyring_status = QLabel()
        self.statusBar().addPermanentWidget(self.keyring_status)

        app_log = logging.getLogger("invoice_desktop")
        if app_log.level == logging.NOTSET or app_log.level > logging.INFO:
            app_log.setLevel(logging.INFO)

        # Each provider keeps its own last result (switching providers never shows another one's answer).
        self.page_results = PageResults(self.outcome, self.provider_list, [p.id for p in self.providers])
        self.flow = UploadFlow(self, parent=self)
        self._shortcuts: list[Callable[[], None]] = []  # assigned after the first paint (see _assign_shortcuts)
        self._build_menus()
        self._connect()
        last = self.settings.value("provider", self.providers[0].id if self.providers else "")
        index = next((i for i, p in enumerate(self.providers) if p.id == last), 0)
        # Deferred, the page is built after the first paint (_show_first_page); the row is chosen now all the same.
        self._first_page_pending = defer_first_page and bool(self.providers)
        if defer_first_page and not self._first_page_pending:
            self._guard_wheel()
        self.provider_list.setCurrentRow(index)
        self.tabs.set_expanded(bool(self.app_settings.get("window.show_log_at_start")))
        if not defer_first_page:
            self._assign_shortcuts()
        window_geometry.place(self, self.settings, restore=bool(self.app_settings.get("window.remember_geometry")))
        self.provider_list.setFocus()

    def event(self, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)
        return super().event(event)

    def _after_first_paint(self) -> None:
        """What the clerk does not see at first: started once the window is on screen, so it does not delay it."""
        self.first_painted.emit()
        self._assign_shortcuts()
        if self._first_page_pending:
            self._show_first_page()  # shows the practice hint too (the window is painted now)
        elif self.environment == PRACTICE and self.app_settings.get("practice.show_hints"):
            self.flow.show_practice_hint(self.page)
        self.first_page_shown.emit()
        self.flow.refresh_history()
        self.flow.read_keyring_status()
        # The HTTP stack (~9 MiB) is imported at the first sign of an upload (see page_of), not at every start.
        self.batch_launcher.announce_unfinished(self.statusBar(), self.batches_action)

    # -- wiring ------------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self.open_action = QAction(_("&Open invoice file…"), self)
        self._keys(self.open_action, QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._browse)
        file_menu.addAction(self.open_action)
        self.open_batch_action = QAction(_("Open &batch…"), self)
        self._keys(self.open_batch_action, QKeySequence("Ctrl+Shift+O"))
        self.open_batch_action.setToolTip(_("A folder of invoices for this provider, filled in from the documents"))
        self.open_batch_action.triggered.connect(self.choose_batch_folder)
        file_menu.addAction(self.open_batch_action)
        self.batches_action = QAction(_("Batc&hes…"), self)
        self.batches_action.triggered.connect(self.show_batches)
        file_menu.addAction(self.batches_action)
        load_json = QAction(_("Load form from &JSON…"), self)
        load_json.triggered.connect(self.flow.load_form_json)
        file_menu.addAction(load_json)
        save_json = QAction(_("&Save form as JSON…"), self)
        save_json.triggered.connect(self.flow.save_form_json)
        file_menu.addAction(save_json)
        file_menu.addSeparator()
        self.settings_action = QAction(_("Se&ttings…"), self)
        self._keys(self.settings_action, QKeySequence.StandardKey.Preferences)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)  # the app menu's Preferences on macOS
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        quit_action = QAction(_("&Quit"), self)
        self._keys(quit_action, QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(_("&View"))
        self.panel_action = QAction(_("&Log and History"), self)
        self.panel_action.setCheckable(True)
        self._keys(self.panel_action, QKeySequence("Ctrl+L"))
        self.panel_action.toggled.connect(self.tabs.set_expanded)
        view_menu.addAction(self.panel_action)
        upload = QAction(_("Upload"), self)
        self._keys(upload, QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))
        upload.triggered.connect(self.flow.upload)
        self.addAction(upload)
        cancel = QAction(_("Cancel"), self)
        self._keys(cancel, QKeySequence("Esc"))
        cancel.triggered.connect(self.flow.cancel)
        self.addAction(cancel)
        self.help_menu = build_help_menu(
            self, self.services.history, [p.name for p in self.providers], self.show_how_sent, keys=self._keys
        )

    def _keys(self, action: QAction, *keys: QKeySequence | QKeySequence.StandardKey) -> None:
        """Give `action` these keys (a standard key: the platform's first binding), with the window's others."""
        self._shortcuts.append(lambda: action.setShortcuts([QKeySequence(key) for key in keys]))

    def _assign_shortcuts(self) -> None:
        """The menus' and the window's keys: at the app's start right after the first paint (no key reaches the
        window before it is on screen); assigning the first one creates the Qt namespace's enums (ui/__init__.py)."""
        shortcuts, self._shortcuts = self._shortcuts, []
        for assign in shortcuts:
            assign()

    def _connect(self) -> None:
        self.provider_list.currentRowChanged.connect(self._provider_changed)
        self.environment_combo.currentIndexChanged.connect(self._environment_changed)
        self.address.editingFinished.connect(self._address_changed)
        self.credentials_button.clicked.connect(self.flow.open_credentials)
        self.how_sent.linkActivated.connect(lambda _link: self.show_how_sent())
        self.upload_button.clicked.connect(self.flow.upload)
        self.cancel_button.clicked.connect(self.flow.cancel)

    # -- the Log and the History (the bottom panel's pages) -------------------------------------------------

    @property
    def log_pane(self) -> LogPane:
        self._build_log_and_history()
        assert self._log_pane is not None
        return self._log_pane

    @property
    def history_view(self) -> HistoryView:
        self._build_log_and_history()
        assert self._history_view is not None
        return self._history_view

    def _build_log_and_history(self) -> None:
        """The bottom panel's pages, built the first time they are needed: before the first provider page (whose
        Alt letters give way to theirs, see _fix_mnemonics) or when the panel opens. At the app's start that is
        after the first paint: folded, they are not in the first frame (their modules, tables and fonts: ~15 ms)."""
        if self._log_pane is not None:
            return
        from .history_view import HistoryView
        from .log_pane import LogPane, QtLogHandler

        self._log_pane = LogPane()
        self._history_view = HistoryView()
        self._history_view.bind(self.services.history, self.runner, {p.id: p.name for p in self.providers})
        self.tabs.add_page(self._log_pane)
        self.tabs.add_page(self._history_view)
        # The log pane hears everything the core logs (exchanges included), from any thread.
        self.log_handler = QtLogHandler()
        self._log_pane.listen(self.log_handler)
        logging.getLogger("invoice_desktop").addHandler(self.log_handler)
        self._history_view.retry_requested.connect(self.flow.retry)
        self._history_view.show_requested.connect(self.flow.show_attempt)
        self._history_view.set_busy(self.flow.uploading)

    def _show_first_page(self) -> None:
        """Build and show the visible provider's page, deferred by `defer_first_page` (else done in __init__)."""
        if self._first_page_pending:
            self._first_page_pending = False
            self._guard_wheel()  # before the page's inputs; the window's own (the environment) are given its rule
            self._provider_changed(self.provider_list.currentRow())

    def _guard_wheel(self) -> None:
        """The app-wide wheel rule (ui/wheel_guard.py): not needed before the first paint, and not free."""
        install_wheel_guard(QApplication.instance(), built_before=self)  # type: ignore[arg-type]

    def page_of(self, provider_id: str) -> ProviderPage:
        """The provider's page, built (and its module imported) the first time it is needed."""
        self._show_first_page()  # the visible one first, as the window would have
        page = self.page_for.get(provider_id)
        if page is None:
            self._build_log_and_history()
            from ..providers import page_description
            from .provider_page import ProviderPage

            # Built from the provider's description: neither its module nor pydantic is imported for it.
            page = ProviderPage(
                self.registry.info(provider_id), page_description(provider_id, self.registry), self.registry
            )
            provider = self.registry.loaded(provider_id)
            if provider is not None:
                page.form.set_model(provider.form_model)
            self.page_for[provider_id] = page
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(page)
            self.scroll_for[provider_id] = scroll
            self.pages.addWidget(scroll)
            self.attachments.addWidget(page.attachment_panel)
            page.file_chosen.connect(self.flow.check_file)
            page.batch_requested.connect(self.open_batch_later)
            page.content_dropped.connect(self.take_dropped_content)
            if page.drop_zone is not None:
                page.drop_zone.attach_preview(self.runner)
            page.load_requested.connect(self.flow.load_current)
            page.form.changed.connect(page.form.refresh_errors)
            # The first sign of an upload (a file chosen, the form edited): the provider's module with its pydantic
            # model (which the idle window does without), then the HTTP stack, are imported on a worker while the
            # clerk carries on, so that the upload itself does not wait for them. The form checks what was typed
            # once its model is here. One after the other: two importing workers took turns with the UI thread
            # for Python's GIL, and typing stalled.
            page.form.changed.connect(lambda p=page: self.flow.with_provider(p, self.flow.prepare_for_upload))
            page.file_chosen.connect(lambda _path, p=page: self.flow.with_provider(p, self.flow.prepare_for_upload))
            self._fix_mnemonics(page)
            name_inputs_by_their_labels(page)
            name_inputs_by_their_labels(page.attachment_panel)
        return page

    def _fix_mnemonics(self, page: ProviderPage) -> None:
        """No two Alt+letters alike among what shows with this page: menus and fixed controls keep theirs."""
        taken = {m for a in self.menuBar().actions() if (m := mnemonic(a.text()))}
        fixed = [self.environment_combo, self.address, self.credentials_button]
        for label in self.findChildren(QLabel):
            if label.buddy() in fixed:
                taken.add(mnemonic(label.text()) or "")
        taken |= {m for w in fixed if isinstance(w, QPushButton) and (m := mnemonic(w.text()))}
        taken |= {m for i in range(self.tabs.tab_bar.count()) if (m := mnemonic(self.tabs.tab_bar.tabText(i)))}
        # The Log and History's own buttons keep a letter no menu or top-bar control has; the page avoids theirs.
        make_unique([self.tabs], taken)
        # The send button's words change with the provider and the language: its letter is picked from the
        # translated words, so German "Hochladen" does not take Alt+H from "Hilfe".
        self.send_texts[page.info.id] = with_letter(_(page.info.action_label), taken)
        make_unique([page, page.attachment_panel], taken)

    def tab_order(self) -> list[QWidget]:
        """Where Tab goes, in order: providers, the top bar, the page on show as read on screen, its file, Upload,
        then the rest (the result, Log and History) in Qt's own order."""
        current = self.scroll_for.get(self.providers[max(self.provider_list.currentRow(), 0)].id)
        areas = [a for a in (current, self.attachments.currentWidget()) if a is not None]
        hidden = [s for s in self.scroll_for.values() if s is not current]
        head = [self.provider_list, self.environment_combo, self.address, self.credentials_button]
        tail = [self.upload_button, self.cancel_button]
        return tab_order(head, areas, tail, natural_chain(self), skip=hidden)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Answered here rather than by re-linking Qt's focus chain for each lazily built page (that crashed Qt).
        order = self.tab_order()
        current = stop_of(QApplication.focusWidget() or self.focusWidget(), order)
        if current is None or len(order) < 2:
            return super().focusNextPrevChild(next)
        target = next_stop(order, current, next)
        target.setFocus(QtCore.Qt.FocusReason.TabFocusReason if next else QtCore.Qt.FocusReason.BacktabFocusReason)
        for scroll in self.scroll_for.values():
            if scroll.isAncestorOf(target):
                scroll.ensureWidgetVisible(target)  # a field below the fold scrolls into view
        return True

    # -- the current provider and environment --------------------------------------------------------------

    @property
    def provider(self) -> Provider:
        self._show_first_page()
        return self.registry.load(self.providers[max(self.provider_list.currentRow(), 0)].id)

    @property
    def page(self) -> ProviderPage:
        return self.page_of(self.providers[max(self.provider_list.currentRow(), 0)].id)

    @property
    def environment(self) -> str:
        return str(self.environment_combo.currentData() or PRACTICE)

    def base_url_override(self) -> str | None:
        if self.page.description.environment(self.environment).is_practice:
            return None  # Practice is this computer, always: whatever the Address held before
        return self.address.text().strip() or None

    def _provider_changed(self, row: int) -> None:
        if row < 0:
            return
        if self._first_page_pending:  # before the first paint: the name only (see _show_first_page)
            self.title.setText(self.providers[row].name)
            return
        page = self.page_of(self.providers[row].id)
        provider = page.info
        self.settings.setValue("provider", provider.id)
        self.pages.setCurrentWidget(self.scroll_for[provider.id])
        self.attachments.setCurrentWidget(page.attachment_panel)
        self.attachments.setVisible(page.has_attachment)
        self.title.setText(provider.name)
        self.upload_button.setText(self.send_texts.get(provider.id) or "&" + _(provider.action_label))
        self.environment_combo.blockSignals(True)
        self.environment_combo.clear()
        for env in page.description.environments:
            self.environment_combo.addItem(_(env.label), env.id)
        # Practice is the default until the clerk chooses otherwise for this provider.
        chosen = self.settings.value(f"{provider.id}/environment", PRACTICE)
        index = self.environment_combo.findData(chosen)
        self.environment_combo.setCurrentIndex(max(index, 0))
        self.environment_combo.blockSignals(False)
        self._environment_changed()

    def _environment_changed(self, *_args: Any) -> None:
        page, env_id = self.page, self.environment
        provider = page.info
        self.settings.setValue(f"{provider.id}/environment", env_id)
        env = page.description.environment(env_id)
        if env.is_practice:
            self.address.setPlaceholderText(_("the local practice sandbox (started automatically)"))
        elif env.base_url:
            self.address.setPlaceholderText(env.base_url)
        else:
            if env.note:
                # TRANSLATORS: the placeholder of the Address (a URL) when the provider's host is per customer.
                said = _("required: the address of your {provider} installation, e.g. {example}")
            else:
                said = _("required: the address of your {provider} installation")
            self.address.setPlaceholderText(
                said.format(provider=provider.name, example=_(env.note) if env.note else "")
            )
        self.address.setText(str(self.settings.value(f"{provider.id}/{env_id}/address", "")))
        self.address.setToolTip(_(env.note) if env.note else "")
        # In Practice the destination is this computer: to send elsewhere, the clerk chooses another environment.
        self.address.setEnabled(not env.is_practice)
        if env.is_practice:
            self.address.clear()
            self.address.setToolTip(
                _("Practice always sends to this computer. Choose Sandbox or Production to send elsewhere.")
            )
        self._show_environment()
        # Before the first paint, the practice server waits for _after_first_paint.
        if env.is_practice and self._painted and self.app_settings.get("practice.show_hints"):
            self.flow.show_practice_hint(page)
        # The app's name is added by Qt (the application display name): not repeated here.
        # TRANSLATORS: the window title, e.g. "Shopwave — Practice" (Qt adds the app's name).
        self.setWindowTitle(
            _("{provider} — {environment}").format(provider=provider.name, environment=environment_title(env))
        )

    def _show_environment(self) -> None:
        page = self.page
        env = page.description.environment(self.environment)
        self.banner.show_environment(
            page.info.name, env, self.base_url_override() or env.base_url, page.description.practice_sign_in
        )

    def _address_changed(self) -> None:
        if not self.address.isEnabled():
            return
        # Never a password into the saved settings: an address with one is refused when sent, and kept without it.
        address = strip_userinfo(self.address.text().strip())
        self.settings.setValue(f"{self.page.info.id}/{self.environment}/address", address)
        self._show_environment()

    def confirm_production(self, provider: Provider, environment: str) -> bool:
        """The first send to a provider's Production in this session asks first; True to go ahead."""
        if environment != PRODUCTION or provider.id in self.production_confirmed:
            return True
        env = provider.environment(environment)
        where = self.base_url_override() or env.base_url or _("its production system")
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Send a real invoice?"))
        box.setText(
            _("This goes to {provider} PRODUCTION: a real invoice, for real customers.").format(provider=provider.name)
        )
        box.setInformativeText(
            _(
                "Address: {address}\n\nThe app asks once per session; after this, sends to {provider} "
                "Production go without this question."
            ).format(address=where, provider=provider.name)
        )
        send = box.addButton(_("Send for real"), QMessageBox.ButtonRole.AcceptRole)
        dont = box.addButton(_("Don't send"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(dont)  # Enter must not send a real invoice by accident
        box.exec()
        if box.clickedButton() is not send:
            return False
        self.production_confirmed.add(provider.id)
        return True

    # -- what the upload flow shows (ui/upload_flow.UploadWindow) ---------------------------------------------

    def ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def dialog_parent(self) -> QWidget:
        return self

    def set_busy(self, busy: bool, activity: str = "") -> None:
        # While one upload is under way nothing may start a second one, nor change where it goes.
        self.history_view.set_busy(busy)
        self.upload_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.provider_list.setEnabled(not busy)
        self.environment_combo.setEnabled(not busy)
        self.activity.setText(activity)
        if busy:
            self.progress.setValue(0)
        else:
            self.progress.hide()

    def set_activity(self, text: str) -> None:
        self.activity.setText(text)

    def show_progress(self, percent: int) -> None:
        self.progress.show()
        self.progress.setMaximum(100)
        self.progress.setValue(percent)

    def say(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def refresh_history(self, select: int | None = None) -> None:
        self.history_view.refresh(select=select)

    def show_exchanges(self, exchanges: list[Exchange], title: str) -> None:
        self.log_pane.show_exchanges(exchanges, title)
        self.tabs.setCurrentWidget(self.log_pane)

    def show_keyring_status(self, status: KeyringStatus) -> None:
        # A few words in the status bar's corner, the whole sentence in the tooltip: a long permanent message
        # would squeeze (and run into) the status bar's other messages.
        label = self.keyring_status
        label.setText(_("Keyring: in use") if status.persistent else _("⚠ Credentials: this session only"))
        label.setToolTip(str(status.message))
        label.setAccessibleDescription(str(status.message))
        if not status.persistent:
            label.setStyleSheet("color: #b06000;")

    def show_practice_hint(self, hint: str) -> None:
        self.banner.set_hint(hint)

    def show_how_sent(self) -> None:
        # The provider's notes are in its module: imported off the UI thread if it is not yet.
        self.flow.with_provider(self.page, self._show_how_sent)

    def _show_how_sent(self, provider: Provider) -> None:
        title = _("How {provider} is sent").format(provider=provider.name)
        show_text(self, title, how_sent_text(provider.name, provider.notes))

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.app_settings, self, credentials=self.services.credentials, runner=self.runner)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(lambda: self.statusBar().showMessage(dialog.saved_message, 8000))
        dialog.open()

    def _bottom_panel_toggled(self, expanded: bool) -> None:
        self.panel_action.setChecked(expanded)
        if expanded:
            self._build_log_and_history()
            # Open to a third of the height, the form keeping the rest.
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([total - total // 3, total // 3])

    def _browse(self) -> None:
        if self.page.drop_zone is not None:
            self.page.drop_zone.browse()

    def open_file(self, path: str) -> None:
        """A file given on the command line or by the system's Open With: as if dropped."""
        if self.page.drop_zone is None:
            # The current provider takes no file: switch to the first one that does.
            for row, provider in enumerate(self.providers):
                if provider.takes_files:
                    self.provider_list.setCurrentRow(row)
                    break
        self.flow.check_file(path)

    # -- batches (ui/batch_launcher.py) ------------------------------------------------------------------------

    def open_batch_later(self, paths: list[str]) -> None:
        """`open_batch` once the provider's module is imported (on a worker, if it is not yet)."""
        self.flow.with_provider(self.page, lambda _provider: self.open_batch(paths))

    def open_batch(self, paths: list[str]) -> Any:
        """Several files or a folder for the current provider: a batch window."""
        provider, environment = self.provider, self.environment
        return self.batch_launcher.open_paths(
            provider, environment, paths, confirm_send=lambda: self.confirm_production(provider, environment)
        )

    def take_dropped_content(self, files: list[tuple[str, bytes]], missing: list[str]) -> None:
        """An Outlook attachment or a document from a browser: saved into the app's data folder (off the UI
        thread), then checked like a dropped file; several open a batch."""
        from ..core.dropped import save_dropped

        if missing:
            said = ngettext(
                "{n} more attachment did not come with the drop ({names}).",
                "{n} more attachments did not come with the drop ({names}).",
                len(missing),
            )
            self.outcome.show_message(
                said.format(n=len(missing), names=", ".join(missing)),
                detail=_("Drop them one at a time, or save them to a folder and drop the folder."),
            )
        if not files:
            return

        def saved(paths: list[Path]) -> None:
            if len(paths) == 1:
                self.flow.check_file(str(paths[0]))
            else:
                self.open_batch_later([str(p) for p in paths])

        self.runner.submit(
            "save-dropped",
            lambda _t: [save_dropped(name, content) for name, content in files],
            saved,
            lambda exc: self.outcome.show_message(
                _("The dropped document could not be saved: {error}").format(error=exc)
            ),
        )

    def choose_batch_folder(self) -> None:
        title = _("Open a folder of invoices for {provider}").format(provider=self.page.info.name)
        folder = QFileDialog.getExistingDirectory(self, title)
        if folder:
            self.open_batch_later([folder])

    def show_batches(self) -> None:
        self.batch_launcher.show_list(
            {info.id: self.registry.load(info.id) for info in self.providers}, self.confirm_production
        )

    # -- a file dropped anywhere on the window goes to the drop zone ------------------------------------------

    def _to_drop_zone(
        self, event: QDragEnterEvent | QDragMoveEvent | QDragLeaveEvent | QDropEvent, handler: str
    ) -> None:
        zone = self.page.drop_zone
        if zone is not None:
            getattr(zone, handler)(event)
        else:
            self.flow.drop_without_file(event)  # this provider takes no file: say so

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
        window_geometry.remember(self, self.settings)
        if self.log_handler is not None:
            logging.getLogger("invoice_desktop").removeHandler(self.log_handler)
        event.accept()

    def show_later(self, callback: Any) -> None:
        QTimer.singleShot(0, callback)


def scrub_saved_addresses(settings: QSettings) -> None:
    """Take any user name and password out of the addresses saved by an earlier release (it accepted
    https://user:pw@host; the password would otherwise stay in the settings file or registry)."""
    for key in settings.allKeys():
        if key.endswith("/address"):
            value = str(settings.value(key, ""))
            clean = strip_userinfo(value)
            if clean != value:
                settings.setValue(key, clean)
