"""Working time and when the next digest goes: pure rules."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.core.escalation import WorkingTime, next_digest_at

WEEKDAYS = WorkingTime(frozenset(range(5)), time(9), time(17))


def test_the_next_working_day_skips_the_weekend() -> None:
    assert WEEKDAYS.working_day_after(date(2026, 3, 6)) == date(2026, 3, 9)  # Friday → Monday
    assert WEEKDAYS.working_day_after(date(2026, 3, 3)) == date(2026, 3, 4)


def test_working_time_begins_again_on_monday_morning() -> None:
    assert WEEKDAYS.next_open(datetime(2026, 3, 7, 12)) == datetime(2026, 3, 9, 9)
    assert WEEKDAYS.next_open(datetime(2026, 3, 3, 7)) == datetime(2026, 3, 3, 9)
    assert WEEKDAYS.next_open(datetime(2026, 3, 3, 10)) == datetime(2026, 3, 3, 10)


def test_the_next_digest_is_today_before_its_time_else_the_next_working_day() -> None:
    assert next_digest_at(datetime(2026, 3, 2, 8), time(9), WEEKDAYS) == datetime(2026, 3, 2, 9)
    assert next_digest_at(datetime(2026, 3, 2, 9, 5), time(9), WEEKDAYS) == datetime(2026, 3, 3, 9)
    assert next_digest_at(datetime(2026, 3, 6, 10), time(9), WEEKDAYS) == datetime(2026, 3, 9, 9)
