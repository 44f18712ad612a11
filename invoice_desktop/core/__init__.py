"""The Qt-free core: what an upload is, independent of any window."""

# Load pydantic whole, now. pydantic resolves many names lazily (module __getattr__); once PySide6 is imported,
# shiboken's import hook inspects modules as they load and trips over pydantic's half-initialised lazy imports
# ("cannot import name 'import_string' ... circular import"). Importing these first avoids that in the app and
# under pytest-qt.
import pydantic
import pydantic._internal._validators
import pydantic.fields
import pydantic.functional_validators
import pydantic.main
import pydantic.networks
import pydantic.types  # noqa: F401
