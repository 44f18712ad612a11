"""DDAPI's sign-in: the three methods an installation may use (none, HTTP Basic, a token in a header of its
choosing), the credential fields the clerk fills in for them, their checks, and the headers each method sends.

Each dealer's installation chooses its own, undocumented, method. Kept apart from `ddapi` (the provider); the leading
"_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from ..core.i18n import N_, _
from ..core.provider import CredentialField, RequestContext

AUTH_NONE, AUTH_BASIC, AUTH_HEADER = "none", "basic", "header"
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP header name (RFC 9110 token)
# What a credential that must stay on one line is called, for the message that says so.
LINE_BREAK_LABELS = {"username": N_("User name"), "password": N_("Password"), "token": N_("Token")}

CREDENTIAL_FIELDS = (
    CredentialField(
        "auth_scheme",
        N_("Sign-in method"),
        secret=False,
        choices=(AUTH_NONE, AUTH_BASIC, AUTH_HEADER),
        # Translators: the sign-in methods as the help text names them (none; basic; header).
        choice_labels=(N_("none"), N_("basic"), N_("header")),
        default=AUTH_NONE,
        help=N_(
            "How your DDAPI installation checks who calls it (ask your DäckData supplier): none; basic = "
            "user name and password; header = a token sent in a header."
        ),
    ),
    CredentialField(
        "username",
        N_("User name"),
        secret=False,
        required=False,
        help=N_("For the “basic” sign-in method."),
        shown_when=("auth_scheme", (AUTH_BASIC,)),
    ),
    CredentialField(
        "password",
        N_("Password"),
        secret=True,
        required=False,
        help=N_("For the “basic” sign-in method."),
        shown_when=("auth_scheme", (AUTH_BASIC,)),
    ),
    CredentialField(
        "header_name",
        N_("Token header"),
        secret=False,
        required=False,
        default="Authorization",
        shown_when=("auth_scheme", (AUTH_HEADER,)),
        pattern=_HEADER_NAME.pattern,
        pattern_message=N_("A header name has letters, digits and - only, e.g. X-Api-Key."),
        help=N_("For the “header” sign-in method: the header that carries the token, e.g. Authorization or X-Api-Key."),
    ),
    CredentialField(
        "token",
        N_("Token"),
        secret=True,
        required=False,
        shown_when=("auth_scheme", (AUTH_HEADER,)),
        help=N_(
            "For the “header” sign-in method: the header's whole value, exactly as given to "
            "you (e.g. “Bearer eyJ…” for an Authorization header)."
        ),
    ),
)
_DEFAULTS = {field.name: field.default for field in CREDENTIAL_FIELDS}


def sign_in_problems(values: Mapping[str, str], problems: dict[str, str]) -> dict[str, str]:
    """`problems` (the field-by-field checks every provider gets) adjusted to the chosen method: what it needs is
    required, what it does not use cannot block sending."""
    if problems.get("auth_scheme"):
        return problems

    def value(name: str) -> str:
        return values.get(name, "") or _DEFAULTS[name]

    scheme = value("auth_scheme")
    if scheme == AUTH_BASIC:
        problems.pop("header_name", None)
        if not value("username"):
            problems["username"] = _("User name is missing (needed for the “basic” sign-in method).")
        elif ":" in value("username"):
            problems["username"] = _("A user name for HTTP Basic cannot contain “:”.")
        if not value("password"):
            problems["password"] = _("Password is missing (needed for the “basic” sign-in method).")
    elif scheme == AUTH_HEADER:
        if not value("header_name"):
            problems["header_name"] = _("Token header is missing (needed for the “header” sign-in method).")
        if not value("token"):
            problems["token"] = _("Token is missing (needed for the “header” sign-in method).")
    else:
        problems.pop("header_name", None)  # not used: a malformed leftover must not block sending
    for name in ("username", "password", "token"):
        if any(ch in value(name) for ch in "\r\n"):
            problems[name] = _("{field} cannot contain a line break.").format(field=_(LINE_BREAK_LABELS[name]))
    return problems


def auth_headers(ctx: RequestContext) -> dict[str, str]:
    """The headers that sign a request in with the stored method; its secret is added to the log's redactor."""
    creds = ctx.credentials
    scheme = creds.get("auth_scheme") or AUTH_NONE
    redactor = ctx.transport.redactor
    if scheme == AUTH_BASIC:
        pair = f"{creds.get('username', '')}:{creds.get('password', '')}".encode()
        encoded = base64.b64encode(pair).decode("ascii")
        redactor.add(encoded)  # hidden even where the server might echo it back
        return {"Authorization": f"Basic {encoded}"}
    if scheme == AUTH_HEADER:
        token = creds.get("token", "")
        _scheme, _sep, rest = token.partition(" ")
        if rest:
            redactor.add(rest.strip())  # "Bearer abc…": the part after the scheme word is the secret
        return {creds.get("header_name") or "Authorization": token}
    return {}
