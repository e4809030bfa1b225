"""QR codes for invite links, as PNG bytes (segno writes PNG itself; no imaging library)."""

from __future__ import annotations

import io

import segno


def qr_png(link: str, scale: int = 8) -> bytes:
    """A PNG of a QR code for ``link``, large enough to scan from a phone held at arm's length."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
