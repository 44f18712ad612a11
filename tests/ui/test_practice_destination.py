"""Issue 11 item 4: in Practice the destination is this computer, always; the Address cannot send elsewhere."""

from __future__ import annotations

from invoice_desktop.core.results import Outcome

from .conftest import select_provider
from .test_main_window import drop_file, order_input, sandbox, upload


def test_practice_sends_to_this_computer_whatever_the_address_held(qtbot, window, services, make_file):
    # An address kept from an earlier version of the app, or typed before switching to Practice.
    window.settings.setValue("imaterialise/practice/address", "https://example.com")
    select_provider(window, "skypostal")
    select_provider(window, "imaterialise")
    assert window.environment == "practice"
    assert not window.address.isEnabled(), "the Address must not be editable in Practice"
    assert "choose sandbox or production" in window.address.toolTip().lower()
    window.address.setText("https://example.com")  # even if something puts text there
    assert window.base_url_override() is None
    qtbot.keyClicks(order_input(window), "ORD-1001")
    drop_file(qtbot, window, make_file("invoice.pdf"))
    result = upload(qtbot, window)
    assert result.outcome is Outcome.SUCCEEDED, window.outcome.text()
    assert len(sandbox(services).received) == 1  # it went to the local sandbox, where the banner says
    attempt = services.history.recent()[0]
    assert attempt.base_url.startswith("http://127.0.0.1")


def test_the_address_is_editable_outside_practice(qtbot, window):
    select_provider(window, "imaterialise")
    window.environment_combo.setCurrentIndex(window.environment_combo.findData("sandbox"))
    assert window.address.isEnabled()
    window.address.setText("https://imatsandbox.example.com")
    assert window.base_url_override() == "https://imatsandbox.example.com"
