"""When Telegram says a person cannot be reached (they blocked the bot, or the chat is gone)."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from bot.delivery.outbox import cancel_chat
from bot.store.models import CheckIn, Person
from bot.usecases.escalations import raise_escalation
from bot.usecases.work import Work

log = logging.getLogger("bot.reach")


async def unreachable(work: Work, chat_id: int) -> bool:
    """Mark the person in ``chat_id`` unreachable, close their open check-in, raise an escalation and tell
    their worker. Nothing more is queued to them; a new /start brings them back. False if nobody changed."""
    person = (await work.session.execute(select(Person).where(Person.chat_id == chat_id))).scalar_one_or_none()
    await cancel_chat(work.session, chat_id, work.now, "chat unreachable")
    if person is None or person.status in ("unreachable", "stopped"):
        return False
    person.status = "unreachable"
    await work.session.execute(update(CheckIn).where(CheckIn.person_id == person.id, CheckIn.status == "open")
                               .values(status="failed", closed_at=work.now))
    await raise_escalation(work.session, person, "unreachable", {"chat": "blocked or gone"}, work.now)
    log.info("person %s cannot be reached; marked unreachable", person.id)
    worker_chat = person.worker.telegram_user_id
    if worker_chat is not None:
        work.send(worker_chat, work.text("en", "worker.unreachable", name=person.display_name))
    return True
