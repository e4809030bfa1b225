"""Inline keyboards and the callback data they carry (always under Telegram's 64-byte limit)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

ONBOARDING = "ob"
CHECKIN = "ci"


def onboarding_data(step: str, value: str) -> str:
    """Callback data for a joining answer, e.g. ``ob:day:0``."""
    return f"{ONBOARDING}:{step}:{value}"


def checkin_data(checkin_id: int, step_index: int, choice: str) -> str:
    """Callback data for a check-in answer: ``ci:<check-in>:<step>:<option index or s>``."""
    return f"{CHECKIN}:{checkin_id}:{step_index}:{choice}"


def parse(data: str | None, parts: int) -> list[str]:
    """Split callback data into exactly ``parts`` fields (the last may hold colons); empty if it cannot."""
    if not data or len(data.encode()) > 64:
        return []
    fields = data.split(":", parts - 1)
    return fields if len(fields) == parts else []


def grid(buttons: Sequence[tuple[str, str]], per_row: int) -> InlineKeyboardMarkup:
    """Lay out (label, callback data) pairs ``per_row`` to a row."""
    rows = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in buttons[i : i + per_row]]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)
