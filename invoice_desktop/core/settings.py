"""App-wide choices (not per account: those live with the credentials), declared once and kept in a JSON file.

Adding a setting is one `Setting(...)` line in `SETTINGS`: the Settings dialog is built from these declarations,
and any front end reads a value with `store.get(key)`. Values are checked against the declaration when read and
written, so a hand-edited or older file can never hand out a value of the wrong kind: it falls back to the default.
Qt-free, so the CLI can read the same choices.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .i18n import N_

log = logging.getLogger("invoice_desktop.settings")

Value = bool | int | str


@dataclass(frozen=True)
class Setting:
    """A setting the clerk can change: its key in the file, its words in the Settings dialog and its default."""

    key: str  # dotted, e.g. "window.show_log_at_start"; the key in the file
    label: str  # the words in the Settings dialog
    default: Value  # also decides the kind: a check box (bool), a number (int) or text / a choice (str)
    help: str = ""
    section: str = "General"
    # For a choice: (value, label) pairs; the value is what is stored.
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int = 0
    maximum: int = 1_000_000

    @property
    def kind(self) -> str:
        if isinstance(self.default, bool):
            return "bool"
        if isinstance(self.default, int):
            return "int"
        return "choice" if self.choices else "text"

    def accepts(self, value: Any) -> bool:
        kind = self.kind
        if kind == "bool":
            return isinstance(value, bool)
        if kind == "int":
            return isinstance(value, int) and not isinstance(value, bool) and self.minimum <= value <= self.maximum
        if kind == "choice":
            return value in {v for v, _ in self.choices}
        return isinstance(value, str)


LANGUAGE_SETTING = "window.language"
SYSTEM_LANGUAGE = ""  # the stored value for "System default"
# Each language in its own words (i18n.LANGUAGE_NAMES, never translated): a clerk must find their own in the list.
_LANGUAGE_CHOICES = (
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("sv", "Svenska"),
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        LANGUAGE_SETTING,
        N_("Language"),
        SYSTEM_LANGUAGE,
        help=N_("Takes effect the next time the app starts. Numbers and dates keep this computer's region format."),
        section=N_("Language"),
        choices=((SYSTEM_LANGUAGE, N_("System default")), *_LANGUAGE_CHOICES),
    ),
    Setting(
        "window.show_log_at_start",
        N_("Open the Log and History panel when the app starts"),
        False,
        help=N_("Otherwise it starts folded away at the bottom, so the form gets the room; one click opens it."),
        section=N_("Window"),
    ),
    Setting(
        "window.remember_geometry",
        N_("Reopen the window where it was when the app closed"),
        True,
        help=N_("Only when that place still fits the screen; otherwise the window opens at a size that fits."),
        section=N_("Window"),
    ),
    Setting(
        "practice.show_hints",
        N_("In Practice, show what to try (demo numbers, error triggers)"),
        True,
        section=N_("Practice"),
    ),
    Setting(
        "batch.templates_folder",
        N_("Issuer templates folder"),
        "",
        help=N_("invoice2data YAML templates. Empty: “templates” in the app's data folder."),
        section=N_("Batches"),
    ),
    *(
        Setting(
            f"batch.name_pattern.{provider_id}",
            label,
            "",
            # Translators: {order_id} is a field name typed as is in a pattern: keep it as written.
            help=N_("e.g. {order_id}_*.pdf, or re: and a regular expression.") if first else "",
            section=N_("Batches"),
        )
        for first, (provider_id, label) in zip(
            (True, False, False),
            (
                ("imaterialise", N_("i.materialise: file-name pattern")),
                ("skypostal", N_("SkyPostal: file-name pattern")),
                ("payfabric", N_("PayFabric: file-name pattern")),
            ),
            strict=True,
        )
    ),
    # Where the history lives (core/history_location.py). INVOICE_DESKTOP_DATABASE_URL, when set, wins over these.
    Setting(
        "history.location",
        N_("History"),
        "local",
        help=N_("The shared server is used from the next start of the app."),
        section="History",
        choices=(("local", N_("This computer")), ("shared", N_("Shared server (PostgreSQL)"))),
    ),
    Setting("history.host", N_("Server"), "", section="History"),
    Setting("history.port", N_("Port"), 5432, section="History", minimum=1, maximum=65535),
    Setting("history.database", N_("Database"), "invoices", section="History"),
    Setting("history.user", N_("User"), "", section="History"),
    Setting(
        "history.ca_file",
        N_("CA file"),
        "",
        help=N_("The office's CA certificate, if the administrator gave one; empty: the system's certificate store."),
        section="History",
    ),
    Setting("history.client_cert", N_("Client certificate"), "", section="History"),
    Setting("history.client_key", N_("Client key"), "", section="History"),
)


def name_pattern_key(provider_id: str) -> str:
    """The setting holding a provider's file-name pattern for batches."""
    return f"batch.name_pattern.{provider_id}"


def declared(key: str) -> Setting:
    for setting in SETTINGS:
        if setting.key == key:
            return setting
    raise KeyError(f"No setting “{key}” is declared in invoice_desktop.core.settings.SETTINGS.")


class SettingsStore:
    """The saved values of the declared settings. Unknown keys in the file are kept (a newer version's)."""

    def __init__(self, path: Path, declarations: tuple[Setting, ...] = SETTINGS) -> None:
        self.path = path
        self.declarations = {s.key: s for s in declarations}
        self._values: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._values = loaded
            else:
                log.warning(N_("Settings file %(path)s does not hold an object; using the defaults."), {"path": path})
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.warning(
                N_("Settings file %(path)s could not be read (%(error)s); using the defaults."),
                {"path": path, "error": exc},
            )

    @classmethod
    def default(cls) -> SettingsStore:
        from .paths import data_dir

        return cls(data_dir() / "settings.json")

    def _declaration(self, key: str) -> Setting:
        try:
            return self.declarations[key]
        except KeyError:
            raise KeyError(f"No setting “{key}” is declared.") from None

    def get(self, key: str) -> Any:
        setting = self._declaration(key)
        value = self._values.get(key, setting.default)
        return value if setting.accepts(value) else setting.default

    def set(self, key: str, value: Any) -> None:
        setting = self._declaration(key)
        if not setting.accepts(value):
            raise ValueError(f"{setting.label}: {value!r} is not a valid value.")
        self._values[key] = value

    def values(self) -> dict[str, Any]:
        return {key: self.get(key) for key in self.declarations}

    def save(self) -> None:
        """Write all values at once (a temporary file renamed over the old one: never half a file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._values, indent=2, sort_keys=True, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
