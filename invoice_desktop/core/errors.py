"""Errors the core raises, each carrying a message a clerk can act on."""

from __future__ import annotations

from typing import Any

from .i18n import Msg
from .stored_text import Text


class InvoiceDesktopError(Exception):
    """Base for errors with a plain message."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        # A `Msg` (translated when shown) or plain text (a provider's or the system's own words).
        self.message = message


class FormInvalid(InvoiceDesktopError):
    """The form's data is incomplete or wrong; `fields` maps field names to what is wrong with each.

    `command_line`: what the CLI says instead, where `message` tells the clerk to press a button of the window."""

    def __init__(self, message: Text, fields: dict[str, str] | None = None, *, command_line: Text = "") -> None:
        super().__init__(message)
        self.fields = fields or {}
        self.command_line = command_line


class CredentialsMissing(InvoiceDesktopError):
    """A credential the provider needs has not been entered."""


class TransportError(InvoiceDesktopError):
    """The request could not be completed (network, timeout, TLS...).

    `maybe_sent` tells whether the server may have received the request: if so, it must not be retried blindly.
    """

    def __init__(self, message: Text, *, maybe_sent: bool) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
        # False when trying again at once cannot help (an untrusted certificate): no automatic retry.
        self.transient = True


class ProviderBusy(TransportError):
    """The provider turned the request away unprocessed (HTTP 429), still after the automatic retries.

    Nothing was stored, so the attempt stays retryable: "busy, try again later", never a refusal of the form.
    `response` is the last answer (Shopwave reads its error 919 from it), `retry_after_s` what it asked to wait.
    """

    def __init__(self, response: Any, retry_after_s: float | None) -> None:
        super().__init__(
            Msg("The provider is busy (HTTP 429, too many requests) and turned the request away."), maybe_sent=False
        )
        self.response = response
        self.retry_after_s = retry_after_s


class Cancelled(InvoiceDesktopError):
    """The clerk cancelled."""

    def __init__(self, message: Text = "", *, maybe_sent: bool = False) -> None:
        super().__init__(message or Msg("Cancelled."))
        self.maybe_sent = maybe_sent
