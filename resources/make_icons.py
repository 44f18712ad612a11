"""Draws the app icon and writes it as PNG (window, Linux), ICO (Windows) and ICNS (macOS).

Run once by hand when the design changes, and commit the outputs; builds use the committed files, so Pillow is
needed only here, never at build or run time:

    python3 -m venv /tmp/iconvenv && /tmp/iconvenv/bin/pip install pillow
    /tmp/iconvenv/bin/python resources/make_icons.py

The picture: a blue rounded square with a white invoice sheet (folded corner, text lines) and a green upload arrow.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 1024
BLUE_TOP, BLUE_BOTTOM = (46, 116, 214), (24, 72, 160)
SHEET, FOLD, LINES = (255, 255, 255), (200, 216, 240), (150, 172, 206)
ARROW = (34, 166, 90)


def _gradient(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / (size - 1)
        color = tuple(round(a + (b - a) * t) for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True))
        draw.line([(0, y), (size, y)], fill=(*color, 255))
    return image


def draw(size: int = SIZE) -> Image.Image:
    s = size / 1024
    # Background: a rounded square with a margin, as macOS and Windows 11 icons have.
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle([60 * s, 60 * s, 964 * s, 964 * s], radius=190 * s, fill=255)
    icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    icon.paste(_gradient(size), (0, 0), mask)
    d = ImageDraw.Draw(icon)

    # The invoice sheet with a folded top-right corner.
    left, top, right, bottom, fold = 250 * s, 170 * s, 700 * s, 800 * s, 140 * s
    d.polygon([(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)], fill=SHEET)
    d.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)], fill=FOLD)
    for i, width in enumerate((0.55, 0.75, 0.65, 0.4)):
        y = top + (200 + i * 90) * s
        d.rounded_rectangle(
            [left + 60 * s, y, left + 60 * s + (right - left - 120 * s) * width, y + 34 * s], radius=17 * s, fill=LINES
        )

    # The upload arrow in a green disc, over the sheet's bottom-right corner.
    cx, cy, r = 700 * s, 720 * s, 190 * s
    d.ellipse([cx - r - 24 * s, cy - r - 24 * s, cx + r + 24 * s, cy + r + 24 * s], fill=(255, 255, 255, 255))
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=ARROW)
    shaft, head = 44 * s, 110 * s
    d.rectangle([cx - shaft, cy - 20 * s, cx + shaft, cy + 120 * s], fill=SHEET)
    d.polygon([(cx, cy - 130 * s), (cx - head, cy - 5 * s), (cx + head, cy - 5 * s)], fill=SHEET)
    return icon


def main() -> None:
    big = draw(SIZE)
    big.resize((512, 512), Image.LANCZOS).save(HERE / "icon.png")
    # Pillow scales the 256 px drawing down to each size the ICO holds; ICNS gets 16 to 1024 px from the big one.
    ico_sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    draw(256).save(HERE / "icon.ico", sizes=ico_sizes)
    big.save(HERE / "icon.icns")
    print("wrote", ", ".join(p.name for p in sorted(HERE.glob("icon.*"))))


if __name__ == "__main__":
    main()
