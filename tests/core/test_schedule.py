"""Weekly due times in the person's zone, across clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.core.schedule import local_to_utc, next_weekly, parse_hhmm

LONDON = "Europe/London"


def test_next_monday_ten_in_winter_is_ten_utc() -> None:
    after = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    assert next_weekly(after, 0, time(10), LONDON) == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def test_ten_oclock_stays_ten_local_across_the_spring_change() -> None:
    first = next_weekly(datetime(2026, 3, 20, tzinfo=UTC), 0, time(10), LONDON)
    second = next_weekly(first, 0, time(10), LONDON)
    assert first == datetime(2026, 3, 23, 10, 0, tzinfo=UTC)  # GMT
    assert second == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # BST: still 10:00 on the wall


def test_autumn_change_back() -> None:
    due = next_weekly(datetime(2026, 10, 20, tzinfo=UTC), 0, time(10), LONDON)
    assert due == datetime(2026, 10, 26, 10, 0, tzinfo=UTC)  # BST ended on 25 October


def test_same_day_later_time_is_today_and_passed_time_is_next_week() -> None:
    monday_nine = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_weekly(monday_nine, 0, time(10), LONDON) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert next_weekly(monday_nine, 0, time(8), LONDON) == datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


def test_time_in_the_spring_gap_moves_forward() -> None:
    day = datetime(2026, 3, 29, tzinfo=UTC)
    from zoneinfo import ZoneInfo

    assert local_to_utc(day, time(1, 30), ZoneInfo(LONDON)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_other_zones() -> None:
    due = next_weekly(datetime(2026, 3, 2, tzinfo=UTC), 2, parse_hhmm("18:00"), "America/New_York")
    assert due == datetime(2026, 3, 4, 23, 0, tzinfo=UTC)
