"""Who did what: every attempt records the clerk (OS user and computer name), on both engines, and the History
reads one clerk's attempts ("mine") or everyone's."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from invoice_desktop.core import clerk
from invoice_desktop.core import history as hist
from invoice_desktop.core.history import HistoryQuery


@pytest.fixture(params=["sqlite", "postgresql"])
def history_engine(request: pytest.FixtureRequest) -> str:
    return request.param


def _attempt(history, target: str = "ORD-1") -> int:
    return history.create(provider="imaterialise", environment="practice", base_url="u", form={}, targets=[target])


def test_the_clerk_is_the_os_user_at_this_computer(monkeypatch):
    monkeypatch.setenv("LOGNAME", "anna")
    monkeypatch.setattr(clerk, "_host_name", lambda: "frontdesk-2.office.example")
    assert clerk.current_clerk() == "anna@frontdesk-2"
    monkeypatch.setattr(clerk, "_host_name", lambda: "10.0.0.7")  # a bare address keeps its dots
    assert clerk.current_clerk() == "anna@10.0.0.7"


@pytest.mark.skipif(not hasattr(os, "uname"), reason="POSIX: the host name comes from uname")
def test_the_computer_name_is_the_host_name_platform_and_socket_report(monkeypatch):
    import platform
    import socket

    assert clerk.computer_name() == platform.node().split(".")[0]
    # A system whose uname has no node name: the socket's host name, as before.
    uname = os.uname()
    monkeypatch.setattr(os, "uname", lambda: SimpleNamespace(nodename="", sysname=uname.sysname))
    monkeypatch.setattr(socket, "gethostname", lambda: "backoffice.example")
    assert clerk.computer_name() == "backoffice"


def test_every_attempt_records_the_clerk_who_made_it(open_history, monkeypatch):
    monkeypatch.setenv("LOGNAME", "carla")
    history = open_history("h")
    try:
        assert history.clerk == f"carla@{clerk.computer_name()}"
        attempt_id = _attempt(history)
        history.finish(attempt_id, state=hist.SUCCEEDED, summary="accepted")
        assert history.get(attempt_id).clerk == history.clerk
        assert [a.clerk for a in history.recent()] == [history.clerk]
        assert [r.clerk for r in history.rows(HistoryQuery())] == [history.clerk]
    finally:
        history.close()


def test_two_clerks_on_one_history_each_see_theirs_and_everyones(open_history):
    anna = open_history("shared", clerk="anna@FRONTDESK-2")
    ben = open_history("shared", clerk="ben@BACKOFFICE")
    try:
        annas = [_attempt(anna, "ORD-1"), _attempt(anna, "ORD-2")]
        bens = [_attempt(ben, "ORD-3")]
        mine = HistoryQuery(clerk=anna.clerk)
        assert [r.id for r in anna.rows(mine)] == annas[::-1]
        assert anna.count(mine) == 2 and ben.count(HistoryQuery(clerk=ben.clerk)) == 1
        assert [r.id for r in ben.rows(HistoryQuery())] == [bens[0], annas[1], annas[0]]  # everyone's
        assert ben.rows(HistoryQuery(clerk="nobody@NOWHERE")) == []
        assert anna.clerks() == ben.clerks() == ["anna@FRONTDESK-2", "ben@BACKOFFICE"]
        # The clerk combines with the other filters.
        assert ben.count(HistoryQuery(text="ORD-3", clerk=anna.clerk)) == 0
        assert ben.count(HistoryQuery(text="ORD-3", clerk=ben.clerk)) == 1
    finally:
        anna.close()
        ben.close()
