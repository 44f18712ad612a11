"""PySide6's import hook, answered cheaply.

Once PySide6 is imported, every module imported after it, on any thread, is asked by shibokensupport.feature whether
it uses PySide6 (for `from __feature__ import …`). It asks through `inspect.getsource`, which reads the module's whole
source into `linecache` and keeps it there: about 5 million characters (over 10 MiB) for this app's modules, and the
reading holds the import lock and the GIL while a worker imports, a stall the window shows. The same question is
answered here from the file's bytes, nothing kept.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType


def uses_pyside(module: ModuleType) -> bool:
    """True when the module's source file mentions PySide6: PySide6's own test, without inspect or linecache. A
    module without a .py file (built in, compiled, bundled) answers False, as inspect's failure does there."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def answer_feature_checks_cheaply() -> bool:
    """Replace PySide6's check with `uses_pyside`; False when this PySide6 has no such check (nothing to do)."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010  (a module mypy knows nothing of)
    linecache.clearcache()  # the sources it read for the modules imported so far
    return True
