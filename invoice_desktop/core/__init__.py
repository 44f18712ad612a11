"""The Qt-free core: what an upload is, independent of any window."""

# Load pydantic whole, now. pydantic resolves many names lazily (module __getattr__); once PySide6 is imported,
# shiboken's import hook inspects modules as they load and trips over pydantic's half-initialised lazy imports
# ("cannot import name 'import_string' ... circular import"). Importing these first avoids that in the app and
# under pytest-qt.
import pydantic  # noqa: F401
import pydantic._internal._validators  # noqa: F401
import pydantic.fields  # noqa: F401
import pydantic.functional_validators  # noqa: F401
import pydantic.main  # noqa: F401
import pydantic.networks  # noqa: F401
import pydantic.types  # noqa: F401
