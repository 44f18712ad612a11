"""Load pydantic whole, as soon as a provider is needed.

pydantic resolves many names lazily (module __getattr__); once PySide6 is imported, shiboken's import hook inspects
modules as they load and trips over pydantic's half-initialised lazy imports ("cannot import name 'import_string'
... circular import"). Importing these submodules explicitly, first, avoids that in the app and under pytest-qt.
This used to run from core/__init__.py, which made every command (even `--help`) pay for pydantic; core/provider.py
imports it now, so only code that uses a provider does.
"""

import pydantic
import pydantic._internal._validators
import pydantic.fields
import pydantic.functional_validators
import pydantic.main
import pydantic.types  # noqa: F401
