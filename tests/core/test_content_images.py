"""The image checks (core/content_images.py), on PNG and JPEG files made by Pillow, then cut short or with a byte
flipped."""

from __future__ import annotations

import pytest

from invoice_desktop.core.attachments import check_attachment

from .. import documents
from .content_cases import RULES, flip, refused

# -- images ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "options"),
    [
        ("scan.png", "PNG", {}),
        ("photo.jpeg", "JPEG", {}),
        ("photo.jpg", "JPEG", {"progressive": True}),
        ("restarts.jpeg", "JPEG", {"restart_marker_blocks": 1}),
    ],
)
def test_real_images_pass(put, name, fmt, options):
    image = documents.image(fmt, 120, 80, noise=True, **options)
    assert check_attachment(put(name, image), RULES).warnings == ()
    # Bytes after the image's end (some cameras and scanners add them) do not matter.
    assert check_attachment(put(name, image + b"\0" * 100), RULES).warnings == ()


def test_a_png_cut_short_is_refused(put):
    real = documents.image("PNG", 120, 80, noise=True)
    problem = refused(put("cut.png", real[: len(real) // 2]))
    assert "is a damaged or incomplete PNG image: its IDAT chunk is cut short" in problem.message
    assert "drop the new file" in problem.message


def test_a_png_with_a_flipped_byte_fails_its_checksum(put):
    real = documents.image("PNG", 120, 80, noise=True)
    problem = refused(put("flipped.png", flip(real, len(real) // 2)))
    assert "its IDAT chunk at byte 33 fails its checksum" in problem.message


def test_a_png_without_its_end_is_refused(put):
    real = documents.image("PNG", 120, 80)
    assert "before its IEND chunk" in refused(put("noend.png", real[:-12])).message


def test_a_jpeg_cut_short_is_refused(put):
    real = documents.image("JPEG", 120, 80, noise=True)
    problem = refused(put("cut.jpg", real[: len(real) * 3 // 4]))
    assert "is a damaged or incomplete JPEG image" in problem.message
    assert "before its end marker (EOI): it was cut short" in problem.message


def test_a_jpeg_with_a_broken_segment_is_refused(put):
    real = documents.image("JPEG", 120, 80, noise=True)
    # The first segment after SOI (Pillow writes APP0, JFIF) gets an impossible length.
    problem = refused(put("broken.jpg", real[:4] + b"\xff\xff" + real[6:]))
    assert "its segment FFE0 at byte 2 runs past the end of the file" in problem.message
