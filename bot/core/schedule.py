"""When check-ins fall due: local wall-clock times in the person's zone, DST-safe."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_hhmm(value: str) -> time:
    """``"10:00"`` → ``time(10, 0)``; raises ValueError on anything else."""
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes))


def local_to_utc(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``at`` on the local date of ``day`` in ``zone``.

    A time that does not exist (inside a spring-forward gap) moves forward past the gap.
    """
    local = datetime.combine(day.date(), at, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = local + timedelta(hours=1)
    return local.astimezone(UTC)


def next_weekly(after: datetime, weekday: int, at: time, zone_name: str) -> datetime:
    """The first instant strictly after ``after`` that is ``weekday`` (0 = Monday) at ``at`` local time."""
    zone = ZoneInfo(zone_name)
    local_now = after.astimezone(zone)
    days_ahead = (weekday - local_now.weekday()) % 7
    for extra in (0, 7, 14):
        candidate_day = local_now + timedelta(days=days_ahead + extra)
        candidate = local_to_utc(candidate_day, at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a weekday recurs within two weeks")
