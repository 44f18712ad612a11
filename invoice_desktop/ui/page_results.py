"""Each provider page keeps its own result: switching providers never shows another provider's answer.

The window has one result panel. What it shows belongs to the provider that was on screen when it was shown: on a
switch, it is kept for that provider, and the new provider's own last result (or nothing) takes its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QListWidget

from ..core.results import UploadResult


class PageResults(QObject):
    def __init__(self, outcome: Any, provider_list: QListWidget, provider_ids: Sequence[str]) -> None:
        super().__init__(provider_list)
        self.outcome = outcome  # the window's result panel: show_result(), clear(), result
        self.provider_ids = list(provider_ids)
        self._kept: dict[str, UploadResult] = {}
        self._current: str | None = None
        provider_list.currentRowChanged.connect(self._switched)

    def _switched(self, row: int) -> None:
        if self._current is not None:
            result = self.outcome.result
            if result is None:
                self._kept.pop(self._current, None)
            else:
                self._kept[self._current] = result
        self._current = self.provider_ids[row] if 0 <= row < len(self.provider_ids) else None
        kept = self._kept.get(self._current) if self._current else None
        if kept is None:
            self.outcome.clear()
        else:
            self.outcome.show_result(kept)
