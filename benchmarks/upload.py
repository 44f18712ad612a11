"""Prints how fast uploads go to the practice i.materialise sandbox and how much memory they take.

    .venv/bin/python benchmarks/upload.py

Memory should not grow with the file: the body is streamed, never read whole.
"""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from pathlib import Path


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["INVOICE_DESKTOP_HOME"] = str(folder / "home")
    from keyring.backend import KeyringBackend

    from invoice_desktop.core.credentials import CredentialStore
    from invoice_desktop.core.history import History
    from invoice_desktop.core.upload import UploadService
    from invoice_desktop.practice import PracticeEnvironment
    from invoice_desktop.providers import get_provider

    class NoKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            pass

        def delete_password(self, service: str, username: str) -> None:
            pass

    practice = PracticeEnvironment()
    uploads = UploadService(CredentialStore(NoKeyring()), History(folder / "h.sqlite3"), practice=practice)
    provider = get_provider("imaterialise")
    print(f"{'size':>8} {'seconds':>8} {'MB/s':>7} {'peak Python memory':>20}")
    for megabytes in (1, 5, 10):
        path = folder / f"invoice-{megabytes}.pdf"
        with path.open("wb") as fh:
            fh.write(b"%PDF-1.4\n")
            fh.truncate(megabytes * 1024 * 1024)
        prepared = uploads.prepare(provider, "practice", {"order_id": "ORD-1001"}, file_path=path)
        tracemalloc.start()
        started = time.perf_counter()
        result = uploads.run(prepared)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert result.ok, result.title
        print(f"{megabytes:>6} MB {elapsed:>8.3f} {megabytes / elapsed:>7.1f} {peak / 1024:>17.0f} KB")
    practice.stop()


if __name__ == "__main__":
    main()
