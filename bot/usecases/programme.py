"""Carrying out the programme rules: each person has at most one scheduled check-in row, re-planned
whenever something changes (joined, answered, expired, preferences, pause, appointment, discharge)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.programme import Milestone, Plan, Rules, next_due
from bot.core.schedule import parse_hhmm
from bot.store.models import Answer, Appointment, AuditEvent, CheckIn, Person

SENT = ("open", "answered", "expired", "failed")


def rules_from(settings: Settings) -> Rules:
    """The pure rules from the ``[programme]`` config section."""
    p = settings.programme
    return Rules(
        baseline=p.baseline, reminder_after_hours=p.reminder_after_hours, quiet_start=p.quiet_hours[0],
        quiet_end=p.quiet_hours[1], max_prompts_per_week=p.max_prompts_per_week,
        session_guard_hours=p.session_guard_hours, soon_after_low_mood_days=p.soon_after_low_mood_days,
        milestones=tuple(Milestone(m.name, m.days, m.measures) for m in p.milestones),
    )


async def plan_for(session: AsyncSession, person: Person, now: datetime, low_mood_at_most: int = 2) -> Plan:
    """Gather what the rules need about ``person`` from the database."""
    history = (await session.execute(
        select(CheckIn.id, CheckIn.flow_id, CheckIn.status, CheckIn.due_at, CheckIn.sent_at, CheckIn.context)
        .where(CheckIn.person_id == person.id, CheckIn.status != "cancelled")
    )).all()

    def occasion(row: Any) -> str:
        return str((row.context or {}).get("occasion", row.flow_id))

    sent = [row for row in history if row.status in SENT]
    done = frozenset(occasion(row) for row in sent)
    recurring = [row.due_at for row in sent if occasion(row) == "weekly"]
    recent = tuple(row.sent_at for row in history
                   if row.sent_at is not None and row.sent_at > now - timedelta(days=7))
    appointments = (await session.execute(
        select(Appointment.at).where(Appointment.person_id == person.id, Appointment.at > now,
                                     Appointment.status.in_(("booked", "confirmed", "change_requested")))
    )).scalars().all()
    return Plan(
        status=person.status, timezone=person.timezone, weekday=person.checkin_day,
        at=parse_hhmm(person.checkin_time), frequency=person.frequency,
        joined_at=person.joined_at or person.created_at, support_ended_at=person.support_ended_at,
        paused_until=person.paused_until, last_recurring=max(recurring) if recurring else None,
        done=done, appointments=tuple(appointments), recent_prompts=recent,
        low_mood_at=await _low_mood_needing_a_call_back(session, sent, low_mood_at_most),
    )


async def _low_mood_needing_a_call_back(session: AsyncSession, sent: list[Any], at_most: int) -> datetime | None:
    """When the latest weekly check-in with a low mood was sent, unless an earlier "soon" one followed it."""
    latest = max((row for row in sent if (row.context or {}).get("occasion") in ("weekly", "soon")),
                 key=lambda row: row.sent_at, default=None)
    if latest is None or (latest.context or {}).get("occasion") != "weekly":
        return None
    mood = await session.scalar(select(Answer.value).where(Answer.checkin_id == latest.id, Answer.result == "mood"))
    return latest.sent_at if mood is not None and mood.isdigit() and int(mood) <= at_most else None


async def replan(session: AsyncSession, person: Person, now: datetime, rules: Rules) -> CheckIn | None:
    """Cancel the person's not-yet-sent check-ins and schedule the next one the rules give.

    An open check-in is left alone; the new one waits for it to close before it is sent.
    A follow-up person with no milestones left completes the programme.
    """
    await session.execute(
        update(CheckIn).where(CheckIn.person_id == person.id, CheckIn.status == "scheduled")
        .values(status="cancelled", closed_at=now)
    )
    await session.flush()
    due = next_due(await plan_for(session, person, now, rules.low_mood_at_most), now, rules)
    if due is None:
        if person.status == "followup":
            person.status = "completed"
            session.add(AuditEvent(at=now, actor="system", action="programme_completed",
                                   worker_id=person.worker_id, person_id=person.id))
        return None
    checkin = CheckIn(person_id=person.id, flow_id=due.flow_id, status="scheduled", due_at=due.due_at,
                      context={"occasion": due.occasion, **due.context})
    session.add(checkin)
    return checkin


async def discharge(session: AsyncSession, person: Person, now: datetime, rules: Rules) -> CheckIn | None:
    """End support: the person moves to follow-up (end-of-support check-in, then the milestones).

    Someone paused, stopped or unreachable keeps that status; follow-up begins if and when they return.
    """
    person.support_ended_at = now
    if person.status == "paused":
        person.status_before_pause = "followup"
    elif person.status == "active":
        person.status = "followup"
    session.add(AuditEvent(at=now, actor=f"worker:{person.worker_id}", action="discharged",
                           worker_id=person.worker_id, person_id=person.id))
    return await replan(session, person, now, rules)


async def resume_finished_pauses(session: AsyncSession, now: datetime, rules: Rules) -> int:
    """Bring back everyone whose pause has ended (their next check-in is planned from now)."""
    people = (await session.execute(
        select(Person).where(Person.status == "paused", Person.paused_until.is_not(None),
                             Person.paused_until <= now)
        .with_for_update(of=Person, skip_locked=True)  # another instance's sweep takes the others
    )).scalars().all()
    for person in people:
        person.status = person.status_before_pause or "active"
        person.paused_until = None
        person.status_before_pause = None
        await replan(session, person, now, rules)
    return len(people)

