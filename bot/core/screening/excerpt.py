"""A long message shortened for a worker without losing what made it alarming."""

from __future__ import annotations

import re

from bot.core.screening.engine import Screener

SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
GAP = " … "
EDGE = 200
"""Characters of the start and of the end kept for context."""


def excerpt(screener: Screener, text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: whole when it fits; otherwise its start, every sentence the
    screener flags on its own (most severe first, in the order written), and its end, with " … " between."""
    if len(text) <= limit:
        return text
    sentences = [s.strip() for s in SENTENCE.split(text) if s.strip()]
    flagged = [s for s in sentences if screener.screen(s).flagged]
    head, tail = text[:EDGE].rstrip(), text.rstrip()[-EDGE:].lstrip()
    if not flagged:
        half = (limit - len(GAP)) // 2
        return f"{text[:half].rstrip()}{GAP}{text[-half:].lstrip()}"
    room = max(0, limit - len(head) - len(tail) - 3 * len(GAP))
    middle = GAP.join(flagged)
    if len(middle) > room:
        middle = middle[:room].rstrip()
    parts = [head, middle] if middle else [head]
    if not text.rstrip().endswith(flagged[-1]) or flagged[-1] not in middle:
        parts.append(tail)  # the end, unless it is the flagged sentence already shown
    return GAP.join(parts)[:limit]
