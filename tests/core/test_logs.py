"""The app's log file rotates by logging.handlers.RotatingFileHandler's rule (the app writes the rule out rather than
import that module): the same records give the same files, newest in invoice-desktop.log, then .1, .2…"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import pytest

from invoice_desktop.core.logs import PrivateRotatingFileHandler


def files_after(handler: logging.Handler, folder: Path, lengths: list[int]) -> dict[str, str]:
    logger = logging.getLogger(f"test_logs.{id(handler)}")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n, length in enumerate(lengths):
            logger.warning("record %03d %s", n, "x" * length)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("max_bytes", "backups"), [(200, 3), (1000, 5), (120, 1), (500, 0)])
def test_the_log_rotates_as_the_standard_rotating_handler_does(tmp_path, max_bytes, backups):
    lengths = [(n * 37) % 90 for n in range(60)]  # every record shorter than a file may be
    ours, standard = tmp_path / "ours", tmp_path / "standard"
    ours.mkdir()
    standard.mkdir()
    seen = files_after(PrivateRotatingFileHandler(ours / "app.log", max_bytes, backups, "utf-8"), ours, lengths)
    expected = files_after(
        logging.handlers.RotatingFileHandler(standard / "app.log", "a", max_bytes, backups, "utf-8"), standard, lengths
    )
    assert seen == expected
    assert "record 059" in seen["app.log"]  # the newest in the file itself
    if backups:
        assert 1 < len(seen) <= backups + 1
        assert all(len(text.encode()) < max_bytes for text in seen.values())
    if len(seen) == backups + 1 and backups:
        assert "record 000" not in "".join(seen.values())  # the oldest were dropped


def test_a_log_kept_on_across_runs_rotates_from_where_the_file_is(tmp_path):
    (tmp_path / "app.log").write_text("x" * 150 + "\n", encoding="utf-8")  # left by an earlier run
    seen = files_after(PrivateRotatingFileHandler(tmp_path / "app.log", 200, 2, "utf-8"), tmp_path, [60])
    assert seen["app.log.1"] == "x" * 150 + "\n" and seen["app.log"].startswith("record 000")
