"""The app-wide settings store: declared once, checked on read and write, saved whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoice_desktop.core.settings import SETTINGS, Setting, SettingsStore, declared

DECLARED = (
    Setting("a.flag", "A flag", False),
    Setting("a.count", "A count", 3, minimum=1, maximum=10),
    Setting("a.choice", "A choice", "one", choices=(("one", "One"), ("two", "Two"))),
)


def test_defaults_until_set_and_values_survive_a_restart(tmp_path: Path):
    path = tmp_path / "settings.json"
    store = SettingsStore(path, DECLARED)
    assert store.values() == {"a.flag": False, "a.count": 3, "a.choice": "one"}
    store.set("a.flag", True)
    store.set("a.count", 7)
    store.set("a.choice", "two")
    store.save()
    again = SettingsStore(path, DECLARED)
    assert again.values() == {"a.flag": True, "a.count": 7, "a.choice": "two"}


@pytest.mark.parametrize(
    ("key", "value"), [("a.flag", "yes"), ("a.count", 11), ("a.count", True), ("a.choice", "three")]
)
def test_a_value_of_the_wrong_kind_is_refused(tmp_path: Path, key: str, value: object):
    store = SettingsStore(tmp_path / "s.json", DECLARED)
    with pytest.raises(ValueError):
        store.set(key, value)


def test_a_hand_edited_or_broken_file_falls_back_to_defaults_and_keeps_unknown_keys(tmp_path: Path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"a.flag": "maybe", "a.count": 5, "newer.key": [1, 2]}), encoding="utf-8")
    store = SettingsStore(path, DECLARED)
    assert store.get("a.flag") is False and store.get("a.count") == 5
    store.set("a.flag", True)
    store.save()
    assert json.loads(path.read_text(encoding="utf-8"))["newer.key"] == [1, 2]
    path.write_text("{not json", encoding="utf-8")
    assert SettingsStore(path, DECLARED).get("a.count") == 3


def test_unknown_keys_are_an_error_for_the_programmer(tmp_path: Path):
    store = SettingsStore(tmp_path / "s.json", DECLARED)
    with pytest.raises(KeyError):
        store.get("no.such")
    with pytest.raises(KeyError):
        declared("no.such")


def test_every_declared_setting_has_a_valid_default_and_a_unique_key():
    assert len({s.key for s in SETTINGS}) == len(SETTINGS)
    assert all(s.accepts(s.default) and s.label for s in SETTINGS)
