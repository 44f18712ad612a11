"""The app's services: the upload service is built when first asked for, once, whoever asks first."""

from __future__ import annotations

import threading

from invoice_desktop.core.credentials import CredentialStore
from invoice_desktop.core.services import Services
from invoice_desktop.core.upload import UploadService
from invoice_desktop.providers import registry


def test_the_upload_service_is_built_once_even_when_threads_ask_for_it_at_once(memory_keyring, open_history):
    # The window asks from a worker (the practice hint) and from the UI thread (an upload) at about the same time.
    credentials, history = CredentialStore(memory_keyring), open_history("history")
    built: list[UploadService] = []

    def make_uploads() -> UploadService:
        threading.Event().wait(0.2)  # a slow first build: the other threads ask meanwhile
        built.append(UploadService(credentials, history, providers=registry(), practice=lambda: None))
        return built[-1]

    services = Services(credentials, history, make_uploads=make_uploads)
    start = threading.Barrier(4)
    seen = []

    def ask() -> None:
        start.wait(timeout=10)
        seen.append(services.uploads)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(built) == 1 and seen == built * 4
    services.close()


def test_the_apps_services_build_the_upload_service_on_the_history_they_opened(memory_keyring, open_history):
    history = open_history("history")
    services = Services.create(CredentialStore(memory_keyring), history, providers=registry(), practice=lambda: None)
    assert services.uploads.history is history and services.uploads.credentials is services.credentials
    assert services.uploads is services.uploads
    services.close()
