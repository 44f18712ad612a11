"""Signing in as a SkyPostal customer (customer-login): the customer's e-mail and password, used once, become the
`customer_box_id` and `customer_key` the uploads need; only those two are stored.

Kept apart from `skypostal` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ..core.errors import CredentialsMissing, FormInvalid, InvoiceDesktopError
from ..core.i18n import N_, Msg, _
from ..core.provider import RequestContext
from ._skypostal_answers import CREDENTIAL_WORDS, Answer, Login, read_answer, read_login, sentence
from ._skypostal_requests import login_request

log = logging.getLogger("invoice_desktop.providers.skypostal")  # the provider's log, as before this module


def sign_in(ctx: RequestContext, values: Mapping[str, str]) -> dict[str, str]:
    """{customer_box_id, customer_key} for the customer whose e-mail and password are in `values`. Raises
    `CredentialsMissing` without the company's user code and app key, `FormInvalid` without the e-mail or
    password, and `InvoiceDesktopError` saying why SkyPostal refused."""
    needed = _company_credentials_missing(ctx)
    if needed is not None:
        raise CredentialsMissing(needed)
    email = (values.get("customer_email") or "").strip()
    password = values.get("customer_password") or ""
    empty = {n: _("Required.") for n, v in (("customer_email", email), ("customer_password", password)) if not v}
    if empty:
        raise FormInvalid(Msg("Enter the customer's e-mail and password to sign in."), empty)
    response = ctx.send(login_request(ctx, email, password))
    answer = read_answer(response)
    if answer is None:
        raise InvoiceDesktopError(
            Msg(
                "SkyPostal answered the sign-in with something unexpected (HTTP {status}); it is in the log.",
                status=response.status,
            )
        )
    if not answer.ok:
        raise InvoiceDesktopError(_refused(answer))
    login = read_login(answer.data)
    if not login.customer_box_id or not login.customer_key:
        raise InvoiceDesktopError(
            Msg("SkyPostal accepted the sign-in but sent no customer box ID or customer key; the answer is in the log.")
        )
    _log_signed_in(login)
    return {"customer_box_id": login.customer_box_id, "customer_key": login.customer_key}


def _company_credentials_missing(ctx: RequestContext) -> Msg | None:
    """What to enter first when the company's user code or app key (needed to sign in) is missing."""
    creds = ctx.credentials
    missing = [name for name in ("user_code", "app_key") if not (creds.get(name) or "").strip()]
    if not missing:
        return None
    if len(missing) == 2:
        return Msg(
            "Signing in needs the user code and app key SkyPostal issued to your company for {environment}: "
            "enter them first (Credentials…).",
            environment=ctx.environment,
        )
    if missing == ["user_code"]:
        return Msg(
            "Signing in needs the user code SkyPostal issued to your company for {environment}: enter it "
            "first (Credentials…).",
            environment=ctx.environment,
        )
    return Msg(
        "Signing in needs the app key SkyPostal issued to your company for {environment}: enter it "
        "first (Credentials…).",
        environment=ctx.environment,
    )


def _refused(answer: Answer) -> Msg:
    """Why SkyPostal refused the sign-in, and whose credentials to check."""
    if answer.system_error:
        return Msg(
            "SkyPostal had a problem of its own during sign-in: {reason} Try again later.",
            reason=sentence(answer.description),
        )
    if CREDENTIAL_WORDS.search(answer.description):
        return Msg(
            "SkyPostal refused the sign-in: {reason} Check the user code and app key for this environment.",
            reason=sentence(answer.description),
        )
    return Msg(
        "SkyPostal refused the sign-in: {reason} Check the customer's e-mail and password.",
        reason=sentence(answer.description),
    )


def _log_signed_in(login: Login) -> None:
    since = login.dates.get("customer_registration_date") or login.dates.get("customer_created_date")
    if since:
        log.info(
            N_("Signed in to SkyPostal as customer box %(box)s (customer since %(since)s)"),
            {"box": login.customer_box_id, "since": f"{since:%Y-%m-%d}"},
        )
    else:
        log.info(N_("Signed in to SkyPostal as customer box %(box)s"), {"box": login.customer_box_id})
