"""No import circles in the package: no two modules import each other, directly or round a longer circle, counting
every import wherever it stands (module level, inside functions, under TYPE_CHECKING). A circle means neither
module can be understood, tested or changed without the other; the ones this removed were a window and the flow
that reads it, a form and the list editor inside it, a provider and its sending half."""

from __future__ import annotations

from pathlib import Path

from .import_graph import all_imports, circles, describe, imports_of, modules


def test_no_module_of_the_package_is_part_of_an_import_circle() -> None:
    edges = all_imports()
    assert len(modules()) > 100 and len({imp.importer for imp in edges}) > 75  # the whole package was read
    found = [describe(group, edges) for group in circles(edges)]
    assert found == [], "Import circles (break each with a narrow interface or by moving what both need):\n" + (
        "\n".join(found)
    )


def test_a_circle_is_found_however_it_is_imported(tmp_path: Path) -> None:
    """Each way two modules can come to import each other is caught: if one were missed, the test above could
    not fail for it."""
    package = tmp_path / "invoice_desktop"
    (package / "ui").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ui" / "__init__.py").write_text("")
    sources = {
        # a module-level import one way, a function-level one back
        "form.py": "from .table import Table\n",
        "table.py": "def edit():\n    from .form import Form\n",
        # a TYPE_CHECKING import back (a type-only circle still ties the two together)
        "window.py": "from . import flow\n",
        "flow.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from invoice_desktop.ui.window import W\n",
        # round three modules, with an absolute import
        "a.py": "import invoice_desktop.ui.b\n",
        "b.py": "from .c import x\n",
        "c.py": "class C:\n    def m(self):\n        from ..ui import a\n",
        # not a circle: one way only
        "alone.py": "from .form import Form\n",
    }
    for name, text in sources.items():
        (package / "ui" / name).write_text(text)
    found = modules(package, "invoice_desktop")
    edges = [imp for name, path in found.items() for imp in imports_of(name, path, set(found))]
    groups = circles(edges)
    assert groups == [
        ["invoice_desktop.ui.a", "invoice_desktop.ui.b", "invoice_desktop.ui.c"],
        ["invoice_desktop.ui.flow", "invoice_desktop.ui.window"],
        ["invoice_desktop.ui.form", "invoice_desktop.ui.table"],
    ]
    said = describe(groups[0], edges)
    assert said.startswith("invoice_desktop.ui.a → invoice_desktop.ui.b → invoice_desktop.ui.c → invoice_desktop.ui.a")
    assert "invoice_desktop.ui.c line 3 (in a function) imports invoice_desktop.ui.a" in said
