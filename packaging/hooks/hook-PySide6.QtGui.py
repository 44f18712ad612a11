"""Replaces PyInstaller's own QtGui hook: the same collection, less the plugins in qt_trim.py.

Dropping them here, not after the analysis, matters: PyInstaller follows each collected plugin's shared libraries,
so e.g. the virtual-keyboard plugin alone would drag QtQuick, QtQml and QtNetwork into the bundle.
"""

import importlib.util
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

_spec = importlib.util.spec_from_file_location("qt_trim", Path(__file__).with_name("qt_trim.py"))
qt_trim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qt_trim)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = qt_trim.trim(binaries)
datas = qt_trim.trim(datas)
