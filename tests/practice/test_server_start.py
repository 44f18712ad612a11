"""The practice server starts without asking DNS anything (a reverse lookup of its address cost every start 60 ms
here, and seconds where DNS is slow)."""

from __future__ import annotations

import socket
import threading
import urllib.parse
import urllib.request

import pytest

from invoice_desktop.practice.server import PracticeServer


def test_the_practice_server_starts_and_answers_without_a_name_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*_args: object) -> str:
        raise AssertionError("the practice server asked DNS for its name")

    monkeypatch.setattr(socket, "getfqdn", no_dns)
    server = PracticeServer()
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with pytest.raises(urllib.error.HTTPError) as answer:  # no sandbox mounted: a plain 404, served
            urllib.request.urlopen(server.url + "/nothing-here", timeout=10)
        assert answer.value.code == 404
    finally:
        server.stop()


def test_stopping_the_practice_server_does_not_wait_for_its_next_poll() -> None:
    """stop() wakes the serving loop: the end of every CLI send to practice waited for the loop's next poll."""
    server = PracticeServer()
    server.start(poll_interval=60)  # a loop that would notice the stop only after a minute
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(timeout=30)
    assert not stopper.is_alive(), "stop() waited for the serving loop's next poll"
    with pytest.raises(OSError):  # and it is stopped: nothing listens any more
        address = urllib.parse.urlsplit(server.url)
        socket.create_connection((address.hostname, address.port), timeout=5)
