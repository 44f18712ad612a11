"""The names of a provider's environments, shared by the registry (declarations) and the providers themselves."""

from __future__ import annotations

PRACTICE = "practice"
SANDBOX = "sandbox"
PRODUCTION = "production"
ALL_ENVIRONMENTS = (PRACTICE, SANDBOX, PRODUCTION)
