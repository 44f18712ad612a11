"""Every outcome the core and the providers build is a kept sentence (a `Msg`), never plain text: plain text would
be stored in the language it was written in, and a history written in one language would not read in another.

Read from the source (AST), so a new outcome written as a plain string or an f-string fails here at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "invoice_desktop"
SOURCES = sorted([*(PACKAGE / "core").rglob("*.py"), *(PACKAGE / "providers").glob("*.py")])
# The constructors of kept sentences' holders, and which of their arguments are sentences (position, keyword).
HOLDERS = {"UploadResult": ((1, "title"), (2, "detail")), "ItemResult": ((2, "message"),)}


def _plain_text(node: ast.expr) -> bool:
    """A string literal with words in it, or an f-string: text frozen in one language."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(node.value.strip())
    if isinstance(node, ast.IfExp):
        return _plain_text(node.body) or _plain_text(node.orelse)
    return False


def _plain_outcomes(path: Path) -> list[str]:
    found = []
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
        for position, keyword in HOLDERS.get(name, ()):
            args = [call.args[position]] if len(call.args) > position else []
            args += [k.value for k in call.keywords if k.arg == keyword]
            found += [f"{path.name}:{call.lineno} {keyword}" for arg in args if _plain_text(arg)]
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_outcomes_are_kept_sentences_not_plain_text(path):
    assert _plain_outcomes(path) == []


def test_the_check_sees_a_plain_outcome(tmp_path):
    source = tmp_path / "plain.py"
    source.write_text(
        'UploadResult(Outcome.FAILED, f"Order {order} is unknown.", "Check it.")\n'
        'UploadResult(Outcome.FAILED, Msg("Order {order} is unknown.", order=order), detail="")\n'
        'ItemResult("#1", Outcome.REJECTED, message="Not saved.")\n',
        encoding="utf-8",
    )
    assert _plain_outcomes(source) == ["plain.py:1 title", "plain.py:1 detail", "plain.py:3 message"]
