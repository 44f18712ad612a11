"""Who is using the app: the clerk, as "OS user@computer name", recorded with every attempt.

In a shared history this is how a colleague's upload is told apart from one's own ("Already uploaded by
anna@FRONTDESK-2 …", the History's "mine / everyone's"). It names a person at a desk, not a database role: several
clerks may share one database login, and one clerk may use two computers.
"""

from __future__ import annotations

import getpass
import os


def os_user() -> str:
    try:
        return getpass.getuser()  # LOGNAME/USER/USERNAME, else the password database
    except (OSError, KeyError):  # no such variables and no entry for this uid (a bare container)
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def computer_name() -> str:
    # Windows keeps the name clerks know (FRONTDESK-2) in COMPUTERNAME; elsewhere the host name, without a domain.
    name = os.environ.get("COMPUTERNAME") if os.name == "nt" else None
    name = name or _host_name() or "unknown"
    return name if _is_address(name) else name.split(".")[0]


def _host_name() -> str:
    # os.uname() is what platform.node() reads on POSIX; platform and socket are imported only where it is missing:
    # every start asks (the history records the clerk), and the two modules are ~1.5 MiB of the idle window.
    if hasattr(os, "uname") and (node := os.uname().nodename):
        return node
    import socket

    return socket.gethostname()


def _is_address(name: str) -> bool:
    return all(part.isdigit() for part in name.split("."))


def current_clerk() -> str:
    """This clerk, e.g. "anna@FRONTDESK-2"."""
    return f"{os_user()}@{computer_name()}"
