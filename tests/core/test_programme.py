"""Programme rules: recurring, milestones, pauses, sessions, quiet hours and the weekly cap."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.core.programme import Plan, Rules, after_quiet_hours, next_due, reminder_time, within_cap

RULES = Rules()
JOINED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday
MONDAY_TEN = dict(weekday=0, at=time(10, 0))


def plan(**changes: object) -> Plan:
    base: dict[str, object] = dict(status="active", timezone="Europe/London", frequency="weekly",
                                   joined_at=JOINED, **MONDAY_TEN)
    base.update(changes)
    return Plan(**base)  # type: ignore[arg-type]


def test_baseline_first_then_weekly_after_a_few_days_rest() -> None:
    first = next_due(plan(), JOINED, RULES)
    assert first is not None and (first.flow_id, first.due_at, first.occasion) == ("baseline", JOINED, "baseline")
    weekly = next_due(plan(done=frozenset({"baseline"})), JOINED, RULES)
    assert weekly is not None and weekly.flow_id == "weekly"
    assert weekly.due_at == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def test_fortnightly_skips_a_week() -> None:
    last = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    due = next_due(plan(frequency="fortnightly", done=frozenset({"baseline"}), last_recurring=last), last, RULES)
    assert due is not None and due.due_at == last + timedelta(days=14)


def test_pause_postpones_to_the_first_slot_after_it() -> None:
    last = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    due = next_due(plan(done=frozenset({"baseline"}), last_recurring=last,
                        paused_until=datetime(2026, 3, 25, tzinfo=UTC)), last, RULES)
    assert due is not None and due.due_at == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # 10:00 BST


def test_indefinite_pause_and_stop_schedule_nothing() -> None:
    assert next_due(plan(status="paused"), JOINED, RULES) is None
    assert next_due(plan(status="stopped"), JOINED, RULES) is None


def test_weekly_checkin_moves_off_an_appointments_eve() -> None:
    last = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    appointment = datetime(2026, 3, 17, 11, 0, tzinfo=UTC)  # Tuesday, the day after the usual Monday
    due = next_due(plan(done=frozenset({"baseline"}), last_recurring=last, appointments=(appointment,)), last, RULES)
    assert due is not None and due.due_at == datetime(2026, 3, 18, 10, 0, tzinfo=UTC)


def test_discharge_gives_end_of_support_then_milestones_at_the_usual_time() -> None:
    ended = datetime(2026, 5, 25, 15, 0, tzinfo=UTC)
    follow = plan(status="followup", support_ended_at=ended, done=frozenset({"baseline"}))
    end = next_due(follow, ended, RULES)
    assert end is not None and (end.flow_id, end.occasion, end.due_at) == ("end_of_support", "end", ended)
    two_weeks = next_due(plan(status="followup", support_ended_at=ended, done=frozenset({"end"})), ended, RULES)
    assert two_weeks is not None and two_weeks.occasion == "2w"
    assert two_weeks.due_at == datetime(2026, 6, 8, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert two_weeks.context == {"milestone": "2w", "with_measures": "no"}
    three = next_due(plan(status="followup", support_ended_at=ended, done=frozenset({"end", "2w", "1m"})), ended, RULES)
    assert three is not None and three.context["with_measures"] == "yes"
    over = plan(status="followup", support_ended_at=ended, done=frozenset({"end", "2w", "1m", "3m", "6m"}))
    assert next_due(over, ended, RULES) is None


def test_quiet_hours_hold_prompts_until_morning() -> None:
    from zoneinfo import ZoneInfo

    late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    assert after_quiet_hours(late, ZoneInfo("Europe/London"), RULES) == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    early = datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    assert after_quiet_hours(early, ZoneInfo("Europe/London"), RULES) == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert reminder_time(datetime(2026, 3, 2, 22, 0, tzinfo=UTC), "Europe/London", RULES) == \
        datetime(2026, 3, 3, 22, 0, tzinfo=UTC) + timedelta(hours=10)


def test_weekly_cap_defers_the_fourth_prompt() -> None:
    sent = [datetime(2026, 3, 2, h, 0, tzinfo=UTC) for h in (9, 10, 11)]
    at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert within_cap(at, sent, RULES) == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert within_cap(at, sent[:2], RULES) == at


def test_low_mood_brings_the_next_checkin_forward_once() -> None:
    low = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    soon = next_due(plan(done=frozenset({"baseline"}), last_recurring=low, low_mood_at=low), low, RULES)
    assert soon is not None and (soon.occasion, soon.due_at) == ("soon", datetime(2026, 3, 12, 10, 0, tzinfo=UTC))
    after = next_due(plan(done=frozenset({"baseline", "soon"}), last_recurring=low), low, RULES)
    assert after is not None and (after.occasion, after.due_at) == ("weekly", datetime(2026, 3, 16, 10, 0, tzinfo=UTC))
    off = next_due(plan(done=frozenset({"baseline"}), last_recurring=low, low_mood_at=low), low,
                   Rules(soon_after_low_mood_days=0))
    assert off is not None and off.occasion == "weekly"
