"""Trends in a person's own answers (design §5 "low score"): twice running, and a rise from the baseline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.flows.model import Condition
from bot.core.trends import Reading, rise_evidence, risen, running, running_evidence, stored_value

BOTTOM = Condition(subject="result", name="mood", at_most=1)
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def week(n: int, value: int | str | None) -> Reading:
    return Reading(value, MONDAY + timedelta(weeks=n), checkin=100 + n)


def test_stored_values_come_back_as_the_flow_gave_them() -> None:
    assert [stored_value(v) for v in ("1", "10", "-2", "yes", "", None)] == [1, 10, -2, "yes", "", None]


def test_one_very_low_week_is_not_twice_running() -> None:
    assert running(BOTTOM, 2, week(1, 1), []) is None
    assert running(BOTTOM, 2, week(1, 1), [week(0, 2)]) is None


def test_twice_running_gives_both_readings_oldest_first() -> None:
    assert running(BOTTOM, 2, week(1, 1), [week(0, 1), week(-1, 5)]) == [week(0, 1), week(1, 1)]


def test_a_skipped_week_in_between_is_passed_over() -> None:
    assert running(BOTTOM, 2, week(2, 1), [week(1, None), week(0, 1)]) == [week(0, 1), week(2, 1)]


def test_the_present_value_must_hold_too() -> None:
    assert running(BOTTOM, 2, week(1, 2), [week(0, 1)]) is None
    assert running(BOTTOM, 2, week(1, None), [week(0, 1)]) is None


def test_three_running_needs_two_before() -> None:
    assert running(BOTTOM, 3, week(2, 1), [week(1, 1)]) is None
    assert running(BOTTOM, 3, week(2, 1), [week(1, 1), week(0, 3)]) is None
    assert running(BOTTOM, 3, week(2, 1), [week(1, 1), week(0, 1)]) == [week(0, 1), week(1, 1), week(2, 1)]


def test_typed_text_never_counts_as_a_low_value() -> None:
    assert running(BOTTOM, 2, week(1, 1), [week(0, "awful")]) is None


def test_running_evidence_has_every_value_and_its_date() -> None:
    assert running_evidence("mood", 2, [week(0, 1), week(1, 1)]) == {
        "trend": "running", "result": "mood", "times": 2,
        "values": [{"value": 1, "at": "2026-03-09T10:00:00+00:00", "checkin": 100},
                   {"value": 1, "at": "2026-03-16T10:00:00+00:00", "checkin": 101}],
    }


def test_a_rise_of_two_from_the_baseline() -> None:
    baseline = Reading(5, MONDAY, 7)
    assert risen(baseline, Reading(7, MONDAY + timedelta(days=90), 9), 2) == 2
    assert risen(baseline, Reading(9, MONDAY + timedelta(days=90), 9), 2) == 4


def test_no_rise_below_the_threshold_or_without_a_baseline() -> None:
    now = Reading(6, MONDAY + timedelta(days=90), 9)
    assert risen(Reading(5, MONDAY, 7), now, 2) is None
    assert risen(Reading(8, MONDAY, 7), now, 2) is None  # a fall is not a rise
    assert risen(None, now, 2) is None
    assert risen(Reading(None, MONDAY, 7), now, 2) is None
    assert risen(Reading(5, MONDAY, 7), Reading(None, MONDAY, 9), 2) is None


def test_rise_evidence_names_the_baseline_and_now_with_dates() -> None:
    baseline, now = Reading(5, MONDAY, 7), Reading(8, MONDAY + timedelta(days=1), 9)
    assert rise_evidence("ucla3", "ucla3", baseline, now, 3) == {
        "trend": "rise_from_baseline", "score": "ucla3", "instrument": "ucla3",
        "baseline": 5, "baseline_at": "2026-03-09T10:00:00+00:00", "baseline_checkin": 7,
        "now": 8, "now_at": "2026-03-10T10:00:00+00:00", "rise": 3,
    }
