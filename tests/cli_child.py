"""The real CLI (`invoice_desktop.cli.main`, signals, history, leases and all) in a child process that tests can
interrupt or kill. Only what a test cannot give a real child is swapped: credentials come from an in-memory keyring
(JSON in INVOICE_DESKTOP_TEST_CREDENTIALS: {"provider/environment": {field: value}}; with
INVOICE_DESKTOP_TEST_KEYRING_FILE, that keyring is read from and saved to this JSON file, so what one command
stores the next one finds, as in the OS keyring), and leases last
INVOICE_DESKTOP_TEST_LEASE_S seconds when set, so a test need not wait 30 s for a killed child's lease to lapse;
INVOICE_DESKTOP_TEST_SETTLE_S shortens how long Ctrl-C waits for the upload to settle, and
INVOICE_DESKTOP_TEST_HISTORY_STUCK makes recording an attempt hang, as a history locked by another program would.

Run as `python -m tests.cli_child send …` from the project folder, with INVOICE_DESKTOP_HOME set.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    from invoice_desktop import cli
    from invoice_desktop.core.credentials import CredentialStore
    from invoice_desktop.core.history import History
    from invoice_desktop.core.services import Services
    from tests.memory_keyring import MemoryKeyring

    keyring = MemoryKeyring()
    keyring_file = os.environ.get("INVOICE_DESKTOP_TEST_KEYRING_FILE")
    if keyring_file:
        # A keyring that outlives the process counts as the system's store (this child is part of the test suite,
        # which accept_backend_for_tests asks of its caller by pytest being loaded).
        import pytest  # noqa: F401

        from invoice_desktop.core.credentials import accept_backend_for_tests

        accept_backend_for_tests(MemoryKeyring)
        if os.path.exists(keyring_file):
            with open(keyring_file, encoding="utf-8") as f:
                keyring.items = {(service, name): value for service, name, value in json.load(f)}
    store = CredentialStore(keyring)
    for where, values in json.loads(os.environ.get("INVOICE_DESKTOP_TEST_CREDENTIALS", "{}")).items():
        provider_id, environment = where.split("/")
        store.set_many(provider_id, environment, values)
    lease = os.environ.get("INVOICE_DESKTOP_TEST_LEASE_S")
    if lease:
        History.LEASE_S = float(lease)
    settle = os.environ.get("INVOICE_DESKTOP_TEST_SETTLE_S")
    if settle:
        cli.SETTLE_S = float(settle)
    if os.environ.get("INVOICE_DESKTOP_TEST_HISTORY_STUCK"):
        # As if another program held the history when the attempt is recorded, for longer than anyone waits.
        import threading

        History.create = lambda self, **kwargs: threading.Event().wait() and 0  # type: ignore[method-assign]
    real_create = Services.create.__func__  # type: ignore[attr-defined]
    Services.create = classmethod(lambda cls, *a, **k: real_create(cls, store, *a[1:], **k))  # type: ignore[method-assign]
    try:
        return cli.main(argv)
    finally:
        if keyring_file:
            with open(keyring_file, "w", encoding="utf-8") as f:
                json.dump([[service, name, value] for (service, name), value in keyring.items.items()], f)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
