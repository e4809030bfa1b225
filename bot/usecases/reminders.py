"""One gentle reminder for a check-in left unanswered: the current question again, once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.core.flows import engine
from bot.core.flows.model import Flow
from bot.core.programme import reminder_time
from bot.services import Services
from bot.store.models import CheckIn, Person
from bot.telegram import prompts
from bot.telegram.send import send_html
from bot.usecases import checkins

log = logging.getLogger("bot.usecases.reminders")


async def remind(services: Services, bot: Bot, now: datetime) -> int:
    """Send the reminder for every open check-in whose reminder time has come; returns how many."""
    rules = services.programme
    earliest_sent = now - timedelta(hours=rules.reminder_after_hours)
    async with services.db.session() as session:
        rows = (await session.execute(
            select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id).where(
                CheckIn.status == "open", CheckIn.reminded_at.is_(None), CheckIn.sent_at <= earliest_sent,
                CheckIn.closes_at > now, Person.status.in_(("active", "followup")))
        )).all()
    sent = 0
    for checkin, person in rows:
        assert checkin.sent_at is not None
        if reminder_time(checkin.sent_at, person.timezone, rules) > now or person.chat_id is None:
            continue
        if await _remind_one(services, bot, checkin, person, now):
            sent += 1
    return sent


async def _remind_one(services: Services, bot: Bot, checkin: CheckIn, person: Person, now: datetime) -> bool:
    async with services.db.session() as session:
        claimed = await session.execute(update(CheckIn).where(
            CheckIn.id == checkin.id, CheckIn.reminded_at.is_(None), CheckIn.status == "open"
        ).values(reminded_at=now))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
    flow = services.flows[checkin.flow_id]
    ask = current_question(flow, checkin)
    if ask is None:
        return False
    context = checkins.flow_context(person, checkin)
    [question] = prompts.render(services, person.locale, checkin.id, flow, [ask], context)
    assert person.chat_id is not None
    try:
        if checkin.message_id is not None:
            try:
                await bot.edit_message_reply_markup(person.chat_id, checkin.message_id, reply_markup=None)
            except BadRequest:
                log.info("check-in %s: earlier question could not be tidied", checkin.id)
        await send_html(bot, person.chat_id, services.text(person.locale, "ui.reminder"))
        message = await send_html(bot, person.chat_id, question.text, question.markup)
    except (Forbidden, NetworkError) as exc:
        log.warning("check-in %s: reminder not sent (%s)", checkin.id, type(exc).__name__)
        return False
    await checkins.shown(services.db, checkin.id, message.message_id)
    return True


def current_question(flow: Flow, checkin: CheckIn) -> engine.Ask | None:
    """The question a reminder repeats: where the person is in the check-in now."""
    if checkin.state is None:
        return None
    return engine.current_ask(flow, engine.FlowState.from_dict(checkin.state))
