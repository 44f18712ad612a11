"""The Qt window. Everything here drives the core; nothing here builds HTTP.

The modules the window's first frame imports take Qt's namespace as `QtCore.Qt` where they use it, never `from
PySide6.QtCore import Qt`: PySide6 creates a class's Python enums the first time the class is touched, and the Qt
namespace holds 93 of them (~15 ms, a tenth of a bare window's start) that the first frame does without.
tests/test_startup_imports.py checks that it is untouched until the window is painted.
"""
