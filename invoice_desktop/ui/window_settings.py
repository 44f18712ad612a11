"""The window's own settings (last provider, each provider's environment and address, the window's geometry).

Normally Qt's per-user store (~/.config/invoice-desktop/invoice-desktop.conf on Linux, the registry on Windows).
With `INVOICE_DESKTOP_HOME` set (tests, benchmarks, a portable copy) they live in that folder like everything else
the app keeps, so a fresh home opens on the first provider in Practice whatever another run on the same computer
chose, and a run in that home never changes the computer's own choices.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from ..core.paths import data_dir, private_settings_file

SETTINGS_FILE_IN_HOME = "window.ini"


def open_window_settings() -> QSettings:
    """The settings the main window reads and writes (QCoreApplication's names must be set before, for Qt's own)."""
    if os.environ.get("INVOICE_DESKTOP_HOME"):
        path = data_dir() / SETTINGS_FILE_IN_HOME
        private_settings_file(path)  # addresses and choices: 0600, like the history
        return QSettings(str(path), QSettings.Format.IniFormat)
    settings = QSettings()
    if settings.format() == QSettings.Format.NativeFormat:
        private_settings_file(Path(settings.fileName()))
    return settings
