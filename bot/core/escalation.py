"""What follows up people, as pure rules: the kinds of escalation most urgent first, what a worker can do
about one, and working time (when digests go and who gets an urgent alert).

Times here are local wall-clock times in the service's zone; the edges convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

KINDS: tuple[str, ...] = ("risk", "distress", "asked_contact", "message", "low_score", "disengaged", "unreachable",
                          "stopped")
"""Design §5, most urgent first: the order of a digest. ``message`` holds what a person wrote that was
neither an answer nor flagged, so that nothing they write goes unread."""

URGENT = "risk"
"""The one kind that alerts at once and that no button the person taps can close."""

RISK_ACTIONS: tuple[str, ...] = ("spoke", "crisis_team", "safeguarding", "no_reach", "no_action")
"""What a worker did about an urgent alert: spoke to them, referred to a crisis or mental health team, made
a safeguarding referral, could not reach them, or no action needed (with why, typed)."""

NEEDS_NOTE = "no_action"
"""The action that needs a typed reason before it is recorded."""

ITEM_ACTIONS: tuple[str, ...] = ("ack", "contacted", "tomorrow")
"""A digest item's buttons: Acknowledge, I've contacted them, Remind me tomorrow."""

CLOSES_WHEN_BACK: tuple[str, ...] = ("disengaged", "unreachable", "stopped")
"""Kinds that also close by themselves when the person comes back (answers, unblocks or starts again)."""


def urgency(kind: str) -> int:
    """The position of ``kind`` in :data:`KINDS` (0 is most urgent); unknown kinds sort last."""
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def is_action(kind: str, action: str) -> bool:
    """Whether ``action`` is something a worker can do about an item of ``kind``."""
    if kind == URGENT:
        return action in RISK_ACTIONS or action == "ack"
    return action in ITEM_ACTIONS


@dataclass(frozen=True)
class WorkingTime:
    """The service's working days (0 = Monday) and hours, local time."""

    days: frozenset[int]
    start: time
    end: time

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return day.weekday() in self.days

    def is_open(self, local: datetime) -> bool:
        """Whether ``local`` falls on a working day within working hours."""
        return self.is_working_day(local.date()) and self.start <= local.time().replace(tzinfo=None) < self.end

    def next_open(self, local: datetime) -> datetime:
        """``local`` itself when working time is on, else when it next begins (same zone as ``local``)."""
        if self.is_open(local):
            return local
        day = local.date()
        if self.is_working_day(day) and local.time().replace(tzinfo=None) < self.start:
            return datetime.combine(day, self.start, local.tzinfo)
        return datetime.combine(self.working_day_after(day), self.start, local.tzinfo)

    def working_day_after(self, day: date) -> date:
        """The first working day after ``day``."""
        for ahead in range(1, 8):
            candidate = day + timedelta(days=ahead)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("working time has no working days")


def digest_due(local_now: datetime, at: time, working: WorkingTime, last_day: date | None) -> bool:
    """Whether a digest with local time ``at`` is due at ``local_now``: a working day, ``at`` has passed,
    and none was sent for today yet (``last_day`` is the day of the last one)."""
    today = local_now.date()
    return (working.is_working_day(today) and local_now.time().replace(tzinfo=None) >= at
            and last_day != today)


def next_digest_at(local_now: datetime, at: time, working: WorkingTime) -> datetime:
    """When the next digest with local time ``at`` goes out after ``local_now`` (same zone)."""
    for ahead in range(0, 8):
        day = local_now.date() + timedelta(days=ahead)
        moment = datetime.combine(day, at, local_now.tzinfo)
        if working.is_working_day(day) and moment > local_now:
            return moment
    raise ValueError("working time has no working days")
