"""What of Qt the bundle leaves out. The app uses QtCore, QtGui and QtWidgets only.

Used twice: by the QtGui hook beside this file (plugins are dropped BEFORE PyInstaller follows their shared-library
dependencies, so a dropped plugin drags nothing in) and by the spec on the final file list (translations, and a last
net for any Qt library that still slipped in). `packaging/smoke_test.sh` then checks the built folder.
"""

from __future__ import annotations

# Qt libraries a QtWidgets app never loads (matched in lower case against the file name).
UNWANTED_LIBS = (
    "qt6qml",
    "qt6quick",
    "qt6network",
    "qt6pdf",
    "qt6virtualkeyboard",
    "qt6opengl",
    "qt6svg",
    "qt6wayland",
    "qt6wlshell",
    "qt6eglfs",
    "qt6webengine",
    "qt6multimedia",
    "qt6positioning",
    "qt6sql",
    "qt6test",
    "qt6designer",
    "qt6charts",
    "qt6graphs",
    "qt6datavisualization",
    "qt6shadertools",
    "qt6spatialaudio",
    "qt6texttospeech",
    "qt6printsupport",
    "qt6concurrent",
    "qt6statemachine",
    "qt6scxml",
    "qt6labs",
    "opengl32sw",  # Windows' software OpenGL fallback (20 MB); widgets paint with the raster engine
)

# Plugin folders dropped whole: Wayland, EGL full-screen, touch (needs QtNetwork), network information and TLS
# backends (QtNetwork), SVG icon engine (QtSvg), QML tooling, the virtual keyboard (QtQuick).
UNWANTED_PLUGIN_KINDS = (
    "wayland-decoration-client",
    "wayland-graphics-integration-client",
    "wayland-shell-integration",
    "egldeviceintegrations",
    "generic",
    "networkinformation",
    "tls",
    "iconengines",
    "qmltooling",
    "virtualkeyboard",
    "sqldrivers",
    "printsupport",
    "multimedia",
    "position",
    "renderers",
    "scenegraph",
)

# Within kept plugin folders: the windowing systems we use (xcb on Linux, cocoa on macOS, windows on Windows,
# offscreen for CI and minimal), the image formats the app may show (PNG is built into QtGui; ICO, JPEG).
UNWANTED_PLATFORMS = ("wayland", "eglfs", "linuxfb", "minimalegl", "vnc", "vkkhrdisplay", "webgl", "direct2d")
WANTED_IMAGEFORMATS = ("qico", "qjpeg")
# The GTK 3 theme plugin links the system's GTK, which is not bundled; mixing it with bundled GLib breaks.
UNWANTED_THEMES = ("qgtk3",)


# The languages the app ships catalogs for besides English (invoice_desktop/core/i18n.py's SHIPPED_LANGUAGES;
# packaging/smoke_test.py checks the bundle has each).
APP_LANGUAGES = ("de", "es", "fr", "sv")
QT_CATALOGS = tuple(f"qtbase_{language}.qm" for language in APP_LANGUAGES)


def unwanted(dest: str) -> bool:
    """True for a bundle path (e.g. `PySide6/Qt/plugins/platforms/libqwayland-egl.so`) the app does without."""
    path = dest.replace("\\", "/").lower()
    name = path.rsplit("/", 1)[-1]
    if any(lib in name for lib in UNWANTED_LIBS):
        return True
    if "/plugins/" in path:
        kind = path.split("/plugins/", 1)[1].split("/", 1)[0]
        if kind in UNWANTED_PLUGIN_KINDS:
            return True
        if kind == "platforms" and any(p in name for p in UNWANTED_PLATFORMS):
            return True
        if kind == "imageformats" and not any(f in name for f in WANTED_IMAGEFORMATS):
            return True
        if kind == "platformthemes" and any(t in name for t in UNWANTED_THEMES):
            return True
        if kind == "platforminputcontexts" and "virtualkeyboard" in name:
            return True
    if "/translations/" in path:
        # Keep Qt's own strings (the file dialog, OK/Cancel) in the languages the app speaks, which it loads as
        # qtbase_<lang>.qm (ui/language.py); not the other languages, nor Qt Help, Designer, etc.
        return name not in QT_CATALOGS
    return False


def trim(toc: list) -> list:
    """Drops the unwanted entries of a PyInstaller TOC ((dest, src, typecode) or (src, dest_dir) tuples)."""
    kept = []
    for entry in toc:
        dest = entry[0] if len(entry) == 3 else f"{entry[1]}/{entry[0].replace(chr(92), '/').rsplit('/', 1)[-1]}"
        if not unwanted(dest):
            kept.append(entry)
    return kept
