"""The contract test is parametrised over the provider registry as it is while the test runs."""

from __future__ import annotations

import pytest

from invoice_desktop.providers import infos


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "provider_id" in metafunc.fixturenames:
        metafunc.parametrize("provider_id", [info.id for info in infos()])
