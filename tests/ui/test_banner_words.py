"""The banner and the title in plain, correct words for every provider in Practice, Sandbox and Production."""

from __future__ import annotations

import re

import pytest

from .conftest import select_provider

# How each provider's name reads in the banner ("goes to … live system"): a name ending in s takes the
# apostrophe alone.
OWNERS = {
    "imaterialise": "i.materialise's",
    "skypostal": "SkyPostal API-BOX's",
    "payfabric": "PayFabric Receivables'",
    "shopwave": "Shopwave's",
    "ddapi": "DäckData DDAPI's",
}
SAYS = {
    "practice": ("Practice — nothing leaves this computer", "{owner} API"),
    "sandbox": ("Sandbox — test system.", "{owner} test system"),
    "production": ("⚠ PRODUCTION — real invoices.", "{owner} live system"),
}
TITLES = {"practice": "Practice", "sandbox": "Sandbox", "production": "PRODUCTION"}


@pytest.mark.parametrize("provider_id", list(OWNERS))
def test_banner_and_title_in_every_environment(window, provider_id):
    select_provider(window, provider_id)
    name = window.provider.name
    seen = []
    for index in range(window.environment_combo.count()):
        window.environment_combo.setCurrentIndex(index)
        env = window.environment
        seen.append(env)
        words = window.banner.plain_text()
        opening, owner_words = SAYS[env]
        assert words.startswith(opening), words
        assert owner_words.format(owner=OWNERS[provider_id]) in words, words
        assert "s's" not in words and "''" not in words, words
        # The title names the provider and the environment once; Qt adds the app's name.
        assert window.windowTitle() == f"{name} — {TITLES[env]}"
    assert set(seen) == set(SAYS), f"{provider_id} offers {seen}"


@pytest.mark.parametrize("language", ["de", "es", "fr", "sv"])
def test_each_language_calls_each_environment_by_one_name(language):
    """The banner's title starts with the environment's name in the window title, as the Environment list's
    entry does ("Testsystem" / "Testsystem des Anbieters." / "Testsystem (des Anbieters)"): one name per
    environment, the glossary's, never the vendors' "Sandbox" beside it."""
    from invoice_desktop.core import i18n
    from invoice_desktop.core.environments import ENVIRONMENT_LABELS, Environment
    from invoice_desktop.ui.environment_banner import banner_words, environment_title

    i18n.set_language(language)
    for env_id, address in [
        ("practice", None),
        ("sandbox", "https://test.shopwave.example/api"),
        ("sandbox", None),
        ("production", "https://api.shopwave.example"),
        ("production", None),
    ]:
        name = environment_title(env_id).casefold()
        banner = banner_words("Shopwave", Environment(env_id, address), address)
        title = re.search(r"<b>(?:⚠\s*)?(.+?)</b>", banner)
        assert title is not None and title.group(1).casefold().startswith(name), (name, banner)
        assert i18n._(ENVIRONMENT_LABELS[env_id]).casefold().startswith(name)
        assert "sandbox" not in banner.casefold(), banner


@pytest.mark.parametrize("provider_id", list(OWNERS))
def test_practice_says_when_a_sign_in_comes_first(window, provider_id):
    """Shopwave's practice fills in the partner app but not the tokens of a sign-in (declared by the provider): its
    banner says to sign in first, the others' that practice credentials are filled in."""
    select_provider(window, provider_id)
    window.environment_combo.setCurrentIndex(window.environment_combo.findData("practice"))
    assert window.environment == "practice"
    words = window.banner.plain_text()
    if provider_id == "shopwave":
        assert "sign in first with Credentials… → Sign in with Shopwave (practice approves at once)" in words, words
        assert "filled in" not in words, words
    else:
        assert "practice credentials are filled in for you" in words, words
