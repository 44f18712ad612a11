"""Who imports whom inside invoice_desktop, read from the source (nothing is imported to find out).

Every import counts wherever it stands: at module level, inside a function or a method, under `if TYPE_CHECKING:`
(marked as such, since it never runs), in a `try`. Relative imports are resolved against the importing module,
and `from package import name` is an import of the submodule `package.name` when there is one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import invoice_desktop

PACKAGE = "invoice_desktop"
ROOT = Path(invoice_desktop.__file__).resolve().parent


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted module name (a submodule where `from X import Y` names one)
    line: int
    type_only: bool  # under `if TYPE_CHECKING:`: never runs
    in_function: bool

    def where(self) -> str:
        scope = "in a function" if self.in_function else "at module level"
        return f"{self.importer} line {self.line} ({scope}) imports {self.imported}"


def modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package: dotted name → file (a package's name maps to its __init__.py)."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, type_only: bool, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for stmt in node.body:
                visit(stmt, True, in_function)
            for stmt in node.orelse:
                visit(stmt, type_only, in_function)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno, type_only, in_function)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.module, node.level)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in known else base, node.lineno, type_only, in_function)
        inside = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only, inside)

    def add(imported: str, line: int, type_only: bool, in_function: bool) -> None:
        if imported == PACKAGE or imported.startswith(PACKAGE + "."):
            found.append(Import(name, imported, line, type_only, in_function))

    visit(tree, False, False)
    return found


def all_imports(root: Path = ROOT, package: str = PACKAGE) -> list[Import]:
    found = modules(root, package)
    known = set(found)
    return [imp for name, path in found.items() for imp in imports_of(name, path, known)]


def circles(edges: list[Import]) -> list[list[str]]:
    """Every group of modules that import one another, directly or round a longer circle (a strongly connected
    group of the import graph, Tarjan's algorithm), each as its sorted module names."""
    graph = _graph(edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def describe(group: list[str], edges: list[Import]) -> str:
    """One circle through the group (a → b → a), then every import inside the group, with its line."""
    graph = _graph(edges)
    members = set(group)
    start = group[0]
    paths = {start: [start]}
    frontier = [start]
    circle = group
    while frontier and circle is group:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    circle = paths[node] + [start]
                    break
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
            if circle is not group:
                break
        frontier = following
    inside = sorted(
        {
            imp.where() + (" (TYPE_CHECKING)" if imp.type_only else "")
            for imp in edges
            if imp.importer in members and imp.imported in members
        }
    )
    return " → ".join(circle) + "\n" + "\n".join("    " + line for line in inside)


def _graph(edges: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for imp in edges:
        graph.setdefault(imp.importer, set())
        graph.setdefault(imp.imported, set())
        if imp.importer != imp.imported:
            graph[imp.importer].add(imp.imported)
    return graph


def _resolve(importer: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = importer.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )
