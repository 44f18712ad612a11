"""What the core needs from the practice environment, handed in by the front ends.

The practice sandboxes (invoice_desktop/practice/) are an outer layer: the core never imports them. The window and
the CLI give `Services.create` a factory that builds the practice environment on first use; the core only talks to
it through `PracticeSandboxes`. A test may hand in a factory of its own (an environment it shares or inspects).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .provider import Provider


class PracticeSandboxes(Protocol):
    """The practice environment as the core and the front ends use it (`practice.PracticeEnvironment` is one)."""

    @property
    def running(self) -> bool:
        """Whether its local server was started (and so has to be stopped)."""
        ...

    def base_url(self, provider: Provider) -> str:
        """Where the provider's practice sandbox listens, on this computer (started on first use)."""
        ...

    def demo_credentials(self, provider: Provider) -> dict[str, str]:
        """The credentials the provider's practice sandbox accepts, filled in for the clerk."""
        ...

    def hint(self, provider: Provider) -> str:
        """What to type in practice (sample order numbers, customers), shown beside the form."""
        ...

    def hint_for(self, provider_id: str, declared_hint: str, takes_batches: bool) -> str:
        """`hint`, for a provider whose module is not imported yet: by its id, the hint its sandbox declares (carried
        untranslated in its page description) and whether it takes batches of documents. Starts no server."""
        ...

    def stop(self) -> None: ...


class PracticeFactory(Protocol):
    """Builds the practice environment; called once, the first time an upload or a hint needs it."""

    def __call__(self) -> PracticeSandboxes: ...
