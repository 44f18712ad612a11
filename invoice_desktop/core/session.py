"""The HTTP session a transport uses: TLS always verified against the system's trust store, plain http only to
this computer, and the connected sockets known so that Cancel can break off a wait for the answer."""

from __future__ import annotations

import ipaddress
import re
import threading
from typing import Any
from urllib.parse import urlsplit

from .errors import TransportError
from .i18n import N_, Msg

USER_AGENT = "InvoiceDesktop/0.1 (+https://invoice-desktop.example)"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A user name or password written into an address ("https://user:pw@host/…"): scheme, then the user-info to drop,
# up to the authority's LAST "@" (a password typed with an "@" in it, unescaped, is user-info to its end).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s\"'<>]*@")
USERINFO_REFUSED = N_(
    "The address must not contain a user name or password (the part before “@”): enter the address without it. "
    "Credentials go in Credentials…, where the system keyring keeps them secret."
)


def strip_userinfo(text: str) -> str:
    """`text` with the user name and password taken out of every address in it (for scrubbing stored text)."""
    return _USERINFO.sub(r"\1", text)


def check_url_allowed(url: str) -> None:
    """Plain http only to this computer (the practice sandboxes, local tests); everything else must be https.
    No user-info: a password in an address would land in the log, the history and the saved settings."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise TransportError(Msg(USERINFO_REFUSED), maybe_sent=False)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(url):
        return
    raise TransportError(
        Msg(
            "Refusing to send to {scheme}://{host}: only https is allowed (plain http only to this computer).",
            scheme=parts.scheme,
            host=parts.hostname or "",
        ),
        maybe_sent=False,
    )


class OpenSockets:
    """The sockets a session has connected, so that Cancel can break off a wait for the answer (requests itself
    blocks until the read timeout)."""

    def __init__(self) -> None:
        import weakref

        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[Any] = weakref.WeakSet()
        # Set by shut_down until the next exchange opens: a connection made after Cancel or the deadline (the
        # name lookup or a busy machine used the time up before the socket existed) is shut as soon as it is made.
        self._shut = False

    def open(self) -> None:
        """A new exchange begins: sockets connected from now on are kept, not shut."""
        with self._lock:
            self._shut = False

    def add(self, sock: Any) -> None:
        with self._lock:
            self._sockets.add(sock)
            late = self._shut
        if late:
            self._shut_one(sock)

    def shut_down(self) -> None:
        with self._lock:
            self._shut = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut_one(sock)

    @staticmethod
    def _shut_one(sock: Any) -> None:
        import socket

        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def watch(self, adapter: Any) -> None:
        """Make `adapter`'s connection pools report each socket they connect."""
        from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

        def watched(pool_cls: Any) -> Any:
            sockets = self

            class Connection(pool_cls.ConnectionCls):
                def connect(self) -> None:
                    super().connect()
                    if getattr(self, "sock", None) is not None:
                        sockets.add(self.sock)

            return type(pool_cls.__name__, (pool_cls,), {"ConnectionCls": Connection})

        classes = {"http": watched(HTTPConnectionPool), "https": watched(HTTPSConnectionPool)}
        adapter.poolmanager.pool_classes_by_scheme = classes
        # Behind a proxy (the usual case in offices) requests makes its pools through proxy managers: watch those
        # too, or Cancel could not break off a wait for the answer there.
        make_proxy_manager = adapter.proxy_manager_for

        def proxy_manager_for(*args: Any, **kwargs: Any) -> Any:
            manager = make_proxy_manager(*args, **kwargs)
            if hasattr(manager, "pool_classes_by_scheme"):
                manager.pool_classes_by_scheme = classes
            return manager

        adapter.proxy_manager_for = proxy_manager_for


def make_session() -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    class TrustStoreAdapter(HTTPAdapter):
        """Verify TLS against the operating system's trust store (corporate proxies, custom roots)."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            import ssl

            import truststore

            kwargs["ssl_context"] = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            super().init_poolmanager(*args, **kwargs)

        def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:
            import ssl

            import truststore

            kwargs["ssl_context"] = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            return super().proxy_manager_for(*args, **kwargs)

    session = requests.Session()
    session.verify = True  # never turned off
    session.mount("https://", TrustStoreAdapter())
    session.headers["User-Agent"] = USER_AGENT
    return session
