"""PySide6's "does this module use PySide6?" check, answered from the file without keeping its source."""

from __future__ import annotations

import json  # noqa: F401  (a module with a .py file that does not use PySide6)
import linecache
import sys
import types
from pathlib import Path

from invoice_desktop.ui import qt_import_hook


def module_from(path: Path) -> types.ModuleType:
    module = types.ModuleType(path.stem)
    module.__file__ = str(path)
    return module


def test_a_module_is_said_to_use_pyside_only_when_its_source_names_it(tmp_path: Path) -> None:
    qt = tmp_path / "window.py"
    qt.write_text("from PySide6.QtWidgets import QMainWindow\n")
    plain = tmp_path / "maths.py"
    plain.write_text("def add(a, b):\n    return a + b\n")
    assert qt_import_hook.uses_pyside(module_from(qt))
    assert not qt_import_hook.uses_pyside(module_from(plain))
    assert not qt_import_hook.uses_pyside(sys)  # built in: no file
    assert not qt_import_hook.uses_pyside(module_from(tmp_path / "gone.py"))  # a file that is not there
    assert str(qt) not in linecache.cache and str(plain) not in linecache.cache


def test_pyside6s_own_check_is_replaced(qapp) -> None:
    # Whichever PySide6 the lock installs has the check this module replaces: if it goes, this says so.
    import shibokensupport.feature as feature  # type: ignore[import-not-found]

    original = feature._mod_uses_pyside
    try:
        assert qt_import_hook.answer_feature_checks_cheaply()
        assert feature._mod_uses_pyside is qt_import_hook.uses_pyside
        assert feature._mod_uses_pyside(sys.modules["json"]) is False
        assert feature._mod_uses_pyside(sys.modules["invoice_desktop.ui.main_window"]) is True
    finally:
        feature._mod_uses_pyside = original
