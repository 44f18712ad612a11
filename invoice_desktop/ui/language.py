"""The window's language and region: chosen once at start, before the first widget is built.

Language: `--language`, else Settings → Language, else the first of the system's UI languages we ship
(QLocale.uiLanguages(): the Windows display language, macOS's preferred languages, LANGUAGE/LC_MESSAGES on Linux).
Qt's own words (the file dialog, OK/Cancel, a line edit's context menu) come from the qtbase_<lang>.qm catalogs
PySide6 ships. Region (numbers and dates typed and shown) is the system's, whatever the language: an English UI on
a Swedish computer still types 1 234,50.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..core import i18n, local_format

log = logging.getLogger("invoice_desktop.ui.language")


def choose_window_language(override: str | None, setting: str | None) -> str:
    """Switch the catalogs to the window's language and return it."""
    return i18n.set_language(i18n.choose_language(override, setting, QLocale.system().uiLanguages()))


def qt_translations_folders() -> list[Path]:
    """Where qtbase_<lang>.qm is: Qt's own translations path, and PySide6's folder (the frozen app keeps it there)."""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        folders.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
    except (ImportError, TypeError):  # pragma: no cover - PySide6 is imported already
        pass
    return folders


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Qt's own dialog texts in `language`; None for English (Qt's source) or when no catalog is found."""
    if language in (i18n.SOURCE_LANGUAGE, i18n.PSEUDO_LANGUAGE):
        return None
    translator = QTranslator(app)
    for folder in qt_translations_folders():
        if translator.load(f"qtbase_{language}", str(folder)):
            app.installTranslator(translator)
            return translator
    log.warning(
        i18n.N_("qtbase_%(language)s.qm (Qt's own translations) was not found: Qt's dialogs stay English."),
        {"language": language},
    )
    return None


def region_from_qlocale(locale: QLocale) -> local_format.Region:
    """The separators and date order the clerk set for their computer (Windows' Region settings included)."""
    return local_format.Region(
        name=locale.name(),
        decimal=locale.decimalPoint(),
        group=locale.groupSeparator(),
        date_format=local_format.strftime_from_qt(locale.dateFormat(QLocale.FormatType.ShortFormat)),
    )


def use_system_region() -> local_format.Region:
    region = region_from_qlocale(QLocale.system())
    local_format.set_region(region)
    return region
