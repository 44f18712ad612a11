"""Credentials in the OS keyring, one item per field, or for this session only when no keyring is usable.

Never a plaintext store: only the operating systems' own credential stores are used (an allow-list of keyring's
exact backend classes); every other backend (`fail`, `null`, `keyrings.alt`'s files, any third-party one) is
refused by name, and credentials are then kept for this session only.

Each field is its own keyring item so that none grows past Windows Credential Manager's 2,560-byte limit; a longer
value (an OAuth token) is split over several items, `field`, `field__2`, `field__3`…, each within the limit, and put
together again when read.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InvoiceDesktopError
from .i18n import N_, Msg, _

log = logging.getLogger(__name__)

SERVICE_PREFIX = "invoice-desktop"
# Windows Credential Manager refuses secrets over 2,560 bytes; it stores UTF-16, hence 1,280 characters.
MAX_SECRET_CHARS = 1280
# A value longer than one item takes at most this many items (about 80,000 characters): a sanity bound.
MAX_SECRET_PIECES = 64


def _utf16_units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def split_secret(value: str, limit: int = MAX_SECRET_CHARS) -> list[str]:
    """`value` in pieces of at most `limit` UTF-16 code units (what Windows counts), never splitting a character.
    Every piece but the last has `limit` - 1 or `limit` units, which is how a reader knows more may follow."""
    if _utf16_units(value) <= limit:
        return [value]
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for ch in value:
        units = 2 if ord(ch) > 0xFFFF else 1
        if used + units > limit:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += units
    if current:
        pieces.append("".join(current))
    return pieces


def piece_name(field: str, index: int) -> str:
    """The keyring item of a value's piece `index` (0-based): the field itself, then `field__2`, `field__3`…"""
    return field if index == 0 else f"{field}__{index + 1}"


# The operating systems' own credential stores: keyring's exact backend classes, by module and class name. Anything
# else is refused, whatever it is called: an allow-list, because a plaintext store can be named anything.
OS_STORES: dict[str, str] = {
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service",  # the same store, reached through libsecret
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
}
# keyring's default on a desktop may be a chain of the stores it found: safe when every link is.
_CHAINER = "keyring.backends.chainer.ChainerBackend"
# keyring's stand-ins when it found no store at all.
_NO_STORE = ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring")
_STORE_NAMES = "Windows Credential Manager, macOS Keychain, Secret Service or KWallet"

# Backend classes the test suite registers (an in-memory keyring): never used by the app itself. Kept by class
# object, not by name, so that no backend elsewhere can pass for one by its name.
_test_only_backends: set[type] = set()


def accept_backend_for_tests(cls: type) -> None:
    """Tests only: let the in-memory keyring `cls` (exactly that class, not a subclass) count as a system store.

    Refused outside a pytest run, so that no code loaded into the app (a keyring plugin, say) can use it to get a
    store of its own accepted: the app and its bundle never import pytest."""
    if "pytest" not in sys.modules:
        raise RuntimeError("accept_backend_for_tests is for the test suite only")
    _test_only_backends.add(cls)


def backend_name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


class KeyringUnavailable(InvoiceDesktopError):
    pass


@dataclass(frozen=True)
class KeyringStatus:
    """Where the credentials are kept (which keyring) and whether they outlast the app, in a sentence to show."""

    persistent: bool
    backend_name: str
    message: str


def _is_keyring_class(backend: object, name: str) -> bool:
    """`backend` is an instance of keyring's own class called `name`, not another class that took its name."""
    module, _dot, cls_name = name.rpartition(".")
    real = getattr(sys.modules.get(module), cls_name, None)
    return real is not None and type(backend) is real


def _backend_is_safe(backend: object) -> bool:
    if type(backend) in _test_only_backends:
        return True
    name = backend_name(backend)
    if name == _CHAINER and _is_keyring_class(backend, name):
        backends = list(getattr(backend, "backends", []))
        return bool(backends) and all(_backend_is_safe(b) for b in backends)
    return name in OS_STORES and _is_keyring_class(backend, name)


# The stores each platform has, in keyring's names. Only these are tried: keyring's own detection imports every
# backend it knows and every plug-in (Secret Service's cryptography, the macOS backend's find_library
# subprocesses even on Linux), about a third of a CLI send.
_PLATFORM_STORES: dict[str, tuple[str, ...]] = {
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS.Keyring",),
}
# Linux and the other Unixes: the desktop's stores, all reached over the D-Bus session bus.
_DESKTOP_STORES = (
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
)
_SECRET_SERVICE = "keyring.backends.SecretService.Keyring"


def platform_store_names(platform: str = sys.platform) -> tuple[str, ...]:
    return _PLATFORM_STORES.get(platform, _DESKTOP_STORES)


def _session_bus_reachable() -> bool:
    """What SecretStorage itself asks first (jeepney's own lookup, a cheap pure-Python module): without a session
    bus address there is no Secret Service, so its backend (and the cryptography it loads) is not imported."""
    try:
        from jeepney.bus import find_session_bus  # type: ignore[import-untyped]

        find_session_bus()
    except Exception:
        return False
    return True


def _viable_priority(name: str) -> float | None:
    """The priority keyring gives the store `name` here, or None when it cannot be used (or even imported)."""
    if name == _SECRET_SERVICE and not _session_bus_reachable():
        return None
    module, _dot, cls_name = name.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), cls_name)
        return float(cls.priority)  # keyring's viability check: raises when the store cannot be used here
    except Exception:
        return None


def _keyring_config_file() -> Path:
    """keyring's own config file on the platforms whose stores are the desktop's (keyring.util.platform_'s
    config root for Linux, which keyring uses on every platform but Windows)."""
    root = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root, "python_keyring", "keyringrc.cfg")


def _chosen_outside_the_app() -> bool:
    """A keyring backend is named in PYTHON_KEYRING_BACKEND or in keyring's config file (or cannot be ruled out)."""
    if "PYTHON_KEYRING_BACKEND" in os.environ:
        return True
    try:
        return _keyring_config_file().exists()
    except (OSError, RuntimeError):  # no home folder to look in: let keyring look
        return True


def _desktop_session_possible() -> bool:
    """Whether a D-Bus session bus could be reached here, by any of the ways the desktop stores' libraries look for
    one: its address in the environment (jeepney, dbus, GLib), the user's bus socket under XDG_RUNTIME_DIR (dbus,
    GLib), or a display whose session may start one (autolaunch)."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return runtime is not None and os.path.exists(os.path.join(runtime, "bus"))


def system_backend() -> object | None:
    """The keyring backend to use: the one chosen explicitly (set in keyring by the code that runs us, in
    PYTHON_KEYRING_BACKEND or in keyring's config file), else the most preferred usable store of this platform,
    else keyring's `fail` stand-in. Either way the allow-list decides afterwards whether it is used.

    None, without importing keyring at all (some 20 ms of a CLI send: jaraco, more_itertools, importlib_metadata,
    urllib.request…), where no store can be: the desktop's stores all answer over a D-Bus session bus, and a server
    or a terminal without a desktop session (the CLI's automation) has none, nor any backend chosen explicitly."""
    # Set with keyring.set_keyring (the tests' in-memory keyring) or by an earlier detection in this process: only
    # possible once keyring is imported.
    chosen = getattr(sys.modules.get("keyring.core"), "_keyring_backend", None)
    if chosen is not None:
        return chosen
    if platform_store_names() == _DESKTOP_STORES and not _desktop_session_possible() and not _chosen_outside_the_app():
        return None
    import keyring.core

    chosen = keyring.core.load_env() or keyring.core.load_config()
    if chosen is not None:
        return chosen
    viable = [(p, name) for name in platform_store_names() if (p := _viable_priority(name)) is not None and p > 0]
    if not viable:
        from keyring.backends import fail

        return fail.Keyring()
    _priority, name = max(viable)
    module, _dot, cls_name = name.rpartition(".")
    return getattr(sys.modules[module], cls_name)()


def _store_label(backend: object) -> str:
    if type(backend) in _test_only_backends:
        return type(backend).__name__
    name = backend_name(backend)
    if name == _CHAINER:
        return ", ".join(dict.fromkeys(_store_label(b) for b in getattr(backend, "backends", [])))
    return OS_STORES.get(name, name)


def _refusal(backend: object | None) -> str:
    """Why credentials are kept for this session only, in the current language (the status is read at start-up,
    after the language is chosen)."""
    if backend is None:
        return _(
            "No usable system keyring was found, so credentials are kept for this session only and must be entered "
            "again after the app closes. (They are never written to a file.) To keep them, set up the {stores} and "
            "restart the app."
        ).format(stores=_STORE_NAMES)
    if backend_name(backend) in _NO_STORE:
        return _(
            "No usable system keyring was found (keyring offers only “{backend}”), so credentials are kept for this "
            "session only and must be entered again after the app closes. (They are never written to a file.) To "
            "keep them, set up the {stores} and restart the app."
        ).format(backend=backend_name(backend), stores=_STORE_NAMES)
    return _(
        "The keyring backend “{backend}” is not one of the operating system's credential stores ({stores}), so "
        "credentials are kept for this session only and must be entered again after the app closes. (They are never "
        "written to a file.) To keep them, remove that backend or choose the system's store and restart."
    ).format(backend=backend_name(backend), stores=_STORE_NAMES)


class CredentialStore:
    """Reads and writes credential fields of (provider, environment) pairs.

    `backend` is a keyring backend object; by default the one `keyring` chooses for this system.
    """

    def __init__(self, backend: object | None = None) -> None:
        self._lock = threading.Lock()
        self._session: dict[tuple[str, str, str], str] = {}
        self._backend = backend
        self._status: KeyringStatus | None = None

    # -- backend -------------------------------------------------------------------------------------------

    def _resolve(self) -> object | None:
        if self._status is not None:
            return self._backend if self._status.persistent else None
        backend = self._backend
        if backend is None:
            try:
                backend = system_backend()
            except Exception as exc:  # keyring's backend discovery can fail in many ways
                log.warning(N_("The keyring could not be loaded: %(error)s"), {"error": exc})
                backend = None
        name = backend_name(backend) if backend is not None else "none"
        if backend is None or not _backend_is_safe(backend):
            if backend is not None and name not in _NO_STORE:  # "no keyring at all" is said in the status bar
                log.warning(
                    N_("The keyring backend %(backend)s was refused: it is not an operating system's credential store"),
                    {"backend": name},
                )
            self._status = KeyringStatus(persistent=False, backend_name=name, message=_refusal(backend))
            self._backend = None
            return None
        self._backend = backend
        self._status = KeyringStatus(
            persistent=True,
            backend_name=name,
            message=_("Credentials are stored in the system keyring ({store}).").format(store=_store_label(backend)),
        )
        return backend

    def status(self) -> KeyringStatus:
        with self._lock:
            self._resolve()
            assert self._status is not None
            return self._status

    def _fall_back(self, exc: Exception) -> None:
        """The keyring failed at use (locked, dismissed prompt, D-Bus error): keep secrets for this session."""
        log.warning(
            N_("The keyring failed; credentials are kept for this session only: %(error)s"),
            {"error": type(exc).__name__},
        )
        self._status = KeyringStatus(
            persistent=False,
            backend_name=self._status.backend_name if self._status else "none",
            message=_(
                "The system keyring could not be used (it may be locked, or access was refused), so credentials "
                "are kept for this session only. Unlock the keyring and restart the app to store them."
            ),
        )
        self._backend = None

    @staticmethod
    def service(provider_id: str, environment: str) -> str:
        return f"{SERVICE_PREFIX}/{provider_id}/{environment}"

    # -- reading and writing -----------------------------------------------------------------------------

    def _get_one(self, provider_id: str, environment: str, item: str) -> str | None:
        key = (provider_id, environment, item)
        with self._lock:
            if key in self._session:
                return self._session[key]
            backend = self._resolve()
            if backend is None:
                return None
            try:
                return backend.get_password(self.service(provider_id, environment), item)  # type: ignore[attr-defined]
            except Exception as exc:
                self._fall_back(exc)
                return None

    def get(self, provider_id: str, environment: str, field: str) -> str | None:
        value = self._get_one(provider_id, environment, field)
        if value is None:
            return None
        pieces = [value]
        # A full piece may be followed by more (see `split_secret`); a shorter one is the last.
        while _utf16_units(pieces[-1]) >= MAX_SECRET_CHARS - 1 and len(pieces) < MAX_SECRET_PIECES:
            more = self._get_one(provider_id, environment, piece_name(field, len(pieces)))
            if not more:
                break
            pieces.append(more)
        return "".join(pieces)

    def get_all(self, provider_id: str, environment: str, fields: list[str]) -> dict[str, str]:
        values = {f: self.get(provider_id, environment, f) for f in fields}
        return {k: v for k, v in values.items() if v}

    def set(self, provider_id: str, environment: str, field: str, value: str) -> None:
        """Store a value, split over several items when it is longer than one item may be."""
        pieces = split_secret(value)
        if len(pieces) > MAX_SECRET_PIECES:
            raise InvoiceDesktopError(
                Msg(
                    "The value of “{field}” is {length} characters; the system keyring takes at most {limit}.",
                    field=field,
                    length=format(len(value), ","),
                    limit=format(MAX_SECRET_CHARS * MAX_SECRET_PIECES, ","),
                )
            )
        for index, piece in enumerate(pieces):
            self._set_one(provider_id, environment, piece_name(field, index), piece)
        # Pieces of an earlier, longer value must not be read back as part of this one.
        index = len(pieces)
        while index < MAX_SECRET_PIECES and self._delete_one(provider_id, environment, piece_name(field, index)):
            index += 1

    def _set_one(self, provider_id: str, environment: str, item: str, value: str) -> None:
        key = (provider_id, environment, item)
        with self._lock:
            backend = self._resolve()
            if backend is not None:
                try:
                    backend.set_password(self.service(provider_id, environment), item, value)  # type: ignore[attr-defined]
                    self._session.pop(key, None)
                    return
                except Exception as exc:
                    self._fall_back(exc)
            self._session[key] = value

    def set_many(self, provider_id: str, environment: str, values: Mapping[str, str]) -> None:
        for field, value in values.items():
            if value:
                self.set(provider_id, environment, field, value)
            else:
                self.delete(provider_id, environment, field)

    def delete(self, provider_id: str, environment: str, field: str) -> None:
        self._delete_one(provider_id, environment, field)
        index = 1
        while index < MAX_SECRET_PIECES and self._delete_one(provider_id, environment, piece_name(field, index)):
            index += 1

    def _delete_one(self, provider_id: str, environment: str, item: str) -> bool:
        """Delete one item; True when there was one."""
        with self._lock:
            existed = self._session.pop((provider_id, environment, item), None) is not None
            backend = self._resolve()
            if backend is None:
                return existed
            try:
                backend.delete_password(self.service(provider_id, environment), item)  # type: ignore[attr-defined]
                return True
            except Exception as exc:
                # PasswordDeleteError when there was nothing to delete is fine.
                if type(exc).__name__ != "PasswordDeleteError":
                    self._fall_back(exc)
                return existed

    def delete_all(self, provider_id: str, environment: str, fields: list[str]) -> None:
        for field in fields:
            self.delete(provider_id, environment, field)
