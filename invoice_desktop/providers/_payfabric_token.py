"""PayFabric's access token: asked for at {base}/token with the integration key and its password, kept in the
keyring with its expiry and reused across uploads and app restarts until shortly before it lapses; and what the
clerk is told when PayFabric gives none.

Kept apart from `payfabric` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from ..core.errors import InvoiceDesktopError
from ..core.http import FormBody, OutgoingRequest, Response
from ..core.i18n import N_, Msg
from ..core.provider import RequestContext, join_url
from ..core.results import Outcome, UploadResult
from ._payfabric_answers import CREDENTIALS_HINT, read_error

log = logging.getLogger("invoice_desktop.providers.payfabric")  # the provider's log, as before this module

# A stored token is renewed this long before the expiry PayFabric gave, so it cannot lapse mid-upload.
EXPIRY_MARGIN = timedelta(minutes=5)


class TokenRefused(InvoiceDesktopError):
    """The token request did not give a token; `result` says why, for the clerk."""

    def __init__(self, result: UploadResult) -> None:
        super().__init__(result.title)
        self.result = result


def api_base(ctx: RequestContext) -> str:
    """The portal's API address: the environment's (or the override's) up to the portal, then the portal name."""
    return join_url(ctx.base_url, ctx.credentials["portal_name"], "api")


def stored_token(ctx: RequestContext, now: datetime | None = None) -> str | None:
    """The keyring's token if it is still valid (an unknown expiry counts as valid until PayFabric says 401)."""
    token = ctx.credentials.get("access_token") or ""
    if not token:
        return None
    expires = ctx.credentials.get("token_expires_at") or ""
    if expires:
        try:
            when = datetime.fromisoformat(expires)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if (now or datetime.now(UTC)) >= when - EXPIRY_MARGIN:
            return None
    return token


def forget_token(ctx: RequestContext) -> None:
    """PayFabric refused the stored token (expired early or revoked): the next upload asks for a new one."""
    _save(ctx, "access_token", "")
    _save(ctx, "token_expires_at", "")


def fetch_token(ctx: RequestContext) -> str:
    """A new token from {base}/token, stored with its expiry. Raises `TokenRefused`."""
    response = ctx.send(
        OutgoingRequest(
            "POST",
            join_url(api_base(ctx), "token"),
            body=FormBody(
                {
                    "grant_type": "password",
                    "username": ctx.credentials["integration_key"],
                    "password": ctx.credentials["integration_key_password"],
                }
            ),
            label=N_("Get access token"),
            idempotent=True,  # asking for a token changes nothing
            secret_answer_fields=("access_token",),  # hidden in the log from this answer on
        )
    )
    data = response.json_or_none() if response.ok else None
    token = data.get("access_token") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(token, str) and token:
        _save(ctx, "access_token", token)
        _save(ctx, "token_expires_at", _expiry(data))
        return token
    raise TokenRefused(_token_problem(ctx, response))


def _save(ctx: RequestContext, name: str, value: str) -> None:
    try:
        ctx.save_credential(name, value)
    except InvoiceDesktopError as exc:  # e.g. too long for the keyring: use it for this upload only
        ctx.credentials[name] = value
        # TRANSLATORS: %(name)s is a credential field's id (e.g. "token").
        log.warning(N_("PayFabric %(name)s not stored: %(error)s"), {"name": name, "error": exc.message})


def _expiry(data: Mapping[str, Any]) -> str:
    try:
        seconds = float(data.get("expires_in"))  # type: ignore[arg-type]
        return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        pass
    try:
        return parsedate_to_datetime(str(data.get(".expires"))).astimezone(UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return ""  # unknown: reuse until PayFabric answers 401


def _token_problem(ctx: RequestContext, response: Response) -> UploadResult:
    message, _code = read_error(response)
    portal = ctx.credentials["portal_name"]
    if response.status in (400, 401, 403):
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric refused the integration key or its password."),
            Msg(CREDENTIALS_HINT),
            provider_code=str(response.status),
            provider_message=message,
            http_status=response.status,
        )
    if response.status == 404:
        return UploadResult(
            Outcome.REJECTED,
            Msg("PayFabric does not know the portal “{portal}” here.", portal=portal),
            Msg("Check the portal name (Credentials…) and the environment."),
            provider_code="404",
            provider_message=message,
            http_status=404,
        )
    if response.status >= 500:
        return UploadResult(
            Outcome.FAILED,
            Msg("PayFabric could not issue an access token (a problem on its side)."),
            Msg("Nothing was uploaded. Try again in a few minutes; the answer is in the log."),
            provider_code=str(response.status),
            provider_message=message,
            http_status=response.status,
        )
    # No token, so no invoice went out: whatever the answer was, nothing was uploaded.
    return UploadResult(
        Outcome.FAILED,
        Msg("PayFabric did not hand out an access token."),
        Msg(
            "HTTP {status}; the answer is in the log. Nothing was uploaded: check the address and try again.",
            status=response.status,
        ),
        http_status=response.status,
    )
