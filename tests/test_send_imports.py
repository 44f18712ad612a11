"""What a CLI send loads, beyond what it needs: every module a send imports costs each send its import.

A real send to practice runs in a fresh interpreter (`__main__.main`, as the installed script does) and reports
`sys.modules` at its end."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from . import documents

REPO = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import atexit, json, sys
    atexit.register(lambda: print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr))
    sys.argv = ["invoice-desktop", *sys.argv[1:]]
    from invoice_desktop.__main__ import main

    main()
    """
)


@pytest.fixture(scope="module")
def send_modules(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("send")
    pdf = folder / "invoice.pdf"
    pdf.write_bytes(documents.pdf())
    env = {
        **os.environ,
        "INVOICE_DESKTOP_HOME": str(folder / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    args = ["send", "imaterialise", "-d", '{"order_id": "ORD-1001"}', "-f", str(pdf)]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"] == "succeeded"
    reported = [line for line in done.stderr.splitlines() if line.startswith("MODULES ")]
    assert reported, done.stderr
    modules: list[str] = json.loads(reported[-1].removeprefix("MODULES "))
    return modules


def test_a_send_does_not_load_xml_sax_for_the_sandbox_answer(send_modules):
    # The i.materialise sandbox escapes its XML answer with html.escape (http.server has loaded html already).
    assert "xml.sax" not in send_modules


def test_every_dataclass_a_send_defines_has_its_own_docstring(send_modules):
    """@dataclass gives a class without a docstring one made from inspect.signature, at import: some 0.1 ms per
    class, in every send. A docstring of our own says more and costs nothing."""
    ours = [name for name in send_modules if name.split(".")[0] == "invoice_desktop"]
    assert "invoice_desktop.core.upload" in ours  # the list is a send's
    undocumented = []
    for name in ours:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == name and dataclasses.is_dataclass(value):
                generated = value.__name__ + str(inspect.signature(value)).replace(" -> None", "")
                if value.__doc__ == generated:
                    undocumented.append(f"{name}.{value.__name__}")
    assert undocumented == []
