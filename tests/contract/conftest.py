"""The contract test runs over the provider registry as it is, with the declared fake sixth provider (ACME Ledger)
registered through the registry's public API, as a plug-in would be, for each test of this folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from invoice_desktop.providers import infos, register, unregister

from .fake_provider import INFO as FAKE


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "provider_id" in metafunc.fixturenames:
        register(FAKE, replace=True)
        try:
            ids = [info.id for info in infos()]
        finally:
            unregister(FAKE.id)
        metafunc.parametrize("provider_id", ids)


@pytest.fixture(autouse=True)
def fake_sixth_provider() -> Iterator[None]:
    register(FAKE, replace=True)
    yield
    unregister(FAKE.id)
