"""Dates and times in a person's language and time zone, for any use case's replies.

Each helper takes anything that renders messages (a ``Work`` or the ``Services``): ``text(locale, key, **vars)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo


class Texts(Protocol):
    """Something that renders a message: ``Work`` and ``Services`` both do."""

    def text(self, locale: str, key: str, /, **variables: Any) -> str: ...


def local_date(texts: Texts, locale: str, moment: datetime, zone: str) -> str:
    """A date in the person's language and time zone, e.g. "Monday 16 March" (Welsh: "ddydd Llun 16 Mawrth")."""
    local = moment.astimezone(ZoneInfo(zone))
    return texts.text(locale, "controls.date", day_on=texts.text(locale, f"controls.day_on.{local.weekday()}"),
                      number=local.day, month=texts.text(locale, f"controls.months.{local.month}"))


def local_when(texts: Texts, locale: str, moment: datetime, zone: str) -> str:
    """A day and time in the person's language and time zone, e.g. "Monday 16 March at 10:00"."""
    return texts.text(locale, "controls.when", date=local_date(texts, locale, moment, zone),
                      time=moment.astimezone(ZoneInfo(zone)).strftime("%H:%M"))
