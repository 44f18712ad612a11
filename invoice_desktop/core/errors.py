"""Errors the core raises, each carrying a message a clerk can act on."""

from __future__ import annotations


class InvoiceDesktopError(Exception):
    """Base for errors with a plain message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FormInvalid(InvoiceDesktopError):
    """The form's data is incomplete or wrong; `fields` maps field names to what is wrong with each."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class CredentialsMissing(InvoiceDesktopError):
    """A credential the provider needs has not been entered."""


class TransportError(InvoiceDesktopError):
    """The request could not be completed (network, timeout, TLS...).

    `maybe_sent` tells whether the server may have received the request: if so, it must not be retried blindly.
    """

    def __init__(self, message: str, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
        # False when trying again at once cannot help (an untrusted certificate): no automatic retry.
        self.transient = True


class Cancelled(InvoiceDesktopError):
    """The clerk cancelled."""

    def __init__(self, message: str = "Cancelled.", *, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
