"""Where the history lives: this computer's SQLite file (the default), or the office's PostgreSQL server chosen in
Settings → History (server, port, database, user; the password in the OS keyring) or named by
`INVOICE_DESKTOP_DATABASE_URL` (the CLI and managed installs; it wins over the settings).

The address is checked before anything connects: a password in it is refused (it would sit in the environment,
shell histories and process lists: libpq's .pgpass/PGPASSFILE or a client certificate do that job), and any server
that is not this computer is reached over TLS that verifies the server's name (`sslmode=verify-full`) against the
system's CA store or the CA file the administrator gives (`sslrootcert=/path/ca.pem`). Connection failures become
plain messages that say what to check; nothing is sent while the history cannot be reached.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import InvoiceDesktopError
from .i18n import N_, Msg, _

if TYPE_CHECKING:
    from .credentials import CredentialStore
    from .history import History
    from .settings import SettingsStore

ENV = "INVOICE_DESKTOP_DATABASE_URL"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_WEAK_SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca"}
# Translators: {env} is the name of an environment variable, as is.
_SWITCH_BACK = N_("To use this computer's own history instead, remove {env}.")
SWITCH_BACK_IN_SETTINGS = N_(
    "To use this computer's own history instead, choose History: “This computer” in File → Settings (one setting)."
)
# The keyring item holding the shared history's password (per server and user: another server never gets it).
KEYRING_PROVIDER = "shared-history"
KEYRING_FIELD = "password"


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
    return make_conninfo("", **_secured(params))


def _secured(params: dict[str, Any]) -> dict[str, Any]:
    """`params` with TLS required for a server that is not this computer; a password or a weak mode refused."""
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
        if not params.get("sslrootcert"):
            params["sslrootcert"] = "system"  # the system's CA store (the bundled libpq supports it)
    return {k: v for k, v in params.items() if v not in (None, "")}


@dataclass(frozen=True)
class SharedServer:
    """The shared history chosen in Settings → History."""

    host: str
    port: int
    database: str
    user: str
    ca_file: str = ""
    client_cert: str = ""
    client_key: str = ""

    @classmethod
    def from_settings(cls, store: SettingsStore) -> SharedServer | None:
        """The server the settings choose, or None when the history is this computer's."""
        if store.get("history.location") != "shared":
            return None
        return cls(
            host=str(store.get("history.host")).strip(),
            port=int(store.get("history.port")),
            database=str(store.get("history.database")).strip(),
            user=str(store.get("history.user")).strip(),
            ca_file=str(store.get("history.ca_file")).strip(),
            client_cert=str(store.get("history.client_cert")).strip(),
            client_key=str(store.get("history.client_key")).strip(),
        )

    @property
    def keyring_account(self) -> str:
        """Where its password is kept in the OS keyring (CredentialStore's environment slot)."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def params(self) -> dict[str, Any]:
        """libpq's parameters for this server, TLS rules applied; no password (the keyring adds it at connect)."""
        if not self.host or not self.database:
            raise HistoryLocationError(
                Msg(
                    "The shared history in Settings has no server or no database: fill both in File → Settings → "
                    "History. {switch_back}",
                    switch_back=Msg(SWITCH_BACK_IN_SETTINGS),
                )
            )
        params: dict[str, Any] = {"host": self.host, "port": str(self.port), "dbname": self.database}
        if self.user:
            params["user"] = self.user
        if self.ca_file:
            params["sslrootcert"] = self.ca_file
        if self.client_cert:
            params["sslcert"] = self.client_cert
        if self.client_key:
            params["sslkey"] = self.client_key
        return _secured(params)


def save_password(credentials: CredentialStore, server: SharedServer, password: str) -> None:
    """Keep the shared history's password in the OS keyring ('' forgets it: libpq's .pgpass or a client
    certificate is used instead)."""
    if password:
        credentials.set(KEYRING_PROVIDER, server.keyring_account, KEYRING_FIELD, password)
    else:
        credentials.delete(KEYRING_PROVIDER, server.keyring_account, KEYRING_FIELD)


def stored_password(credentials: CredentialStore, server: SharedServer) -> str | None:
    return credentials.get(KEYRING_PROVIDER, server.keyring_account, KEYRING_FIELD)


def explain_connection_error(exc: Exception, params: dict[str, object], switch_back: str | None = None) -> str:
    """A clerk's words for why the server could not be used, and what to check."""
    text = " ".join(str(exc).split())  # libpq's messages span lines and indents
    lowered = text.lower()
    where = f"{params.get('host') or _('this computer')}:{params.get('port') or 5432}"
    # Translators: which database and user a connection used, e.g. database “invoices” as user “anna”.
    who = _("database “{database}” as user “{user}”").format(
        database=params.get("dbname") or params.get("user") or "", user=params.get("user") or ""
    )
    back = switch_back if switch_back is not None else _(_SWITCH_BACK).format(env=ENV)
    words = {"where": where, "who": who, "switch_back": back, "details": text.strip()}
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
    from psycopg.conninfo import conninfo_to_dict

    return _open(conninfo_to_dict(connection_string(url)), None)


def open_server(server: SharedServer, credentials: CredentialStore | None = None) -> History:
    """The shared history chosen in Settings, signed in with the keyring's password when one is kept there."""
    from .credentials import CredentialStore

    params = server.params()
    password = stored_password(credentials or CredentialStore(), server)
    return _open(params, _(SWITCH_BACK_IN_SETTINGS), password=password)


def _open(params: dict[str, Any], switch_back: str | None, *, password: str | None = None) -> History:
    import psycopg
    from psycopg.conninfo import make_conninfo

    from .history_shared import SharedHistory

    conninfo = make_conninfo("", **params, **({"password": password} if password else {}))
    try:
        return SharedHistory(conninfo)
    except psycopg.OperationalError as exc:
        raise HistoryLocationError(explain_connection_error(exc, params, switch_back)) from None


def check_server(server: SharedServer, password: str | None) -> str:
    """Settings' "Test connection": connect once and say what was found (raises HistoryLocationError)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = server.params()
    conninfo = make_conninfo("", **params, **({"password": password} if password else {}))
    try:
        with psycopg.connect(conninfo, connect_timeout=10) as db:
            tls = db.info.pgconn.ssl_in_use
            version = db.info.server_version // 10000
            user = db.info.user
    except psycopg.OperationalError as exc:
        raise HistoryLocationError(explain_connection_error(exc, params, _(SWITCH_BACK_IN_SETTINGS))) from None
    found = _("Connected to PostgreSQL {version} at {host}:{port}, as “{user}”.")
    if tls:
        found = _("Connected to PostgreSQL {version} at {host}:{port} over verified TLS, as “{user}”.")
    return found.format(version=version, host=server.host, port=server.port, user=user)


def chosen_by_environment() -> bool:
    """INVOICE_DESKTOP_DATABASE_URL chooses the history (it wins over Settings)."""
    return bool(os.environ.get(ENV, "").strip())


def open_default(credentials: CredentialStore | None = None, store: SettingsStore | None = None) -> History:
    """The history this app uses: the shared server named by the environment (CLI, managed installs), else the one
    chosen in Settings → History, else this computer's file."""
    if chosen_by_environment():
        return open_shared(os.environ[ENV].strip())
    from .settings import SettingsStore

    server = SharedServer.from_settings(store or SettingsStore.default())
    if server is not None:
        return open_server(server, credentials)
    return open_local()


def open_local() -> History:
    """This computer's own history file."""
    from .history import History
    from .paths import data_dir

    return History(data_dir() / "history.sqlite3")
