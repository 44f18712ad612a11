"""The lock covers what pyproject.toml asks for: a dependency added without refreshing the lock
(`bash requirements/refresh.sh`) would install in a developer's venv yet be missing from CI and the installers,
which install only from requirements/*.txt."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked(file: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / file).read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line):
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


@pytest.mark.parametrize(
    ("file", "requirements"),
    [
        ("app.txt", PYPROJECT["dependencies"]),
        ("test.txt", PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["test"]),
        ("package.txt", PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["package"]),
    ],
)
def test_every_declared_dependency_is_pinned_with_hashes_in_the_lock(file, requirements):
    locked = _locked(file)
    missing = sorted({_name(r) for r in requirements} - set(locked))
    assert not missing, f"requirements/{file} lacks {missing}: run `bash requirements/refresh.sh`"
    text = (ROOT / "requirements" / file).read_text(encoding="utf-8")
    pins_without_hash = re.findall(r"^\S+==\S+(?: ;[^\\\n]*)?$", text, re.M)
    assert "--hash=sha256:" in text and not pins_without_hash


def test_the_windows_keyring_backend_is_in_the_universal_lock():
    # Locked on Linux, installed on Windows: a per-platform lock would drop keyring's Windows dependency unseen.
    assert "pywin32-ctypes" in _locked("app.txt")
    assert re.search(
        r"^pywin32-ctypes==\S+ ; sys_platform == 'win32'", (ROOT / "requirements/app.txt").read_text(), re.M
    )
