"""Check-ins in the database: scheduling the next one, opening it, and recording answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.flows import engine
from bot.core.flows.model import CONTEXT_KEYS, Flow
from bot.core.programme import Rules
from bot.store.db import Database
from bot.store.models import Answer, CheckIn, Person, Score
from bot.usecases.escalations import raise_escalation
from bot.usecases.programme import replan


def flow_context(person: Person, checkin: CheckIn) -> dict[str, str]:
    """What a flow may know (``only_if`` and templates): the goal, the activity, the follow-up milestone.

    Unset values are empty strings, which conditions treat as "no value".
    """
    occasion = checkin.context or {}
    known = {"goal": person.goal or "", "activity": person.activity or "", "milestone": "", "with_measures": "no"}
    return {key: str(occasion.get(key, known[key])) for key in CONTEXT_KEYS}


@dataclass(frozen=True)
class Opened:
    """A check-in claimed for sending, with what to show first."""

    checkin_id: int
    person_id: int
    chat_id: int
    locale: str
    flow: Flow
    context: Mapping[str, str]
    effects: Sequence[Any]
    attempts: int


async def claim(db: Database, flows: Mapping[str, Flow], checkin_id: int, now: datetime,
                open_hours: int) -> Opened | None:
    """Claim one due check-in for sending (a conditional state change: only one claimer wins)."""
    async with db.session() as session:
        checkin = await session.get(CheckIn, checkin_id)
        if checkin is None or checkin.status != "scheduled":
            return None
        person = await session.get(Person, checkin.person_id)
        if person is None or person.status not in ("active", "followup") or person.chat_id is None:
            await session.execute(update(CheckIn).where(CheckIn.id == checkin_id, CheckIn.status == "scheduled")
                                  .values(status="cancelled", closed_at=now))
            return None
        flow = flows[checkin.flow_id]
        busy = await session.execute(select(CheckIn.id).where(
            CheckIn.person_id == person.id, CheckIn.status == "open").limit(1))
        if busy.first() is not None:
            return None  # a check-in that falls due while another is open waits for it to close
        context = flow_context(person, checkin)
        state, effects = engine.start(flow, context)
        claimed: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            update(CheckIn).where(CheckIn.id == checkin_id, CheckIn.status == "scheduled").values(
                status="open", sent_at=now, closes_at=now + timedelta(hours=open_hours),
                attempts=CheckIn.attempts + 1, state=state.to_dict(),
            )
        )
        if claimed.rowcount != 1:
            return None
        return Opened(checkin_id, person.id, person.chat_id, person.locale, flow, context, effects,
                      checkin.attempts + 1)


async def requeue(db: Database, checkin_id: int, due: datetime) -> None:
    """Put a check-in whose send certainly failed back in the queue for ``due``."""
    async with db.session() as session:
        await session.execute(update(CheckIn).where(CheckIn.id == checkin_id, CheckIn.status == "open")
                              .values(status="scheduled", due_at=due, state=None, sent_at=None,
                                      closes_at=None))


async def shown(db: Database, checkin_id: int, message_id: int) -> None:
    """Remember which message carries the check-in's current question."""
    async with db.session() as session:
        await session.execute(update(CheckIn).where(CheckIn.id == checkin_id).values(message_id=message_id))


Outcome = Literal["not_found", "closed", "stale", "recorded"]


@dataclass(frozen=True)
class Answered:
    """What one answer did, after it was committed."""

    outcome: Outcome
    locale: str = "en"
    flow: Flow | None = None
    context: Mapping[str, str] | None = None
    effects: Sequence[Any] = ()
    step_id: str = ""
    checkin_id: int = 0


async def answer(db: Database, flows: Mapping[str, Flow], rules: Rules, user_id: int, checkin_id: int | None,
                 event_for: Any, now: datetime) -> Answered:
    """Apply one event to a person's check-in (their open one if ``checkin_id`` is None) and commit it.

    ``event_for(flow, state)`` builds the engine event, or returns None when it does not fit the step.
    """
    async with db.session() as session:
        query = select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id).where(
            Person.telegram_user_id == user_id)
        if checkin_id is None:
            query = query.where(CheckIn.status == "open").order_by(CheckIn.sent_at.desc()).limit(1)
        else:
            query = query.where(CheckIn.id == checkin_id)
        row = (await session.execute(query.with_for_update(of=CheckIn))).first()
        if row is None:
            return Answered("not_found")
        checkin, person = row
        if checkin.status != "open" or checkin.state is None:
            return Answered("closed", person.locale)
        flow = flows[checkin.flow_id]
        context = flow_context(person, checkin)
        state = engine.FlowState.from_dict(checkin.state)
        event = event_for(flow, state)
        if event is None:
            return Answered("stale", person.locale, flow, context, (), state.step_id or "", checkin.id)
        new_state, effects = engine.handle(flow, state, event, context)
        if new_state == state and all(isinstance(effect, engine.Ignored) for effect in effects):
            return Answered("stale", person.locale, flow, context, (), state.step_id or "", checkin.id)
        await _store_effects(session, checkin, person, effects, now)
        checkin.state = new_state.to_dict()
        if new_state.done:
            checkin.status = "answered"
            checkin.closed_at = now
            await session.flush()
            await replan(session, person, now, rules)
        return Answered("recorded", person.locale, flow, context, effects, state.step_id or "", checkin.id)


async def _store_effects(session: AsyncSession, checkin: CheckIn, person: Person, effects: Sequence[Any],
                   now: datetime) -> None:
    for effect in effects:
        if isinstance(effect, engine.Record):
            value = None if effect.value is None else str(effect.value)
            session.add(Answer(checkin_id=checkin.id, result=effect.result, value=value,
                               text=effect.raw_text, recorded_at=now))
        elif isinstance(effect, engine.Scored):
            session.add(Score(person_id=person.id, checkin_id=checkin.id, instrument=effect.instrument,
                              name=effect.name, total=effect.total, items=dict(effect.items),
                              occasion=str((checkin.context or {}).get("occasion", checkin.flow_id)),
                              recorded_at=now))
        elif isinstance(effect, engine.Escalate):
            await raise_escalation(session, person, effect.kind,
                                   {"rule": effect.rule, "checkin": checkin.id}, now)
