"""The provider registry: declarations that match their modules, read without importing them; `register` adds one."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import invoice_desktop.providers as providers
from invoice_desktop.providers import (
    BUILT_IN,
    HELPER_MODULES,
    DeclarationMismatch,
    ProviderInfo,
    ProviderRegistry,
    get_provider,
    infos,
    register,
    unregister,
)

from . import registry_fake

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_registered() -> Iterator[ProviderInfo]:
    info = register(registry_fake.INFO)
    yield info
    unregister(info.id)


def test_the_five_built_ins_are_declared_in_display_order() -> None:
    assert [i.id for i in infos()] == ["imaterialise", "skypostal", "payfabric", "shopwave", "ddapi"]
    assert [i.id for i in infos() if i.takes_files] == ["imaterialise", "skypostal", "payfabric"]


@pytest.mark.parametrize("declared", BUILT_IN, ids=lambda i: i.id)
def test_each_declaration_matches_its_module(declared: ProviderInfo) -> None:
    provider = get_provider(declared.id)
    assert ProviderInfo.of(provider) == declared


def test_every_provider_module_of_the_package_is_declared() -> None:
    """A module added without a declaration would be missing from the window and `providers`."""
    declared = {i.module for i in BUILT_IN}
    for found in pkgutil.iter_modules(providers.__path__):
        if found.name.startswith("_"):
            continue
        module = importlib.import_module(f"invoice_desktop.providers.{found.name}")
        if found.name in HELPER_MODULES:
            assert not hasattr(module, "PROVIDER"), f"{found.name} defines a provider but is listed as a helper"
        else:
            assert module.__name__ in declared, f"provider module {module.__name__} has no ProviderInfo"


def test_a_declaration_that_drifted_from_its_module_fails_loudly() -> None:
    reg = ProviderRegistry([ProviderInfo(**{**registry_fake.INFO.__dict__, "extensions": (".pdf", ".png")})])
    with pytest.raises(DeclarationMismatch, match=r"extensions: declared \('.pdf', '.png'\)"):
        reg.load("fake")
    reg = ProviderRegistry([ProviderInfo(id="fake", name="Fake", module="invoice_desktop.core.errors")])
    with pytest.raises(DeclarationMismatch, match="defines no provider"):
        reg.load("fake")


def test_registering_a_declared_provider_lists_it_in_order_and_imports_it_on_first_use(
    fake_registered: ProviderInfo,
) -> None:
    assert [i.id for i in infos()] == ["imaterialise", "skypostal", "payfabric", "fake", "shopwave", "ddapi"]
    assert fake_registered.takes_files and fake_registered.accepts_extension(".PDF")
    assert get_provider("fake") is registry_fake.PROVIDER


def test_registering_an_instance_and_refusing_a_second_provider_with_the_same_id() -> None:
    register(registry_fake.PROVIDER)
    try:
        assert providers.info("fake") == registry_fake.INFO
        with pytest.raises(ValueError, match="already registered"):
            register(registry_fake.INFO)
        register(registry_fake.INFO, replace=True)
    finally:
        unregister("fake")
    with pytest.raises(KeyError, match=r"Unknown provider “fake”\. Known providers: imaterialise, skypostal"):
        get_provider("fake")


def _run(code: str, **env: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**__import__("os").environ, **env},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_reading_the_declarations_imports_no_provider_module_nor_pydantic() -> None:
    seen = _run(
        """
        import json, sys
        from invoice_desktop.providers import infos
        names = [i.name for i in infos()]
        heavy = [m for m in sys.modules if m.startswith(("invoice_desktop.providers.", "pydantic", "requests"))]
        print(json.dumps({"names": names, "heavy": heavy}))
        """
    )
    assert seen["names"][0] == "i.materialise" and len(seen["names"]) == 5
    assert seen["heavy"] == []


def test_an_installed_plug_in_registers_through_the_entry_point_group(tmp_path: Path) -> None:
    """A distribution that declares `invoice_desktop.providers` shows up, still without importing its module."""
    site = tmp_path / "site"
    (site / "acme_plugin").mkdir(parents=True)
    (site / "acme_plugin" / "__init__.py").write_text(
        "from invoice_desktop.core.registry import ProviderInfo\n"
        "INFO = ProviderInfo(id='acme', name='ACME', module='acme_plugin.provider', order=15, extensions=('.pdf',))\n"
    )
    (site / "acme_plugin" / "provider.py").write_text("raise ImportError('not to be imported by a listing')\n")
    dist = site / "acme_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[invoice_desktop.providers]\nacme = acme_plugin:INFO\n")
    seen = _run(
        """
        import json, sys
        from invoice_desktop.providers import infos
        print(json.dumps({"ids": [i.id for i in infos()], "imported": "acme_plugin.provider" in sys.modules}))
        """,
        PYTHONPATH=str(site),
    )
    assert seen == {"ids": ["imaterialise", "acme", "skypostal", "payfabric", "shopwave", "ddapi"], "imported": False}
