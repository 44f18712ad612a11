"""A provider's environments: their names, shared by the registry (declarations) and the providers themselves, and
`Environment`, what each one is (plain data: read by the window before any provider module is imported)."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_

PRACTICE = "practice"
SANDBOX = "sandbox"
PRODUCTION = "production"
ALL_ENVIRONMENTS = (PRACTICE, SANDBOX, PRODUCTION)

# Marked with N_ only: whoever shows them translates them with `_()` there.
ENVIRONMENT_LABELS = {
    PRACTICE: N_("Practice (this computer)"),
    SANDBOX: N_("Sandbox (vendor's test system)"),
    PRODUCTION: N_("Production"),
}


@dataclass(frozen=True)
class Environment:
    """One of a provider's environments (practice, sandbox, production) and the address it is reached at."""

    id: str
    # None for practice (the local sandbox's address is known only once it runs) or when the host is per customer.
    base_url: str | None
    note: str = ""

    @property
    def label(self) -> str:
        return ENVIRONMENT_LABELS.get(self.id, self.id.title())

    @property
    def is_practice(self) -> bool:
        return self.id == PRACTICE
