"""The state behind the person's own controls: when check-ins come, pausing, resuming, language.

Every change happens in the work's transaction together with ``programme.replan``, so the schedule always
follows the person's latest wishes. The buttons of each control carry a short random nonce; the newest
prompt of each kind is remembered in the ``meta`` table under ``ctl:<kind>:<person id>``, so a second
tap, or a tap on an older prompt, changes nothing. Nothing here says anything to anyone: the use cases in
``bot.usecases.controls`` and ``bot.usecases.controls_taps`` do. Stopping and coming back are in
``bot.usecases.controls_stop`` and ``bot.usecases.controls_back``.
"""

from __future__ import annotations

import calendar
import json
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.programme import Rules, next_due
from bot.core.schedule import local_to_utc
from bot.store.models import AuditEvent, Meta, Person
from bot.usecases.enrolment import person_for_user
from bot.usecases.programme import plan_for, replan
from bot.usecases.work import Work

Kind = Literal["time", "pause", "language", "stop"]
KINDS: tuple[Kind, ...] = ("time", "pause", "language", "stop")
FIRST_STAGE: dict[Kind, str] = {"time": "d", "pause": "x", "language": "x", "stop": "x"}
FREQUENCIES = ("weekly", "fortnightly")
PAUSES = ("1w", "2w", "1m", "open")
PAUSE_LABELS = {"1w": "one_week", "2w": "two_weeks", "1m": "one_month", "open": "open", "no": "never_mind"}
LANGUAGES = ("en", "cy")
RUNNING = ("active", "followup")


@dataclass(frozen=True)
class Changed:
    """What a tap or command did to ``person`` (as it now stands in the work's session).

    ``result`` is ``stale`` (changed nothing), ``unknown`` (not a member), ``invalid`` (data that
    fits no button), ``next`` (more to choose), ``cancelled``, ``not_running`` (nothing to pause or
    resume, e.g. stopped), or ``done``.
    """

    result: str
    person: Person | None = None
    next_due: datetime | None = None
    worker_chat: int | None = None


def prompt_key(kind: Kind, person_id: int) -> str:
    """Where the newest ``kind`` prompt's nonce for this person is kept in the ``meta`` table."""
    return f"ctl:{kind}:{person_id}"


def worker_chat(person: Person) -> int | None:
    """The chat of the person's worker, if they are active and on Telegram."""
    worker = person.worker
    return worker.telegram_user_id if worker is not None and worker.active else None


async def new_prompt(session: AsyncSession, kind: Kind, person_id: int) -> str:
    """Start a control's questions: a fresh nonce for its buttons makes every earlier prompt stale."""
    nonce = secrets.token_hex(4)
    state = json.dumps({"n": nonce, "s": FIRST_STAGE[kind]})
    row = await session.get(Meta, prompt_key(kind, person_id))
    if row is None:
        session.add(Meta(key=prompt_key(kind, person_id), value=state))
    else:
        row.value = state
    return nonce


async def _claim(
    session: AsyncSession, user_id: int, kind: Kind, nonce: str, stage: str
) -> tuple[Person | None, Meta | None, dict[str, Any]]:
    """The member and their prompt state, if the tap belongs to the newest prompt at this stage."""
    person = await person_for_user(session, user_id)
    if person is None or person.onboarding is not None:
        return None, None, {}
    row = await session.get(Meta, prompt_key(kind, person.id), with_for_update=True)
    if row is None:
        return person, None, {}
    state: dict[str, Any] = json.loads(row.value)
    if state.get("n") != nonce or state.get("s") != stage:
        return person, None, {}
    return person, row, state


def audit(session: AsyncSession, person: Person, action: str, now: datetime) -> None:
    """Record something the person did to their own check-ins."""
    session.add(AuditEvent(at=now, actor=f"person:{person.id}", action=action,
                           worker_id=person.worker_id, person_id=person.id))


async def choose_time(work: Work, choices: list[str], user_id: int, nonce: str, stage: str, value: str) -> Changed:
    """One /time tap: ``d`` (day 0–6), ``t`` (one of ``choices``), then ``f`` (weekly or fortnightly)."""
    session = work.session
    person, row, state = await _claim(session, user_id, "time", nonce, stage)
    if person is None:
        return Changed("unknown")
    if row is None:
        return Changed("stale", person)
    if stage == "d" and value.isdigit() and int(value) < 7:
        row.value = json.dumps({**state, "s": "t", "day": int(value)})
        return Changed("next", person)
    if stage == "t" and value in choices:
        row.value = json.dumps({**state, "s": "f", "time": value})
        return Changed("next", person)
    if stage == "f" and value in FREQUENCIES and "day" in state and "time" in state:
        await session.delete(row)
        person.checkin_day, person.checkin_time, person.frequency = state["day"], state["time"], value
        audit(session, person, "preferences_changed", work.now)
        await session.flush()
        planned = await replan(session, person, work.now, work.services.programme)
        return Changed("done", person, planned.due_at if planned else None)
    return Changed("invalid", person)


def pause_end(value: str, now: datetime, zone_name: str) -> datetime | None:
    """When a pause chosen at ``now`` ends: the start of the local day 1 or 2 weeks or a month ahead."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    if value == "open":
        return None
    if value == "1m":
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        target = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    else:
        target = today + timedelta(weeks=2 if value == "2w" else 1)
    return local_to_utc(datetime.combine(target, time(0, 0), tzinfo=zone), time(0, 0), zone)


async def choose_pause(work: Work, user_id: int, nonce: str, value: str) -> Changed:
    """A /pause tap: ``1w``, ``2w``, ``1m``, ``open`` (until /resume) or ``no`` (never mind)."""
    session, now, rules = work.session, work.now, work.services.programme
    person, row, _ = await _claim(session, user_id, "pause", nonce, "x")
    if person is None:
        return Changed("unknown")
    if row is None:
        return Changed("stale", person)
    if value not in (*PAUSES, "no"):
        return Changed("invalid", person)
    await session.delete(row)
    if value == "no":
        return Changed("cancelled", person)
    if person.status not in (*RUNNING, "paused"):
        return Changed("not_running", person)
    if person.status != "paused":
        person.status_before_pause = person.status
    person.status = "paused"
    person.paused_until = pause_end(value, now, person.timezone)
    audit(session, person, "paused", now)
    await session.flush()
    await replan(session, person, now, rules)
    return Changed("done", person, await _after_pause(session, person, now, rules), worker_chat(person))


async def _after_pause(session: AsyncSession, person: Person, now: datetime, rules: Rules) -> datetime | None:
    """When the first check-in after a dated pause will come, by the programme's own rules."""
    if person.paused_until is None:
        return None
    running = person.status_before_pause if person.status_before_pause in RUNNING else running_status(person)
    due = next_due(replace(await plan_for(session, person, now, rules.low_mood_at_most), status=running), now, rules)
    return due.due_at if due is not None else None


def running_status(person: Person) -> str:
    return "followup" if person.support_ended_at is not None else "active"


async def resume(work: Work, user_id: int) -> Changed:
    """/resume: a paused member's check-ins start again at once."""
    session = work.session
    person = await person_for_user(session, user_id)
    if person is None or person.onboarding is not None:
        return Changed("unknown", person)
    if person.status != "paused":
        return Changed("not_running", person)
    before = person.status_before_pause
    person.status = before if before in RUNNING else running_status(person)
    person.paused_until = None
    person.status_before_pause = None
    audit(session, person, "resumed", work.now)
    await session.flush()
    planned = await replan(session, person, work.now, work.services.programme)
    return Changed("done", person, planned.due_at if planned else None, worker_chat(person))


async def choose_language(work: Work, locales: tuple[str, ...], user_id: int, nonce: str, value: str) -> Changed:
    """A /language tap: the person's messages switch to ``value``."""
    person, row, _ = await _claim(work.session, user_id, "language", nonce, "x")
    if person is None:
        return Changed("unknown")
    if row is None:
        return Changed("stale", person)
    if value not in locales:
        return Changed("invalid", person)
    await work.session.delete(row)
    person.locale = value
    return Changed("done", person)
