"""Reading a session time as a UK worker writes it, and when to remind about it. Pure: ``now`` is passed in.

``parse_when("thu 2pm", now, zone)`` → the UTC instant of the next Thursday at 14:00 local time.
Accepted: ``12/03 14:00``, ``12/03/2026 14:00``, ``12/3/26 2:30pm``, ``2026-03-12 14:00``, ``12 March 14:00``,
``today 16:00``, ``tomorrow 10:30``, ``thu 14:00``, ``thursday 2pm``, ``Tue 10/03 09:00`` (the weekday
must match the date), and a time alone (today if it is still to come, else tomorrow). Dates are day
first, as in the UK.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.schedule import local_to_utc

Reason = Literal["unclear", "past", "far"]
MAX_AHEAD = timedelta(days=366)
WORDS_MAX = 6

WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
DAY_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


class WhenError(ValueError):
    """A session time that cannot be used: ``unclear`` (not a date and time), ``past`` or ``far`` ahead."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


@dataclass(frozen=True)
class Parsed:
    """A session time found at the start of some words, and the words left over (the place)."""

    at: datetime
    rest: str


def _clock(text: str) -> time | None:
    found = CLOCK.match(text)
    if found is None:
        return None
    hours, minutes, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half is None and found.group(2) is None:
        return None  # a bare number ("14") is too easy to misread as a date
    if half is not None:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half == "pm" else 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _yearless(month: int, day: int, today: date) -> date | None:
    """This year's date, or next year's when this year's is long gone (December booking a January session)."""
    this_year = _safe_date(today.year, month, day)
    if this_year is not None and (today - this_year).days > 180:
        return _safe_date(today.year + 1, month, day)
    return this_year


def _date(words: Sequence[str], today: date) -> date | int | None:
    """A calendar date (or a weekday number) written in ``words``, or None."""
    text = " ".join(words)
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text in WEEKDAYS:
        return WEEKDAYS[text]
    if len(words) > 1 and words[0] in WEEKDAYS:  # "tue 10/03": the date must fall on that weekday
        dated = _date(words[1:], today)
        return dated if isinstance(dated, date) and dated.weekday() == WEEKDAYS[words[0]] else None
    if (found := ISO.match(text)) is not None:
        return _safe_date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    if (found := DAY_MONTH.match(text)) is not None:
        day, month, year = int(found.group(1)), int(found.group(2)), found.group(3)
        if year is None:
            return _yearless(month, day, today)
        return _safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    if len(words) in (2, 3) and (found := ORDINAL.match(words[0])) is not None and words[1] in MONTHS:
        if len(words) == 3:
            return _safe_date(int(words[2]), MONTHS[words[1]], int(found.group(1))) if words[2].isdigit() else None
        return _yearless(MONTHS[words[1]], int(found.group(1)), today)
    return None


def _normalise(text: str) -> list[str]:
    words = text.lower().replace(",", " ").split()
    joined: list[str] = []
    for word in words:  # "2 pm" → "2pm"; "on thursday" → "thursday"; "at 2pm" → "2pm"
        if word in ("am", "pm") and joined and joined[-1].isdigit():
            joined[-1] += word
        elif word not in ("on", "at"):
            joined.append(word)
    return joined


def _resolve(words: Sequence[str], now: datetime, zone: ZoneInfo) -> datetime | None:
    """The instant ``words`` (all of them) name, or None when they are not a date and time."""
    if not words:
        return None
    local_now = now.astimezone(zone)
    today = local_now.date()
    clock = _clock(words[-1])
    if clock is None:
        return None
    day_words = words[:-1]
    if not day_words:
        candidate = local_to_utc(local_now, clock, zone)
        return candidate if candidate > now else local_to_utc(local_now + timedelta(days=1), clock, zone)
    day = _date(day_words, today)
    if day is None:
        return None
    if isinstance(day, int):
        ahead = (day - today.weekday()) % 7
        candidate = local_to_utc(local_now + timedelta(days=ahead), clock, zone)
        return candidate if candidate > now else local_to_utc(local_now + timedelta(days=ahead + 7), clock, zone)
    return local_to_utc(datetime.combine(day, time(12), tzinfo=zone), clock, zone)


def parse_when(text: str, now: datetime, zone: ZoneInfo | str) -> datetime:
    """The UTC instant of a session time written in ``zone``; raises WhenError when it cannot be used."""
    found = split_when(text, now, zone)
    if found.rest:
        raise WhenError("unclear")
    return found.at


def split_when(text: str, now: datetime, zone: ZoneInfo | str) -> Parsed:
    """Read a session time from the start of ``text``; what follows it is returned as ``rest`` (the place).

    The longest run of leading words that reads as a date and time wins, so ``thu 2pm the library`` gives
    Thursday 14:00 and ``the library``. Raises WhenError for nonsense, past times and times over a year away.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    original = text.split()
    for count in range(min(WORDS_MAX, len(original)), 0, -1):
        words = _normalise(" ".join(original[:count]))
        at = _resolve(words, now, tz)
        if at is None:
            continue
        if at <= now:
            raise WhenError("past")
        if at - now > MAX_AHEAD:
            raise WhenError("far")
        rest = " ".join(original[count:])
        return Parsed(at.astimezone(UTC), _place(rest))
    raise WhenError("unclear")


def _place(rest: str) -> str:
    """``at the library`` → ``the library``; the message itself says "at"."""
    text = rest.strip()
    for lead in ("at ", "@"):
        if text.lower().startswith(lead):
            return text[len(lead):].strip()
    return text


NIGHT_STARTS = time(21, 0)
NIGHT_ENDS = time(8, 0)
EVENING = time(18, 0)
LEAD = timedelta(hours=1)


def _quiet(at: time, start: time, end: time) -> bool:
    if start > end:
        return at >= start or at < end
    return start <= at < end


def reminder_due(at: datetime, booked: datetime, checkin_time: time, zone: ZoneInfo | str,
                 quiet: tuple[time, time] = (NIGHT_STARTS, NIGHT_ENDS)) -> datetime | None:
    """When to remind about a session at ``at`` booked at ``booked`` (UTC instants), or None for no reminder.

    The day before at the person's usual check-in time; 18:00 that day if the usual time had already
    passed when it was booked; if even that had passed, as soon as it is not quiet hours (``quiet`` =
    (start, end) local, 21:00–08:00 by default), provided that is still at least an hour before the session.
    """
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    start, end = quiet
    eve = at.astimezone(tz) - timedelta(days=1)
    for wall in (checkin_time, EVENING):
        candidate = local_to_utc(eve, end if _quiet(wall, start, end) else wall, tz)
        if candidate > booked:
            return candidate
    soonest = booked.astimezone(tz)
    if _quiet(soonest.time(), start, end):
        wake = datetime.combine(soonest.date(), end, tzinfo=tz)
        if soonest.time() >= end:
            wake += timedelta(days=1)
        soonest = wake
    due = soonest.astimezone(UTC)
    return due if due + LEAD <= at else None
