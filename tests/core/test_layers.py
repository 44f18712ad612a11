"""The core owns no outer layer: no module of invoice_desktop/core/ imports the providers, the practice sandboxes,
the window, the CLI or the front ends' wiring, anywhere in its source (at module level, inside a function, under
TYPE_CHECKING; absolute or relative). The front ends hand the core what it needs (core/services.py)."""

from __future__ import annotations

from pathlib import Path

from ..import_graph import ROOT, Import, all_imports, imports_of, modules

OUTER = (
    "invoice_desktop.providers",
    "invoice_desktop.practice",
    "invoice_desktop.ui",
    "invoice_desktop.cli",
    "invoice_desktop.cli_batch",
    "invoice_desktop.wiring",
    "invoice_desktop.usage",
    "invoice_desktop.__main__",
)


def reaches_outward(imp: Import) -> bool:
    return imp.importer.startswith("invoice_desktop.core") and any(
        imp.imported == outer or imp.imported.startswith(outer + ".") for outer in OUTER
    )


def test_no_core_module_imports_an_outer_layer() -> None:
    core = [name for name in modules() if name.startswith("invoice_desktop.core")]
    assert "invoice_desktop.core.upload" in core and len(core) > 30  # the whole core was read
    wrong = sorted({imp.where() for imp in all_imports() if reaches_outward(imp)})
    assert wrong == [], "The core imports an outer layer; hand it what it needs instead:\n" + "\n".join(wrong)


def test_the_reader_finds_every_form_of_import(tmp_path: Path) -> None:
    """What the rule must catch, each form on its own: if the reader missed one, the test above could not fail."""
    package = tmp_path / "invoice_desktop"
    (package / "core").mkdir(parents=True)
    (package / "providers").mkdir()
    for init in (package, package / "core", package / "providers"):
        (init / "__init__.py").write_text("")
    (package / "providers" / "shopwave.py").write_text("")
    (package / "wiring.py").write_text("")
    (package / "core" / "leaky.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from .. import providers\n"  # 2: relative, the package
        "import invoice_desktop.practice.server\n"  # 3: absolute
        "if TYPE_CHECKING:\n"
        "    from ..ui.main_window import MainWindow\n"  # 5: typing only
        "def send():\n"
        "    from ..providers import get_provider\n"  # 7: inside a function
        "    from invoice_desktop.providers.shopwave import PROVIDER\n"  # 8: absolute, inside a function
        "class Service:\n"
        "    def retry(self):\n"
        "        import invoice_desktop.cli as cli\n"  # 11: inside a method
        "        from invoice_desktop import wiring\n"  # 12: the package's module by name
        "        from ..providers import shopwave\n"  # 13: a submodule named in `from … import`
    )
    found = modules(package, "invoice_desktop")
    imports = imports_of("invoice_desktop.core.leaky", found["invoice_desktop.core.leaky"], set(found))
    caught = {(imp.line, imp.imported, imp.in_function) for imp in imports if reaches_outward(imp)}
    assert caught == {
        (2, "invoice_desktop.providers", False),
        (3, "invoice_desktop.practice.server", False),
        (5, "invoice_desktop.ui.main_window", False),
        (7, "invoice_desktop.providers", True),
        (8, "invoice_desktop.providers.shopwave", True),
        (11, "invoice_desktop.cli", True),
        (12, "invoice_desktop.wiring", True),
        (13, "invoice_desktop.providers.shopwave", True),
    }
    assert ROOT.name == "invoice_desktop"
