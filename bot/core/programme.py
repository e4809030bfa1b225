"""When each check-in falls due: the programme rules, pure (the caller passes ``now`` and the history).

During support a recurring check-in runs on the person's day and time (weekly or fortnightly), kept
off the eve of an appointment with their link worker; after support ends there is an end-of-support
check-in, then follow-ups at fixed milestones. Pauses postpone, quiet hours and a weekly cap hold
prompts back, and everything is computed in the person's own time zone (DST-safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.schedule import local_to_utc, next_weekly


@dataclass(frozen=True)
class Milestone:
    """A follow-up check-in a number of days after support ends (e.g. ``3m`` at 91 days)."""

    name: str
    days: int
    measures: bool = False


@dataclass(frozen=True)
class Rules:
    """A service's programme, from the ``[programme]`` section of the config."""

    baseline: bool = True
    reminder_after_hours: int = 24
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    max_prompts_per_week: int = 3
    session_guard_hours: int = 36
    soon_after_low_mood_days: int = 3
    low_mood_at_most: int = 2
    milestones: tuple[Milestone, ...] = (
        Milestone("2w", 14), Milestone("1m", 30), Milestone("3m", 91, True), Milestone("6m", 182, True),
    )


@dataclass(frozen=True)
class Plan:
    """What the rules need to know about one person."""

    status: str
    timezone: str
    weekday: int
    at: time
    frequency: str
    joined_at: datetime
    support_ended_at: datetime | None = None
    paused_until: datetime | None = None
    last_recurring: datetime | None = None
    done: frozenset[str] = frozenset()
    appointments: tuple[datetime, ...] = ()
    recent_prompts: tuple[datetime, ...] = ()
    low_mood_at: datetime | None = None


@dataclass(frozen=True)
class Due:
    """The next check-in to schedule: which flow, when, and why (``occasion``)."""

    flow_id: str
    due_at: datetime
    occasion: str
    context: dict[str, str] = field(default_factory=dict)


def in_quiet_hours(moment: datetime, zone: ZoneInfo, rules: Rules) -> bool:
    """Whether ``moment`` falls in the service's quiet hours, local time."""
    local = moment.astimezone(zone).time()
    if rules.quiet_start <= rules.quiet_end:
        return rules.quiet_start <= local < rules.quiet_end
    return local >= rules.quiet_start or local < rules.quiet_end


def after_quiet_hours(moment: datetime, zone: ZoneInfo, rules: Rules) -> datetime:
    """``moment``, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(moment, zone, rules):
        return moment
    local = moment.astimezone(zone)
    end = local_to_utc(local, rules.quiet_end, zone)
    return end if end > moment else local_to_utc(local + timedelta(days=1), rules.quiet_end, zone)


def within_cap(moment: datetime, recent: Sequence[datetime], rules: Rules) -> datetime:
    """The earliest time at or after ``moment`` when fewer than the weekly cap of prompts were sent."""
    window = timedelta(days=7)
    sent = sorted(recent)
    while True:
        in_window = [t for t in sent if moment - window < t <= moment]
        if len(in_window) < rules.max_prompts_per_week:
            return moment
        moment = in_window[0] + window


def _on_day(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    return local_to_utc(day.astimezone(zone), at, zone)


def _clear_of_sessions(candidate: datetime, plan: Plan, zone: ZoneInfo, rules: Rules) -> datetime:
    """Move a recurring check-in off an appointment's eve: to the day after the appointment instead."""
    guard = timedelta(hours=rules.session_guard_hours)
    for appointment in sorted(plan.appointments):
        if appointment - guard <= candidate <= appointment + timedelta(hours=12):
            candidate = _on_day(appointment + timedelta(days=1), plan.at, zone)
    return candidate


def _recurring(plan: Plan, now: datetime, zone: ZoneInfo, rules: Rules) -> datetime:
    period = timedelta(days=14 if plan.frequency == "fortnightly" else 7)
    if plan.last_recurring is not None:
        earliest = max(now, plan.last_recurring + period - timedelta(days=1))
    elif rules.baseline:
        earliest = max(now, plan.joined_at + timedelta(days=3))  # a few days' rest after the baseline
    else:
        earliest = now
    if plan.paused_until is not None:
        earliest = max(earliest, plan.paused_until)
    candidate = next_weekly(earliest, plan.weekday, plan.at, plan.timezone)
    return _clear_of_sessions(candidate, plan, zone, rules)


def _soon_after_low_mood(plan: Plan, zone: ZoneInfo, rules: Rules) -> datetime | None:
    """An extra, earlier check-in a few days after a low mood (once per low answer)."""
    if plan.low_mood_at is None or rules.soon_after_low_mood_days == 0:
        return None
    return _on_day(plan.low_mood_at + timedelta(days=rules.soon_after_low_mood_days), plan.at, zone)


def _milestone(plan: Plan, now: datetime, zone: ZoneInfo, rules: Rules) -> Due | None:
    assert plan.support_ended_at is not None
    start = max(now, plan.paused_until or now)
    if "end" not in plan.done:
        return Due("end_of_support", start, "end")
    for milestone in rules.milestones:
        if milestone.name in plan.done:
            continue
        due = _on_day(plan.support_ended_at + timedelta(days=milestone.days), plan.at, zone)
        context = {"milestone": milestone.name, "with_measures": "yes" if milestone.measures else "no"}
        return Due("followup", max(due, start), milestone.name, context)
    return None


def next_due(plan: Plan, now: datetime, rules: Rules) -> Due | None:
    """The person's next check-in, or None (paused indefinitely, stopped, or the programme is over)."""
    zone = ZoneInfo(plan.timezone)
    if plan.status == "active":
        if rules.baseline and "baseline" not in plan.done:
            due = Due("baseline", max(now, plan.paused_until or now), "baseline")
        else:
            due = Due("weekly", _recurring(plan, now, zone, rules), "weekly")
            soon = _soon_after_low_mood(plan, zone, rules)
            if soon is not None and soon < due.due_at:
                due = Due("weekly", max(soon, now, plan.paused_until or now), "soon")
    elif plan.status == "followup" and plan.support_ended_at is not None:
        found = _milestone(plan, now, zone, rules)
        if found is None:
            return None
        due = found
    else:
        return None
    moment = within_cap(after_quiet_hours(due.due_at, zone, rules), plan.recent_prompts, rules)
    moment = after_quiet_hours(moment, zone, rules)
    return Due(due.flow_id, moment, due.occasion, due.context)


def reminder_time(sent_at: datetime, timezone: str, rules: Rules) -> datetime:
    """When to send the one gentle reminder for a check-in sent at ``sent_at``."""
    zone = ZoneInfo(timezone)
    return after_quiet_hours(sent_at + timedelta(hours=rules.reminder_after_hours), zone, rules)
