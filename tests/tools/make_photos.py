#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Test photos with metadata, made with Python's standard library only.

exif_gps(lat, lon) is an APP1 Exif segment with a GPS position (and a camera
serial number); with_exif(jpeg, app1) puts it after SOI.  png_with_text()
is a 2x2 PNG with tEXt, zTXt, iTXt and eXIf chunks.  Run as a script it
writes tests/unit/fixtures/photos/gps.jpg and text.png.  jpeg_plain() is
a 16x16 grey baseline JPEG with only a JFIF header.
"""
import os
import struct
import sys
import zlib

SERIAL = b"SERIAL-4711-GEHEIM"


def _rational(v):
    return struct.pack("<II", int(round(v * 10000)), 10000)


def _dms(deg):
    d = int(deg)
    m = int((deg - d) * 60)
    s = (deg - d - m / 60) * 3600
    return _rational(d) + _rational(m) + _rational(s)


def exif_gps(lat, lon):
    """An APP1 segment: IFD0 with a serial number and a GPS IFD."""
    # Little-endian TIFF: header (8), IFD0 at 8 with 2 entries, then GPS IFD.
    ifd0_at = 8
    ifd0_len = 2 + 2 * 12 + 4
    serial_at = ifd0_at + ifd0_len
    serial = SERIAL + b"\0"
    gps_at = serial_at + len(serial)
    gps_len = 2 + 4 * 12 + 4
    lat_at = gps_at + gps_len
    lon_at = lat_at + 24
    t = b"II*\0" + struct.pack("<I", ifd0_at)
    t += struct.pack("<H", 2)
    t += struct.pack("<HHII", 0xA431, 2, len(serial), serial_at)  # BodySerialNumber
    t += struct.pack("<HHII", 0x8825, 4, 1, gps_at)  # GPSInfo
    t += struct.pack("<I", 0)
    t += serial
    t += struct.pack("<H", 4)
    t += struct.pack("<HHI", 1, 2, 2) + (b"N" if lat >= 0 else b"S") + b"\0\0\0"
    t += struct.pack("<HHII", 2, 5, 3, lat_at)
    t += struct.pack("<HHI", 3, 2, 2) + (b"E" if lon >= 0 else b"W") + b"\0\0\0"
    t += struct.pack("<HHII", 4, 5, 3, lon_at)
    t += struct.pack("<I", 0)
    t += _dms(abs(lat)) + _dms(abs(lon))
    body = b"Exif\0\0" + t
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def with_exif(jpeg, app1, comment=b"Kommentar mit Namen"):
    """`jpeg` with `app1` and a COM segment after its SOI."""
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return jpeg[:2] + app1 + com + jpeg[2:]


def _seg(marker, body):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg_plain():
    """A 16x16 grey baseline JPEG: four blocks, each DC 0 and end of block."""
    jfif = _seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    dqt = _seg(0xDB, b"\0" + b"\x01" * 64)
    sof = _seg(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
    # One code each: DC category 0 and AC end of block, both "0".
    counts = b"\x01" + b"\0" * 15
    dht = _seg(0xC4, b"\x00" + counts + b"\x00" + b"\x10" + counts + b"\x00")
    sos = _seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + jfif + dqt + sof + dht + sos + b"\x00" + b"\xff\xd9"


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_text():
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    raw = b"".join(b"\0" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"tEXt", b"Author\0Erika Mustermann")
            + _chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"Privat"))
            + _chunk(b"iTXt", b"Location\0\0\0\0\0Lange Strasse 1")
            + _chunk(b"eXIf", exif_gps(51.6166, 7.5207)[10:])
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "unit", "fixtures", "photos")
    base = jpeg_plain()
    with open(os.path.join(d, "gps.jpg"), "wb") as f:
        f.write(with_exif(base, exif_gps(51.6166, 7.5207)))
    with open(os.path.join(d, "text.png"), "wb") as f:
        f.write(png_with_text())
