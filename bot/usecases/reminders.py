"""Open check-ins over time: one gentle reminder (the current question again, once), then expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.flows import engine
from bot.core.programme import reminder_time
from bot.store.claims import claim_one
from bot.store.models import CheckIn, Person
from bot.usecases import checkins, prompts
from bot.usecases.programme import replan
from bot.usecases.work import Work


async def remind_due(work: Work, limit: int) -> int:
    """Queue the reminder for every open check-in whose reminder time has come; returns how many.

    Each is claimed (``reminded_at`` set) in the transaction that queues it; the earlier copy of the
    question loses its buttons, so only one live copy stands in the chat.
    """
    rules = work.services.programme
    earliest_sent = work.now - timedelta(hours=rules.reminder_after_hours)
    rows = (await work.session.execute(
        select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id).where(
            CheckIn.status == "open", CheckIn.reminded_at.is_(None), CheckIn.sent_at <= earliest_sent,
            CheckIn.closes_at > work.now, Person.status.in_(("active", "followup")), Person.chat_id.is_not(None))
        .order_by(CheckIn.sent_at).limit(limit)
    )).all()
    queued = 0
    for checkin, person in rows:
        assert checkin.sent_at is not None and person.chat_id is not None
        if reminder_time(checkin.sent_at, person.timezone, rules) > work.now:
            continue
        flow = work.services.flows.get(checkin.flow_id)
        ask = None if flow is None or checkin.state is None else engine.current_ask(
            flow, engine.FlowState.from_dict(checkin.state))
        if flow is None or ask is None:
            continue
        if not await claim_one(work.session, CheckIn, [CheckIn.id == checkin.id, CheckIn.reminded_at.is_(None),
                                                       CheckIn.status == "open"], {"reminded_at": work.now}):
            continue
        question = prompts.question(work.services, person.locale, checkin.id, flow, ask,
                                    checkins.flow_context(person, checkin))
        work.unbutton(person.chat_id, checkin.message_id)
        work.send(person.chat_id, work.text(person.locale, "ui.reminder"))
        work.send(person.chat_id, question.text, question.keyboard, checkin_id=checkin.id)
        queued += 1
    return queued


async def expire_due(work: Work, limit: int) -> int:
    """Close open check-ins past their closing time (they count as missed) and plan the next."""
    rows = (await work.session.execute(
        select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id)
        .where(CheckIn.status == "open", CheckIn.closes_at <= work.now).limit(limit)
        .with_for_update(of=CheckIn, skip_locked=True)  # another instance's sweep takes the others
    )).all()
    for checkin, person in rows:
        checkin.status = "expired"
        checkin.closed_at = work.now
        await work.session.flush()
        await replan(work.session, person, work.now, work.services.programme)
    return len(rows)
