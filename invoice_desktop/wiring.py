"""The front ends' side of the core's seams: the app's services, built with the outer parts the core never imports.

The core (invoice_desktop/core/) imports no provider module, no practice sandbox, no window and no CLI. The window
(ui/app.py) and the CLI (cli.py) build the services here, handing the core the provider registry and a factory
for the practice environment; the practice sandboxes are imported only when an upload needs them (the window
shows their hints from the page descriptions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.credentials import CredentialStore
    from .core.history import History
    from .core.practice_port import PracticeSandboxes
    from .core.services import Services


def practice_environment() -> PracticeSandboxes:
    """The local practice sandboxes (imported here, on first use: a CLI that sends elsewhere never loads them)."""
    from .practice import PracticeEnvironment

    return PracticeEnvironment()


def create_services(credentials: CredentialStore | None = None, history: History | None = None) -> Services:
    """The app's services: the keyring, the history (this computer's or the shared one) and the upload service."""
    from .core.services import Services
    from .providers import registry

    return Services.create(credentials, history, providers=registry(), practice=practice_environment)
