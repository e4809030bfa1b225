"""The joining conversation after an invite is redeemed: consent, language, day, time.

Pure rules only: which step follows which, and which answers each step accepts.
"""

from __future__ import annotations

from collections.abc import Sequence

STEPS = ("consent", "language", "day", "time")
LANGUAGES = ("en", "cy")
WEEKDAYS = ("0", "1", "2", "3", "4", "5", "6")


def following(step: str) -> str | None:
    """The step after ``step``; None after the last one."""
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def accepts(step: str, value: str, time_choices: Sequence[str]) -> bool:
    """Whether ``value`` is a valid answer to ``step`` (button data is never trusted blindly)."""
    allowed: dict[str, Sequence[str]] = {
        "consent": ("yes", "no"),
        "language": LANGUAGES,
        "day": WEEKDAYS,
        "time": time_choices,
    }
    return value in allowed.get(step, ())
