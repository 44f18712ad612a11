"""The image content checks, with no imaging library: PNG, every chunk walked (signature, IHDR first, CRCs, IDAT,
IEND); JPEG, every marker walked (SOI … SOF … SOS … EOI)."""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

from .content_refusal import CHUNK, Names
from .i18n import Msg

_PNG = b"\x89PNG\r\n\x1a\n"


def check_png(fh: BinaryIO, n: Names) -> list[str]:
    """Walk the chunks from the file, a piece at a time: the image is never held whole."""
    if fh.read(len(_PNG)) != _PNG:
        raise n.not_a()
    pos, first, seen_idat = len(_PNG), True, False
    while True:
        header = fh.read(8)
        if len(header) < 8:
            raise n.damaged(
                Msg(
                    "it ends at byte {byte} before its IEND chunk (it was cut short)",
                    byte=format(pos + len(header), ","),
                )
            )
        length, ctype = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not ctype.isalpha():
            raise n.damaged(Msg("the chunk at byte {byte} is malformed", byte=format(pos, ",")))
        name = ctype.decode("ascii")
        if first and (name != "IHDR" or length != 13):
            raise n.damaged(Msg("it does not start with its IHDR header chunk"))
        crc, remaining = zlib.crc32(ctype), length
        while remaining:
            piece = fh.read(min(remaining, CHUNK))
            if not piece:
                raise n.damaged(
                    Msg(
                        "its {chunk} chunk is cut short at byte {byte}",
                        chunk=name,
                        byte=format(pos + 8 + length - remaining, ","),
                    )
                )
            crc = zlib.crc32(piece, crc)
            remaining -= len(piece)
        stored = fh.read(4)
        if len(stored) < 4:
            raise n.damaged(
                Msg(
                    "its {chunk} chunk is cut short at byte {byte}",
                    chunk=name,
                    byte=format(pos + 8 + length + len(stored), ","),
                )
            )
        if struct.unpack(">I", stored)[0] != crc:
            raise n.damaged(
                Msg("its {chunk} chunk at byte {byte} fails its checksum", chunk=name, byte=format(pos, ","))
            )
        first = False
        seen_idat = seen_idat or name == "IDAT"
        if name == "IEND":
            break
        pos += 12 + length
    if not seen_idat:
        raise n.damaged(Msg("it holds no image data (no IDAT chunk)"))
    return []


# JPEG markers that stand alone (no length follows): TEM, RST0-7, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8, 0xD9}
# Start-of-frame markers (baseline, progressive, lossless…): C0-CF except DHT (C4), JPG (C8) and DAC (CC).
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def check_jpeg(fh: BinaryIO, n: Names) -> list[str]:
    # Held whole (within the provider's size limit): the scan data is searched for markers with bytes.find.
    data = fh.read()
    if not data.startswith(b"\xff\xd8\xff"):
        raise n.not_a()
    size, pos = len(data), 2
    seen_sof = seen_sos = False
    while True:
        if pos >= size or data[pos] != 0xFF:
            at = f"{min(pos, size):,}"
            raise n.damaged(
                Msg("it ends at byte {byte} before its end marker (EOI)", byte=at)
                if pos >= size
                else Msg("it has stray data at byte {byte} before its end marker (EOI)", byte=at)
            )
        while pos < size and data[pos] == 0xFF:  # fill bytes may precede a marker
            pos += 1
        if pos >= size:
            raise n.damaged(Msg("it ends before its end marker (EOI)"))
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            break
        if marker in _STANDALONE:
            if marker == 0xD8:
                raise n.damaged(Msg("a second start marker at byte {byte}", byte=format(pos - 2, ",")))
            continue
        if pos + 2 > size:
            raise n.damaged(Msg("its marker FF{marker} is cut short", marker=format(marker, "02X")))
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > size:
            raise n.damaged(
                Msg(
                    "its segment FF{marker} at byte {byte} runs past the end of the file",
                    marker=format(marker, "02X"),
                    byte=format(pos - 2, ","),
                )
            )
        if marker in _SOF:
            seen_sof = True
        pos += length
        if marker == 0xDA:  # SOS: entropy-coded data follows, up to the next marker that is not RSTn or FF00
            if not seen_sof:
                raise n.damaged(Msg("its image data comes before its frame header (SOF)"))
            seen_sos = True
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    raise n.damaged(Msg("it ends inside its image data, before its end marker (EOI): it was cut short"))
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                    continue
                break
    if not seen_sos:
        raise n.damaged(Msg("it holds no image data (no start-of-scan marker)"))
    return []
