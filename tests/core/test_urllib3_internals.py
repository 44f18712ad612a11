"""core/session.py reaches into urllib3 so that Cancel can shut the sockets a request is waiting on. These are
the internals it relies on; a urllib3 release that moves them must fail here, loudly, not make Cancel silently
wait for the read timeout."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import urllib3
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

from invoice_desktop.core.session import OpenSockets, make_session


def test_urllib3_is_the_major_version_the_session_was_written_for():
    assert urllib3.__version__.split(".")[0] == "2", (
        f"urllib3 {urllib3.__version__}: core/session.py was written against urllib3 2's pool internals; check "
        "OpenSockets.watch before widening the pin in pyproject.toml"
    )


def test_the_pool_internals_the_session_patches_are_there():
    for pool in (HTTPConnectionPool, HTTPSConnectionPool):
        assert hasattr(pool, "ConnectionCls"), f"{pool.__name__}.ConnectionCls is gone"
        assert callable(pool.ConnectionCls.connect)
    assert isinstance(PoolManager().pool_classes_by_scheme, dict)
    assert issubclass(ProxyManager, PoolManager)


def test_a_watched_session_knows_the_socket_of_a_real_request_while_it_waits_for_the_answer():
    watched = OpenSockets()
    seen_while_answering: list[int] = []

    class Quiet(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen_while_answering.append(len(list(watched._sockets)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        session = make_session()
        adapter = session.get_adapter("http://127.0.0.1/")
        watched.watch(adapter)
        session.get(f"http://127.0.0.1:{server.server_port}/", timeout=5)
        assert seen_while_answering == [1]
    finally:
        server.shutdown()
        server.server_close()
