"""The practice environment: local sandboxes of each provider API, on 127.0.0.1, that behave as the vendors'
documentation says, errors included. Nothing leaves this computer. The app and the tests use the same servers.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.provider import Provider
    from .server import PracticeServer, Sandbox


class PracticeEnvironment:
    """Starts one local server on first use and mounts each provider's sandbox at `/{provider id}`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server: PracticeServer | None = None

    @property
    def server(self) -> PracticeServer:
        with self._lock:
            if self._server is None:
                from .server import PracticeServer

                self._server = PracticeServer()
                self._server.start()
            return self._server

    @property
    def running(self) -> bool:
        return self._server is not None

    def sandbox_for(self, provider: Provider) -> Sandbox:
        return self._sandbox(provider.id, provider.practice_sandbox)

    def _sandbox(self, provider_id: str, sandbox_class: str) -> Sandbox:
        server = self.server
        with self._lock:
            sandbox = server.sandboxes.get(provider_id)
            if sandbox is None:
                sandbox = _sandbox_class(sandbox_class)()
                server.mount(provider_id, sandbox)
            return sandbox

    def base_url(self, provider: Provider) -> str:
        self.sandbox_for(provider)
        return f"{self.server.url}/{provider.id}"

    def hint(self, provider: Provider) -> str:
        takes_batches = bool(provider.document_fields) and provider.attachment_mode != "none"
        declared = getattr(_sandbox_class(provider.practice_sandbox), "HINT", "")  # class data: no server started
        return self.hint_for(provider.id, declared, takes_batches)

    def hint_for(self, provider_id: str, declared_hint: str, takes_batches: bool) -> str:
        """The hint a sandbox declares (marked with N_ where declared), translated now, and for a provider that
        takes batches where the sample folder is. Starts no server and imports no sandbox."""
        from ..core.i18n import _
        from .samples import batch_hint

        return (_(declared_hint) if declared_hint else "") + batch_hint(provider_id, takes_batches)

    def demo_credentials(self, provider: Provider) -> dict[str, str]:
        return dict(self.sandbox_for(provider).DEMO_CREDENTIALS)

    def stop(self) -> None:
        with self._lock:
            if self._server is not None:
                self._server.stop()
                self._server = None


def _sandbox_class(sandbox_class: str) -> type[Sandbox]:
    """The sandbox class a provider declares as "module:Class"."""
    module_name, _sep, class_name = sandbox_class.partition(":")
    sandbox: type[Sandbox] = getattr(importlib.import_module(module_name), class_name)
    return sandbox
