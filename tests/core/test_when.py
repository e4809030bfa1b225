"""Session times as UK workers write them, in the service's zone, and when their reminders fall due."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.core.when import WhenError, parse_when, reminder_due, split_when

LONDON = "Europe/London"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March 2026, 09:00 GMT


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("12/03 14:00", at(2026, 3, 12, 14, 0)),
    ("12/03/2026 14:00", at(2026, 3, 12, 14, 0)),
    ("12/3/26 2:30pm", at(2026, 3, 12, 14, 30)),
    ("2026-03-12 14:00", at(2026, 3, 12, 14, 0)),
    ("12 March 14:00", at(2026, 3, 12, 14, 0)),
    ("12th mar 2026 9am", at(2026, 3, 12, 9, 0)),
    ("tomorrow 10:30", at(2026, 3, 3, 10, 30)),
    ("Tomorrow at 10.30", at(2026, 3, 3, 10, 30)),
    ("today 16:00", at(2026, 3, 2, 16, 0)),
    ("thu 14:00", at(2026, 3, 5, 14, 0)),
    ("thursday 2pm", at(2026, 3, 5, 14, 0)),
    ("Thursday 2 pm", at(2026, 3, 5, 14, 0)),
    ("on Thurs, 2pm", at(2026, 3, 5, 14, 0)),
    ("mon 10:00", at(2026, 3, 2, 10, 0)),  # later today
    ("mon 08:00", at(2026, 3, 9, 8, 0)),  # already passed today: next Monday
    ("14:00", at(2026, 3, 2, 14, 0)),  # later today
    ("8:30", at(2026, 3, 3, 8, 30)),  # passed today: tomorrow
    ("12am", at(2026, 3, 3, 0, 0)),
    ("Thu 12/03 14:00", at(2026, 3, 12, 14, 0)),
    ("Thursday, 12 March 2026, 2pm", at(2026, 3, 12, 14, 0)),
])
def test_accepted_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW, LONDON) == expected


def test_british_summer_time_is_local_wall_clock() -> None:
    assert parse_when("2026-04-02 14:00", NOW, LONDON) == at(2026, 4, 2, 13, 0)


def test_december_booking_for_january_means_next_year() -> None:
    december = at(2026, 12, 15, 10, 0)
    assert parse_when("12/01 10:00", december, LONDON) == at(2027, 1, 12, 10, 0)


@pytest.mark.parametrize("text", ["", "soon", "next week", "14", "25:00", "31/02 10:00", "12/03", "thu",
                                  "tomorrow morning", "13pm", "fri 12/03 14:00", "12/13/2026 10:00",
                                  "2026-03-12 14:00 extra"])
def test_nonsense_is_unclear(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, LONDON)
    assert caught.value.reason == "unclear"


@pytest.mark.parametrize("text", ["01/03 10:00", "2026-03-02 08:59", "today 8am", "01/03/2026 14:00"])
def test_past_times_are_refused(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW, LONDON)
    assert caught.value.reason == "past"


def test_more_than_a_year_ahead_is_refused() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("12/03/2028 10:00", NOW, LONDON)
    assert caught.value.reason == "far"


@pytest.mark.parametrize(("text", "place"), [
    ("thu 2pm the library", "the library"),
    ("thu 2pm at the library", "the library"),
    ("12/03 14:00 @ Room 3, Town Hall", "Room 3, Town Hall"),
    ("14:00 3 Main Street", "3 Main Street"),
    ("tomorrow 10:30", ""),
])
def test_the_place_follows_the_time(text: str, place: str) -> None:
    assert split_when(text, NOW, LONDON).rest == place


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("14:00", datetime(2026, 3, 2, 9), LONDON)


SESSION = at(2026, 3, 12, 14, 0)  # Thursday 14:00


def test_reminder_the_day_before_at_the_usual_time() -> None:
    assert reminder_due(SESSION, NOW, time(10), LONDON) == at(2026, 3, 11, 10, 0)


def test_reminder_at_six_when_the_usual_time_had_passed_at_booking() -> None:
    booked = at(2026, 3, 11, 12, 0)
    assert reminder_due(SESSION, booked, time(10), LONDON) == at(2026, 3, 11, 18, 0)


def test_reminder_booked_late_on_the_eve_waits_for_the_morning() -> None:
    assert reminder_due(SESSION, at(2026, 3, 11, 22, 30), time(10), LONDON) == at(2026, 3, 12, 8, 0)
    assert reminder_due(SESSION, at(2026, 3, 11, 19, 0), time(10), LONDON) == at(2026, 3, 11, 19, 0)


def test_no_reminder_when_there_is_no_time_left() -> None:
    assert reminder_due(SESSION, at(2026, 3, 12, 13, 30), time(10), LONDON) is None


def test_reminder_never_at_night_even_for_a_night_owl() -> None:
    assert reminder_due(SESSION, NOW, time(23, 30), LONDON) == at(2026, 3, 11, 8, 0)
    assert reminder_due(SESSION, NOW, time(6, 0), LONDON) == at(2026, 3, 11, 8, 0)


def test_reminder_keeps_local_time_across_the_clock_change() -> None:
    session = at(2026, 3, 30, 13, 0)  # Monday 14:00 BST
    assert reminder_due(session, NOW, time(10), LONDON) == at(2026, 3, 29, 9, 0)  # Sunday 10:00 BST


def test_reminder_respects_the_service_quiet_hours() -> None:
    late = at(2026, 3, 11, 20, 30)
    assert reminder_due(SESSION, late, time(10), LONDON, quiet=(time(20), time(9))) == at(2026, 3, 12, 9, 0)
    assert reminder_due(SESSION, late, time(10), LONDON, quiet=(time(0), time(7))) == late
