"""Where the history lives: this computer's SQLite file (the default), or the office's PostgreSQL server named by
`INVOICE_DESKTOP_DATABASE_URL` (the CLI and managed installs).

The address is checked before anything connects: a password in it is refused (it would sit in the environment,
shell histories and process lists: libpq's .pgpass/PGPASSFILE or a client certificate do that job), and any server
that is not this computer is reached over TLS that verifies the server's name (`sslmode=verify-full`) against the
system's CA store or the CA file the administrator gives (`sslrootcert=/path/ca.pem`). Connection failures become
plain messages that say what to check; nothing is sent while the history cannot be reached.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .errors import InvoiceDesktopError
from .i18n import N_, Msg, _

if TYPE_CHECKING:
    from .history import History

ENV = "INVOICE_DESKTOP_DATABASE_URL"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_WEAK_SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca"}
# Translators: {env} is the name of an environment variable, as is.
_SWITCH_BACK = N_("To use this computer's own history instead, remove {env}.")


class HistoryLocationError(InvoiceDesktopError):
    """The shared history's address is refused, or its server cannot be used; nothing was sent."""


def _is_local(host: str) -> bool:
    # No host, or a socket folder: a Unix socket on this computer. Several hosts: each must be local.
    hosts = [h for h in host.split(",") if h] if host else []
    return all(h.startswith("/") or h.startswith("@") or h.lower() in _LOCAL_HOSTS for h in hosts)


def connection_string(url: str) -> str:
    """The libpq connection string to use for `url` (postgresql://… or key=value), with TLS required for a server
    that is not this computer. Raises HistoryLocationError for a password in it or a weaker TLS mode."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: the address is malformed
        raise HistoryLocationError(
            Msg("The shared history's address ({env}) cannot be read: {error}", env=ENV, error=str(exc))
        ) from None
    if params.get("password"):
        raise HistoryLocationError(
            Msg(
                "The shared history's address ({env}) contains a password, which is refused: it would be readable "
                "in the environment, in shell histories and in the list of running programs. Remove it from the "
                "address and put it in libpq's password file (~/.pgpass, or the file PGPASSFILE names), or use a "
                "client certificate (sslcert=…&sslkey=…). Nothing was sent.",
                env=ENV,
            )
        )
    host = str(params.get("host") or os.environ.get("PGHOST") or "")
    if not _is_local(host):
        mode = str(params.get("sslmode") or "verify-full")
        if mode in _WEAK_SSLMODES:
            raise HistoryLocationError(
                Msg(
                    "The shared history's server {host} is not this computer, so it must be reached over TLS that "
                    "checks the server's certificate and name: sslmode={mode} is refused. Remove sslmode from the "
                    "address (verify-full is used) or set sslmode=verify-full. Nothing was sent.",
                    host=host,
                    mode=mode,
                )
            )
        params["sslmode"] = "verify-full"
        params.setdefault("sslrootcert", "system")  # the system's CA store (the bundled libpq supports it)
    return make_conninfo("", **{k: v for k, v in params.items() if v is not None})


def explain_connection_error(exc: Exception, params: dict[str, object]) -> str:
    """A clerk's words for why the server could not be used, and what to check."""
    text = str(exc)
    lowered = text.lower()
    where = f"{params.get('host') or _('this computer')}:{params.get('port') or 5432}"
    # Translators: which database and user a connection used, e.g. database “invoices” as user “anna”.
    who = _("database “{database}” as user “{user}”").format(
        database=params.get("dbname") or params.get("user") or "", user=params.get("user") or ""
    )
    words = {"where": where, "who": who, "switch_back": _(_SWITCH_BACK).format(env=ENV), "details": text.strip()}
    if "certificate" in lowered and ("verify" in lowered or "trust" in lowered or "self-signed" in lowered):
        return _(
            "The shared history server {where} presented a certificate this computer does not trust, so nothing "
            "was sent to it. Ask your administrator for the office's CA certificate file and give it in the "
            "address (sslrootcert=/path/to/ca.pem), or have it installed in the system's certificate store. "
            "{switch_back}"
        ).format(**words)
    if "does not match host name" in lowered or "server certificate for" in lowered:
        return _(
            "The shared history server {where} presented a certificate for another name, so nothing was sent to "
            "it. Check the server name in the address: it must be the name on the server's certificate. {switch_back}"
        ).format(**words)
    if "password" in lowered or "authentication" in lowered:
        return _(
            "The shared history server {where} did not accept the sign-in ({who}), so nothing was sent. Check the "
            "user name, and the password in libpq's password file (~/.pgpass or PGPASSFILE) or the client "
            "certificate. {switch_back}"
        ).format(**words)
    if "does not exist" in lowered:
        return _(
            "The shared history server {where} has no such database or user ({who}): {details} {switch_back}"
        ).format(**words)
    return _(
        "The shared history server {where} cannot be reached ({who}), so nothing was sent. Check that this "
        "computer is on the office network (or VPN), that the server name and port are right, and that the server "
        "is running. {switch_back} (Details: {details})"
    ).format(**words)


def open_shared(url: str) -> History:
    """The shared history at `url`, or a HistoryLocationError saying plainly why not."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from .history_pg import PgHistory

    conninfo = connection_string(url)
    try:
        return PgHistory(conninfo)
    except psycopg.OperationalError as exc:
        raise HistoryLocationError(explain_connection_error(exc, dict(conninfo_to_dict(conninfo)))) from None


def open_default() -> History:
    """The history this app uses: the shared server named by the environment, else this computer's file."""
    url = os.environ.get(ENV, "").strip()
    if url:
        return open_shared(url)
    from .history import History
    from .paths import data_dir

    return History(data_dir() / "history.sqlite3")
