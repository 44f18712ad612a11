"""The pseudo-locale (every string bracketed, accented and 40 % longer) on every provider page and every dialog at
1366×768: no text a person reads escapes translation, no label, button, group title or column header is cut, and
every text translated on screen is in the catalog template.

test_pseudo_locale.py runs it in a process of its own on a 1366×768 screen (its name keeps it out of the default
run, where the offscreen screen is 800×600); it lists every problem once, where first seen.

What may stay as it is, and why (keep this short):
- the providers' names and the app's name: product names, the same in every language;
- each language's own name in Settings → Language: a clerk must find their language in a list they may not read;
- the vendors' own verbatim codes offered as choices (json / xml, USD) where the provider declares no label for
  them: what the API takes, as the form's model declares them (PayFabric's Pending / Yes… have labels: translated);
- values the clerk or the test typed or chose (file names, addresses): user data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from invoice_desktop import APP_NAME
from invoice_desktop.core import i18n
from invoice_desktop.core.settings import SettingsStore
from invoice_desktop.providers import all_providers, get_provider, infos
from invoice_desktop.ui.main_window import MainWindow

from . import visible_text
from .conftest import select_provider

SIZE = (1366, 768 - 40)  # the free area of a 1366×768 screen with a taskbar
SAMPLES = Path(__file__).parents[2] / "resources" / "samples" / "batch"


def allowed() -> set[str]:
    names = {APP_NAME, *(info.name for info in infos())}
    names |= set(i18n.LANGUAGE_NAMES.values())
    return names


_CODE = re.compile(r"[a-z0-9_.\-/]+|[A-Z0-9_\-]{2,5}")


def api_codes() -> set[str]:
    """The values a provider's form offers as choices exactly as its API takes them, where it declares no label
    for them: the vendor's verbatim codes, sent as shown. Declared labels (PayFabric's "Pending", "Yes"…) are
    translated like any other text."""
    from invoice_desktop.providers import page_description
    from invoice_desktop.ui.form_fields import field_specs

    codes: set[str] = set()
    forms = [page_description(provider.id).form for provider in all_providers()]
    while forms:
        for spec in field_specs(forms.pop()):
            if not spec.choice_labels:
                codes.update(str(choice) for choice in spec.choices)
            if spec.form is not None:
                forms.append(spec.form)
    return codes


def _verbatim(seen: visible_text.Seen) -> bool:
    """A vendor's code offered as a choice as the API spells it: one of a form's declared choices, lower-case
    (json, xml) or a short upper-case code (USD, EUR)."""
    return seen.what == "choice" and (bool(_CODE.fullmatch(seen.text)) or seen.text in api_codes())


def problems(root: QWidget, where: str, user_data: tuple[str, ...] = ()) -> list[str]:
    QApplication.processEvents()
    keep = allowed()
    found = []
    for seen in visible_text.read(root):
        text = seen.text
        for part in (*keep, *user_data):
            text = text.replace(part, "")
        if visible_text.escapes_translation(text) and not _verbatim(seen):
            found.append(f"{where}: untranslated {seen}")
    found += [f"{where}: clipped {c}" for c in visible_text.clipped(root)]
    return found


def read_modal(opens, where: str) -> list[str]:
    """What a modal dialog (run by `opens()` until closed) shows: read once it is up, then closed."""
    found: list[str] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, read_and_close)
            return
        found.extend(problems(dialog, where))
        dialog.reject() if isinstance(dialog, QDialog) else dialog.close()

    QTimer.singleShot(100, read_and_close)
    opens()
    assert found is not None
    return found


@pytest.fixture
def pseudo_window(qtbot, services, runner, tmp_path: Path) -> Iterator[MainWindow]:
    i18n.set_language(i18n.PSEUDO_LANGUAGE)  # before any widget is made, as the app does
    i18n.PseudoTranslations.asked.clear()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(services, all_providers(), runner, settings, SettingsStore(tmp_path / "app.json"))
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    with qtbot.waitSignal(window.history_view.updated, timeout=5000):
        pass
    # The keyring's state is read on a worker after the first paint: wait for it, so it is read and measured on
    # every run, not only when it happens to arrive before the first page is checked.
    qtbot.waitUntil(lambda: window.keyring_status.text() != "", timeout=10_000)
    assert (window.width(), window.height()) == SIZE
    yield window


def test_every_page_and_dialog_is_translated_and_nothing_is_clipped(qtbot, pseudo_window, services, runner, tmp_path):
    from invoice_desktop.ui.credentials_dialog import CredentialsDialog
    from invoice_desktop.ui.help_menu import TextDialog, show_usage
    from invoice_desktop.ui.settings_dialog import SettingsDialog

    window = pseudo_window
    found: list[str] = []
    for info in window.providers:
        select_provider(window, info.id)
        found += problems(window, f"{info.name} page")
        dialog = CredentialsDialog(get_provider(info.id), "practice", services, runner, parent=window)
        qtbot.addWidget(dialog)
        dialog.show()
        found += problems(dialog, f"{info.name} credentials")
        dialog.close()
    window.panel_action.setChecked(True)  # the Log and History panel open
    found += problems(window, "log and history open")

    settings = SettingsDialog(SettingsStore(tmp_path / "settings.json"), window)
    qtbot.addWidget(settings)
    settings.show()
    found += problems(settings, "Settings")
    settings.close()

    usage = show_usage(window)
    found += problems(usage, "Help → How to use")
    usage.close()
    for info in window.providers:
        select_provider(window, info.id)
        window.show_how_sent()
        shown = [d for d in window.findChildren(TextDialog) if d.isVisible()]
        for dialog in shown:
            found += problems(dialog, f"{info.name}: How this is sent")
            dialog.close()

    select_provider(window, "imaterialise")
    batch = window.open_batch([str(SAMPLES)])
    if batch is not None:  # deletes itself on close
        qtbot.waitUntil(lambda: not batch.isHidden(), timeout=5000)
        found += problems(batch, "batch window", user_data=tuple(p.name for p in SAMPLES.iterdir()))
        batch.close()

    about_action = next(a for a in window.help_menu.actions() if a.menuRole() == QAction.MenuRole.AboutRole)
    found += read_modal(about_action.trigger, "About")
    found += read_modal(window.show_batches, "File → Batches…")

    # Every text the screens translated must be in the catalog template, or no real language can translate it.
    from tools import catalogs

    template = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogs.read_catalog(catalogs.TEMPLATE)
    }
    for _context, msgid in sorted(i18n.PseudoTranslations.asked - template, key=str):
        if re.search(r"[^\W\d_]", msgid) and msgid not in allowed():  # words, not a symbol such as "#"
            found.append(
                f"not in the catalog: translated on screen but never marked where it is declared (N_): {msgid!r}"
            )
    # The same text on every page is said once, where it was first seen.
    first: dict[str, str] = {}
    for problem in found:
        where, _sep, what = problem.partition(": ")
        first.setdefault(what, where)
    report = [f"{where}: {what}" for what, where in first.items()]
    assert not report, f"{len(report)} problems in the pseudo-locale:\n" + "\n".join(report)
