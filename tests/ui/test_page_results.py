"""Issue 11 item 5: each provider page keeps its own result; another provider's never shows after switching."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .conftest import select_provider


def test_switching_providers_never_shows_the_other_providers_result(qtbot, window):
    select_provider(window, "imaterialise")
    with qtbot.waitSignal(window.outcome.shown, timeout=5000):
        qtbot.mouseClick(window.upload_button, Qt.MouseButton.LeftButton)  # an empty form: refused here
    said = window.outcome.text()
    assert "not complete" in said and window.outcome.isVisible()

    select_provider(window, "shopwave")
    assert not window.outcome.isVisible(), "Shopwave shows i.materialise's result"
    assert window.outcome.result is None

    select_provider(window, "imaterialise")  # its own result is still its own
    assert window.outcome.isVisible() and window.outcome.text() == said

    select_provider(window, "payfabric")
    assert not window.outcome.isVisible()
