"""Credentials in the OS keyring, one item per field, or for this session only when no keyring is usable.

Never a plaintext store: the `fail`/`null` backends, `keyrings.alt` file backends and anything else that
writes secrets to a readable file are refused. Each field is its own keyring item so that none grows past
Windows Credential Manager's 2,560-byte limit; a longer value (an OAuth token) is split over several items,
`field`, `field__2`, `field__3`…, each within the limit, and put together again when read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InvoiceDesktopError

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


_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt", "keyring.backends.chainer")


class KeyringUnavailable(InvoiceDesktopError):
    pass


@dataclass(frozen=True)
class KeyringStatus:
    persistent: bool
    backend_name: str
    message: str


def _backend_is_safe(backend: object) -> bool:
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(_REFUSED_MODULES) and module != "keyring.backends.chainer":
        return False
    if "plaintext" in name.lower() or "file" in module.lower():
        return False
    if module == "keyring.backends.chainer":
        # A chainer is safe only if it chains at least one safe backend and no unsafe one.
        backends = list(getattr(backend, "backends", []))
        return bool(backends) and all(_backend_is_safe(b) for b in backends)
    return True


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
                import keyring

                backend = keyring.get_keyring()
            except Exception as exc:  # keyring's backend discovery can fail in many ways
                log.warning("keyring could not be loaded: %s", exc)
                backend = None
        name = f"{type(backend).__module__}.{type(backend).__name__}" if backend is not None else "none"
        if backend is None or not _backend_is_safe(backend):
            self._status = KeyringStatus(
                persistent=False,
                backend_name=name,
                message=(
                    "No usable system keyring was found, so credentials are kept for this session only and "
                    "must be entered again after the app closes. (They are never written to a file.)"
                ),
            )
            self._backend = None
            return None
        self._backend = backend
        self._status = KeyringStatus(
            persistent=True,
            backend_name=name,
            message=f"Credentials are stored in the system keyring ({type(backend).__name__}).",
        )
        return backend

    def status(self) -> KeyringStatus:
        with self._lock:
            self._resolve()
            assert self._status is not None
            return self._status

    def _fall_back(self, exc: Exception) -> None:
        """The keyring failed at use (locked, dismissed prompt, D-Bus error): keep secrets for this session."""
        log.warning("keyring failed, keeping credentials for this session only: %s", type(exc).__name__)
        self._status = KeyringStatus(
            persistent=False,
            backend_name=self._status.backend_name if self._status else "none",
            message=(
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
                f"The value of “{field}” is {len(value):,} characters; the system keyring takes at most "
                f"{MAX_SECRET_CHARS * MAX_SECRET_PIECES:,}."
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
