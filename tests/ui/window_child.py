"""The environment a real window child process starts in, for tests that run `invoice_desktop.ui.app` in a
subprocess: offscreen, its own data folder and window settings, and a keyring that stores nothing (never the
developer's own)."""

from __future__ import annotations

import os
from pathlib import Path


def window_env(home: Path, config: Path) -> dict[str, str]:
    """This process's environment with the window's data in `home` and its settings in `config`."""
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INVOICE_DESKTOP_HOME": str(home),
        "XDG_CONFIG_HOME": str(config),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
