"""Check-ins: opening a due one (its first question queued in the same transaction), and applying answers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import select

from bot.core.flows import engine
from bot.core.flows.model import CONTEXT_KEYS, Flow
from bot.store.claims import claim_one
from bot.store.models import Answer, CheckIn, Person, Score
from bot.usecases import low_scores, prompts
from bot.usecases.escalations import close_escalations, raise_escalation
from bot.usecases.programme import replan
from bot.usecases.work import Work

log = logging.getLogger("bot.checkins")

Opened = Literal["opened", "waiting", "cancelled", "failed", "gone"]
EventFor = Callable[[Flow, engine.FlowState], Any]


def flow_context(person: Person, checkin: CheckIn) -> dict[str, str]:
    """What a flow may know (``only_if`` and templates): the goal, the activity, the follow-up milestone.

    Unset values are empty strings, which conditions treat as "no value".
    """
    occasion = checkin.context or {}
    known = {"goal": person.goal or "", "activity": person.activity or "", "milestone": "", "with_measures": "no"}
    return {key: str(occasion.get(key, known[key])) for key in CONTEXT_KEYS}


def show(work: Work, person: Person, checkin: CheckIn, flow: Flow, effects: Sequence[Any],
         context: Mapping[str, str]) -> None:
    """Queue what a batch of flow effects shows the person; a question becomes the check-in's live one."""
    assert person.chat_id is not None
    for prompt in prompts.render(work.services, person.locale, checkin.id, flow, effects, context):
        work.send(person.chat_id, prompt.text, prompt.keyboard, checkin_id=checkin.id if prompt.asks else None)


async def open_due(work: Work, checkin_id: int) -> Opened:
    """Open one due check-in and queue its first question, claimed so that only one opener wins."""
    checkin = await work.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.status != "scheduled":
        return "gone"
    person = await work.session.get(Person, checkin.person_id)
    if person is None or person.status not in ("active", "followup") or person.chat_id is None:
        await claim_one(work.session, CheckIn, [CheckIn.id == checkin_id, CheckIn.status == "scheduled"],
                        {"status": "cancelled", "closed_at": work.now})
        return "cancelled"
    flow = work.services.flows.get(checkin.flow_id)
    if flow is None:  # the flow file was removed or renamed: this row fails alone, the rest go on
        log.error("check-in %s: flow %r is not loaded; marked failed", checkin_id, checkin.flow_id)
        await claim_one(work.session, CheckIn, [CheckIn.id == checkin_id, CheckIn.status == "scheduled"],
                        {"status": "failed", "closed_at": work.now})
        return "failed"
    busy = await work.session.execute(select(CheckIn.id).where(
        CheckIn.person_id == person.id, CheckIn.status == "open").limit(1))
    if busy.first() is not None:
        return "waiting"  # a check-in that falls due while another is open waits for it to close
    context = flow_context(person, checkin)
    state, effects = engine.start(flow, context)
    hours = work.services.settings.checkins.expire_after_hours
    if not await claim_one(work.session, CheckIn, [CheckIn.id == checkin_id, CheckIn.status == "scheduled"], {
        "status": "open", "sent_at": work.now, "closes_at": work.now + timedelta(hours=hours),
        "attempts": CheckIn.attempts + 1, "state": state.to_dict(),
    }):
        return "gone"
    show(work, person, checkin, flow, effects, context)
    return "opened"


async def fail(work: Work, checkin_id: int) -> Opened:
    """Mark a due check-in that cannot be opened as failed, so it stops holding up the queue."""
    await claim_one(work.session, CheckIn, [CheckIn.id == checkin_id, CheckIn.status == "scheduled"],
                    {"status": "failed", "closed_at": work.now})
    return "failed"


Outcome = Literal["not_found", "closed", "stale", "recorded"]


@dataclass(frozen=True)
class Answered:
    """What one answer did."""

    outcome: Outcome
    locale: str = "en"
    step_id: str = ""
    flow: Flow | None = None
    context: Mapping[str, str] | None = None
    effects: Sequence[Any] = ()
    person: Person | None = None
    checkin: CheckIn | None = None

    def show(self, work: Work) -> None:
        """Queue what the answer leads to: the next question, or thanks."""
        if self.person is not None and self.checkin is not None and self.flow is not None and self.context is not None:
            show(work, self.person, self.checkin, self.flow, self.effects, self.context)


async def answer(work: Work, user_id: int, checkin_id: int | None, event_for: EventFor, *,
                 answers_only: bool = False) -> Answered:
    """Apply one event to a person's check-in (their open one if ``checkin_id`` is None).

    What follows (the next question, or thanks) is queued by the caller with ``Answered.show``.

    ``event_for(flow, state)`` builds the engine event, or returns None when it does not fit the step.
    With ``answers_only``, text the step cannot take changes nothing and is not nudged (the caller has
    already answered it, e.g. as risk or distress).
    """
    query = select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id).where(
        Person.telegram_user_id == user_id)
    if checkin_id is None:
        query = query.where(CheckIn.status == "open").order_by(CheckIn.sent_at.desc()).limit(1)
    else:
        query = query.where(CheckIn.id == checkin_id)
    row = (await work.session.execute(query.with_for_update(of=CheckIn))).first()
    if row is None:
        return Answered("not_found")
    checkin, person = row
    flow = work.services.flows.get(checkin.flow_id)
    if checkin.status == "answered":  # a late second tap after the last answer: already noted
        return Answered("stale", person.locale)
    if checkin.status != "open" or checkin.state is None or flow is None:
        return Answered("closed", person.locale)
    context = flow_context(person, checkin)
    state = engine.FlowState.from_dict(checkin.state)
    event = event_for(flow, state)
    if event is None:
        return Answered("stale", person.locale, state.step_id or "", flow, context)
    new_state, effects = engine.handle(flow, state, event, context)
    if answers_only and any(isinstance(effect, engine.Nudge) for effect in effects):
        return Answered("stale", person.locale, state.step_id or "", flow, context)
    if new_state == state and all(isinstance(effect, engine.Ignored) for effect in effects):
        return Answered("stale", person.locale, state.step_id or "", flow, context)
    await _store_effects(work, checkin, person, effects)
    checkin.state = new_state.to_dict()
    if new_state.done:
        checkin.status = "answered"
        checkin.closed_at = work.now
        await work.session.flush()
        await replan(work.session, person, work.now, work.services.programme)
        await close_escalations(work.session, person, ("disengaged",), work.now, f"answered check-in {checkin.id}")
    return Answered("recorded", person.locale, state.step_id or "", flow, context, effects, person, checkin)


async def _store_effects(work: Work, checkin: CheckIn, person: Person, effects: Sequence[Any]) -> None:
    for effect in effects:
        if isinstance(effect, engine.Record):
            # Typed words are kept whole in ``text``; ``value`` holds an answer's value (an option, a number).
            value = None if effect.value is None or effect.free_text else str(effect.value)
            work.session.add(Answer(checkin_id=checkin.id, result=effect.result, value=value,
                                    text=effect.raw_text, recorded_at=work.now))
        elif isinstance(effect, engine.Scored):
            work.session.add(Score(person_id=person.id, checkin_id=checkin.id, instrument=effect.instrument,
                                   name=effect.name, total=effect.total, items=dict(effect.items),
                                   occasion=str((checkin.context or {}).get("occasion", checkin.flow_id)),
                                   recorded_at=work.now))
        elif isinstance(effect, engine.Escalate):
            trend = await low_scores.trend_evidence(work, person, checkin, effect)
            if trend is None:  # a rule that needs a trend the person's history does not show
                continue
            await raise_escalation(work.session, person, effect.kind,
                                   {"rule": effect.rule, "checkin": checkin.id, **trend}, work.now)
