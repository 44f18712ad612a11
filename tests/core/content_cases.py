"""What the content checks' tests share: the attachment rules they check against, and how a refusal is asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from invoice_desktop.core.attachments import MB, AttachmentRefused, AttachmentRules, check_attachment

RULES = AttachmentRules((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".png", ".jpeg", ".txt"), 10 * MB)
RULES = AttachmentRules(RULES.extensions, RULES.max_bytes, aliases={".jpg": ".jpeg"})


def refused(path: Path) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as info:
        check_attachment(path, RULES)
    assert info.value.rule == "content"
    assert path.name in info.value.message
    return info.value


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
