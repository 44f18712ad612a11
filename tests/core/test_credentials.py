"""Credentials: one keyring item per provider, environment and field; an unusable or unsafe keyring means
"this session only", said plainly, and the secret is then never written anywhere; practice needs nothing."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.kwallet
import keyring.backends.null
import keyring.backends.SecretService
import pytest

from invoice_desktop.core import credentials as credmod
from invoice_desktop.core.credentials import MAX_SECRET_CHARS, CredentialStore
from invoice_desktop.core.errors import CredentialsMissing, InvoiceDesktopError
from invoice_desktop.practice.imaterialise import DEMO_API_CODE
from invoice_desktop.providers import get_provider

from ..memory_keyring import LockedKeyring, MemoryKeyring

PROVIDER = get_provider("imaterialise")
SANDBOX_CODE = "11111111-2222-4333-8444-555555555555"
PRODUCTION_CODE = "99999999-8888-4777-8666-555555555555"
SESSION_ONLY = "kept for this session only"


def unsafe_backend(module: str, name: str, folder: Path | None = None) -> MemoryKeyring:
    """A backend that looks like `module.name` (e.g. keyrings.alt's plaintext file) and would write to a file."""

    class Backend(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            super().set_password(service, username, password)
            if folder is not None:
                (folder / "keyring_pass.cfg").write_text(f"[{service}]\n{username} = {password}\n")

    Backend.__module__ = module
    Backend.__name__ = Backend.__qualname__ = name
    return Backend()


def files_containing(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


# -- where credentials go --------------------------------------------------------------------------------------


def test_one_keyring_item_per_provider_environment_and_field(memory_keyring):
    store = CredentialStore(memory_keyring)
    store.set_many("imaterialise", "sandbox", {"api_code": SANDBOX_CODE})
    store.set("imaterialise", "production", "api_code", PRODUCTION_CODE)
    assert memory_keyring.items == {
        ("invoice-desktop/imaterialise/sandbox", "api_code"): SANDBOX_CODE,
        ("invoice-desktop/imaterialise/production", "api_code"): PRODUCTION_CODE,
    }
    assert store.get_all("imaterialise", "sandbox", ["api_code"]) == {"api_code": SANDBOX_CODE}
    assert store.get("imaterialise", "practice", "api_code") is None
    status = store.status()
    assert status.persistent and "stored in the system keyring (MemoryKeyring)" in status.message

    store.delete_all("imaterialise", "sandbox", ["api_code"])
    assert store.get("imaterialise", "sandbox", "api_code") is None
    assert store.get("imaterialise", "production", "api_code") == PRODUCTION_CODE
    store.delete_all("imaterialise", "sandbox", ["api_code"])  # deleting what is not there is fine


def test_the_system_keyring_is_used_by_default(memory_keyring):
    store = CredentialStore()  # keyring's own choice: the in-memory one the tests installed
    store.set("imaterialise", "sandbox", "api_code", SANDBOX_CODE)
    assert memory_keyring.items[("invoice-desktop/imaterialise/sandbox", "api_code")] == SANDBOX_CODE
    assert store.status().persistent


# -- unusable or unsafe keyrings: this session only, never a file ---------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: keyring.backends.fail.Keyring(),
        lambda folder: keyring.backends.null.Keyring(),
        lambda folder: unsafe_backend("keyrings.alt.file", "PlaintextKeyring", folder),
        lambda folder: unsafe_backend("keyrings.alt.file", "EncryptedKeyring", folder),
        lambda folder: unsafe_backend("keyrings.alt.Windows", "RegistryKeyring", folder),
        lambda folder: unsafe_backend("somevendor.backends", "PlaintextStore", folder),
        lambda folder: unsafe_backend("somevendor.file_backend", "Store", folder),
        # Names that say nothing about files or plaintext: refused all the same, as not an OS store.
        lambda folder: unsafe_backend("somevendor.vault", "Store", folder),
        lambda folder: unsafe_backend("keyring_pass", "PasswordStoreBackend", folder),
        # A class that took the name of keyring's own Secret Service backend is not that backend.
        lambda folder: unsafe_backend("keyring.backends.SecretService", "Keyring", folder),
        lambda folder: _subclass_of_memory_keyring(folder),
        lambda folder: _chainer(keyring.backends.fail.Keyring()),
        lambda folder: _chainer(MemoryKeyring(), unsafe_backend("keyrings.alt.file", "PlaintextKeyring", folder)),
        lambda folder: _chainer(),
    ],
    ids=[
        "fail",
        "null",
        "keyrings.alt plaintext",
        "keyrings.alt encrypted file",
        "keyrings.alt registry",
        "a plaintext store",
        "a file store",
        "an innocently named store",
        "a third-party store",
        "a store using Secret Service's name",
        "a subclass of the test keyring",
        "chain of fail",
        "chain with a plaintext one",
        "empty chain",
    ],
)
def test_unsafe_backends_are_refused_and_nothing_is_written(tmp_path, app_home, make):
    backend = make(tmp_path)
    store = CredentialStore(backend)
    status = store.status()
    assert not status.persistent
    assert SESSION_ONLY in status.message and "never written to a file" in status.message

    store.set("imaterialise", "sandbox", "api_code", SANDBOX_CODE)
    assert store.get("imaterialise", "sandbox", "api_code") == SANDBOX_CODE  # usable for this session
    assert getattr(backend, "items", {}) == {}
    assert files_containing(tmp_path, SANDBOX_CODE) == []
    assert CredentialStore(backend).get("imaterialise", "sandbox", "api_code") is None  # gone with the session


def _subclass_of_memory_keyring(folder: Path) -> MemoryKeyring:
    """The tests' keyring is accepted by its exact class only: a subclass (say, one that writes a file) is not."""
    return unsafe_backend(__name__, "NotTheTestKeyring", folder)


_CHAIN_LINKS: list[object] = []


@pytest.fixture(autouse=True)
def _chain_discovers_only_the_tests_links(monkeypatch):
    """keyring's chain backend discovers the installed backends; here it finds those `_chainer` was given."""
    import keyring.backend

    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: list(_CHAIN_LINKS))
    yield
    _CHAIN_LINKS.clear()


def _chainer(*backends):
    """keyring's own chain backend (the real class) over `backends`."""
    from keyring.backends.chainer import ChainerBackend

    _CHAIN_LINKS[:] = backends
    return ChainerBackend()


def test_a_chain_of_safe_backends_is_used():
    inner = MemoryKeyring()
    store = CredentialStore(_chainer(inner))
    assert store.status().persistent


def _os_store(name: str) -> object:
    import importlib

    module, _, cls_name = name.rpartition(".")
    return getattr(importlib.import_module(module), cls_name)()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("keyring.backends.Windows.WinVaultKeyring", "Windows Credential Manager"),
        ("keyring.backends.macOS.Keyring", "macOS Keychain"),
        ("keyring.backends.SecretService.Keyring", "Secret Service"),
        ("keyring.backends.libsecret.Keyring", "Secret Service"),
        ("keyring.backends.kwallet.DBusKeyring", "KWallet"),
        ("keyring.backends.kwallet.DBusKeyringKWallet4", "KWallet"),
    ],
)
def test_the_operating_systems_own_stores_are_accepted(name, label):
    # keyring's real classes (made, not used: none of these stores runs here).
    status = CredentialStore(_os_store(name)).status()
    assert status.persistent and status.backend_name == name
    assert status.message == f"Credentials are stored in the system keyring ({label})."


def test_the_allow_list_is_exactly_the_os_stores_and_each_exists_in_keyring():
    assert set(credmod.OS_STORES.values()) == {
        "Windows Credential Manager",
        "macOS Keychain",
        "Secret Service",
        "KWallet",
    }
    for name in credmod.OS_STORES:
        assert type(_os_store(name)).__qualname__ == name.rpartition(".")[2]


@pytest.mark.parametrize(
    ("module", "name"), [("somevendor.vault", "Store"), ("keyring.backends.SecretService", "Keyring")]
)
def test_a_refused_backend_is_named_with_what_to_do(module, name):
    status = CredentialStore(unsafe_backend(module, name)).status()
    assert not status.persistent and status.backend_name == f"{module}.{name}"
    assert f"The keyring backend “{module}.{name}” is not one of the operating system's credential stores" in (
        status.message
    )
    assert "Windows Credential Manager, macOS Keychain, Secret Service or KWallet" in status.message
    assert SESSION_ONLY in status.message and "restart" in status.message


def test_no_keyring_at_all_names_what_keyring_offered():
    status = CredentialStore(keyring.backends.fail.Keyring()).status()
    assert status.message.startswith(
        "No usable system keyring was found (keyring offers only “keyring.backends.fail.Keyring”)"
    )
    assert "set up the Windows Credential Manager, macOS Keychain, Secret Service or KWallet" in status.message


def test_a_keyring_that_cannot_even_be_loaded_means_session_only(monkeypatch):
    def broken():
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # nothing chosen yet: the store looks for one
    monkeypatch.setattr(keyring.core, "load_env", broken)
    store = CredentialStore()
    store.set("imaterialise", "sandbox", "api_code", SANDBOX_CODE)
    assert store.get("imaterialise", "sandbox", "api_code") == SANDBOX_CODE
    assert SESSION_ONLY in store.status().message


# -- finding the system's store: only this platform's, never every backend keyring knows -------------------------


def test_each_platform_tries_only_its_own_stores():
    assert credmod.platform_store_names("win32") == ("keyring.backends.Windows.WinVaultKeyring",)
    assert credmod.platform_store_names("darwin") == ("keyring.backends.macOS.Keyring",)
    linux = credmod.platform_store_names("linux")
    assert {credmod.OS_STORES[name] for name in linux} == {"Secret Service", "KWallet"}
    for platform in ("win32", "darwin", "linux"):
        assert set(credmod.platform_store_names(platform)) <= set(credmod.OS_STORES)


def test_the_most_preferred_usable_store_is_chosen(monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "load_config", lambda: None)
    priorities = {"keyring.backends.kwallet.DBusKeyring": 4.9, "keyring.backends.SecretService.Keyring": 5.0}
    monkeypatch.setattr(credmod, "_viable_priority", priorities.get)
    monkeypatch.setattr(credmod, "platform_store_names", lambda: credmod._DESKTOP_STORES)
    monkeypatch.setattr(credmod, "_desktop_session_possible", lambda: True)
    assert type(credmod.system_backend()) is keyring.backends.SecretService.Keyring
    del priorities["keyring.backends.SecretService.Keyring"]
    assert type(credmod.system_backend()) is keyring.backends.kwallet.DBusKeyring
    priorities.clear()  # no store usable here: keyring's stand-in, which the allow-list then names
    status = CredentialStore(credmod.system_backend()).status()
    assert not status.persistent and "keyring offers only “keyring.backends.fail.Keyring”" in status.message


def test_a_backend_chosen_in_the_environment_is_honoured_and_still_checked(monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    status = CredentialStore().status()
    assert not status.persistent and status.backend_name == "keyring.backends.null.Keyring"


NO_DESKTOP = ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "PYTHON_KEYRING_BACKEND")
STATUS_IN_A_FRESH_PROCESS = """
import json, sys
from invoice_desktop.core.credentials import CredentialStore
store = CredentialStore()
store.set("imaterialise", "sandbox", "api_code", "typed-by-the-clerk")
status = store.status()
print(json.dumps({
    "persistent": status.persistent,
    "backend": status.backend_name,
    "message": status.message,
    "read_back": store.get("imaterialise", "sandbox", "api_code"),
    "keyring_imported": sorted(m for m in sys.modules if m.split(".")[0] == "keyring"),
}))
"""


def status_in_a_fresh_process(tmp_path: Path, **env: str) -> dict:
    """The credential store's status in a new interpreter (keyring not imported yet) on a machine without a
    desktop session (no session bus, no display), with `env` added."""
    import json
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if k not in NO_DESKTOP}
    clean |= {"INVOICE_DESKTOP_HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"), **env}
    done = subprocess.run(
        [sys.executable, "-c", STATUS_IN_A_FRESH_PROCESS], capture_output=True, text=True, env=clean, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(credmod.platform_store_names() != credmod._DESKTOP_STORES, reason="the desktop's D-Bus stores")
def test_without_a_desktop_session_credentials_are_kept_for_the_session_and_keyring_is_not_even_imported(tmp_path):
    seen = status_in_a_fresh_process(tmp_path)
    assert seen["persistent"] is False and seen["backend"] == "none"
    assert seen["message"].startswith("No usable system keyring was found") and SESSION_ONLY in seen["message"]
    assert seen["read_back"] == "typed-by-the-clerk"  # usable for the rest of the session
    assert seen["keyring_imported"] == []
    assert files_containing(tmp_path, "typed-by-the-clerk") == []


@pytest.mark.skipif(credmod.platform_store_names() != credmod._DESKTOP_STORES, reason="the desktop's D-Bus stores")
@pytest.mark.parametrize("where", ["session bus address", "user bus socket", "display", "keyring config file"])
def test_where_a_store_may_answer_keyring_is_asked(tmp_path, where):
    """A session bus that libdbus or GLib would find, a display whose session may start one, or a backend chosen in
    keyring's own config file: keyring decides, as before (what it finds is this machine's business; the null
    backend named in the config file is refused)."""
    env: dict[str, str] = {}
    if where == "session bus address":
        env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + str(tmp_path / "no-bus-here")
    elif where == "user bus socket":
        (tmp_path / "run").mkdir()
        (tmp_path / "run" / "bus").touch()
        env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
    elif where == "display":
        env["DISPLAY"] = ":99"
    else:
        config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
        config.parent.mkdir(parents=True)
        config.write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    seen = status_in_a_fresh_process(tmp_path, **env)
    assert "keyring.core" in seen["keyring_imported"]
    assert seen["persistent"] is False and seen["read_back"] == "typed-by-the-clerk"
    if where == "keyring config file":
        assert seen["backend"] == "keyring.backends.null.Keyring"


def test_the_config_file_looked_for_is_keyrings_own(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert credmod._keyring_config_file() == keyring.core._config_path()
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert credmod._keyring_config_file() == keyring.core._config_path()


def test_without_a_session_bus_secret_service_is_not_even_imported(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert credmod._viable_priority("keyring.backends.SecretService.Keyring") is None


def test_a_locked_keyring_falls_back_to_this_session_with_a_message(app_home):
    locked = LockedKeyring()
    store = CredentialStore(locked)
    store.set("imaterialise", "sandbox", "api_code", SANDBOX_CODE)
    status = store.status()
    assert not status.persistent
    assert "could not be used (it may be locked" in status.message and SESSION_ONLY in status.message
    assert store.get("imaterialise", "sandbox", "api_code") == SANDBOX_CODE
    assert locked.items == {}
    assert files_containing(app_home.parent, SANDBOX_CODE) == []


def test_a_keyring_locked_for_reading_says_so_instead_of_failing(app_home):
    store = CredentialStore(LockedKeyring())
    assert store.get("imaterialise", "sandbox", "api_code") is None
    assert "could not be used" in store.status().message


def test_an_upload_with_session_only_credentials_works_and_leaves_no_trace(services, make_file, app_home):
    services.credentials = CredentialStore(LockedKeyring())
    services.uploads.credentials = services.credentials
    services.credentials.set("imaterialise", "practice", "api_code", DEMO_API_CODE.upper())
    prepared = services.uploads.prepare(PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    assert prepared.credentials["api_code"] == DEMO_API_CODE.upper()  # what the clerk entered wins
    assert services.uploads.run(prepared).ok
    assert files_containing(app_home.parent, DEMO_API_CODE.upper()) == []


def test_an_over_long_secret_is_refused_with_the_limit(memory_keyring):
    store = CredentialStore(memory_keyring)
    # A value may be split over several items (each within Windows' 2,560-byte limit), up to a bound.
    limit = MAX_SECRET_CHARS * getattr(credmod, "MAX_SECRET_PIECES", 1)
    store.set("payfabric", "sandbox", "access_token", "t" * limit)
    assert store.get("payfabric", "sandbox", "access_token") == "t" * limit
    assert all(len(v) <= MAX_SECRET_CHARS for v in memory_keyring.items.values())
    before = dict(memory_keyring.items)
    with pytest.raises(InvoiceDesktopError) as info:
        store.set("payfabric", "sandbox", "access_token", "u" * (limit + 1))
    assert f"{limit + 1:,} characters" in info.value.message and f"at most {limit:,}" in info.value.message
    assert memory_keyring.items == before  # the stored value is untouched


# -- practice and the upload's own check ------------------------------------------------------------------------


def test_practice_credentials_are_filled_in_and_never_stored(services, make_file, memory_keyring):
    assert services.uploads.stored_credentials(PROVIDER, "practice") == {"api_code": DEMO_API_CODE}
    prepared = services.uploads.prepare(PROVIDER, "practice", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    assert services.uploads.run(prepared).ok
    assert memory_keyring.items == {}


def test_the_vendor_sandbox_needs_the_clerks_own_code(services, make_file):
    with pytest.raises(CredentialsMissing) as info:
        services.uploads.prepare(PROVIDER, "sandbox", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    assert "API code is missing" in info.value.message and "credentials set" in info.value.message
    services.credentials.set("imaterialise", "sandbox", "api_code", SANDBOX_CODE)
    prepared = services.uploads.prepare(PROVIDER, "sandbox", {"order_id": "ORD-1001"}, file_path=make_file("a.pdf"))
    assert prepared.credentials == {"api_code": SANDBOX_CODE}
    assert prepared.base_url == "https://imatsandbox.materialise.net"
    # Sandbox and production codes are kept apart.
    assert services.uploads.stored_credentials(PROVIDER, "production") == {}


@pytest.mark.parametrize(
    ("language", "environment", "name"),
    [
        ("en", "practice", "Practice (this computer)"),
        ("en", "sandbox", "Sandbox (vendor's test system)"),
        ("de", "practice", "Übung (dieser Computer)"),
        ("sv", "sandbox", "Testmiljö (tjänstens egen)"),
    ],
)
def test_missing_credentials_name_the_environment_in_the_clerks_language(services, language, environment, name):
    """Shopwave's practice needs an access token (signing in): the clerk reads which environment's, by the name the
    window gives it, never its id."""
    from invoice_desktop.core import i18n

    from ..providers.test_shopwave_upload import invoice

    i18n.set_language(language)
    with pytest.raises(CredentialsMissing) as info:
        services.uploads.prepare(get_provider("shopwave"), environment, invoice("N-1"))
    said = str(info.value.message)
    assert name in said, said
    assert f" {environment}:" not in said and f"({environment})" not in said and "))" not in said
    assert services.history.recent() == []


def test_the_test_only_keyring_door_is_shut_outside_the_tests(tmp_path):
    import subprocess
    import sys

    # A plaintext backend loaded into the app (not under pytest) cannot register itself as the tests' keyring does.
    code = (
        "from invoice_desktop.core.credentials import CredentialStore, accept_backend_for_tests\n"
        "from keyring.backend import KeyringBackend\n"
        "class Plain(KeyringBackend):\n"
        "    priority = 1\n"
        "    def get_password(self, s, u): return None\n"
        "    def set_password(self, s, u, p): pass\n"
        "    def delete_password(self, s, u): pass\n"
        "try:\n"
        "    accept_backend_for_tests(Plain)\n"
        "except RuntimeError as exc:\n"
        "    print('refused:', exc)\n"
        "print('persistent:', CredentialStore(Plain()).status().persistent)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "refused: accept_backend_for_tests is for the test suite only" in done.stdout
    assert "persistent: False" in done.stdout
