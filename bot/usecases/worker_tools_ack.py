"""/ack [name or #id]: the worker's open items (or one person's), each with its buttons — Acknowledge,
I've contacted them, Remind me tomorrow, Message them. The taps are ``bot.usecases.acknowledge``'s and
``bot.usecases.relay``'s; this only shows the items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from bot.core.escalation import urgency
from bot.store.models import Escalation, Person, Worker
from bot.usecases import access, caseload
from bot.usecases.digest_items import kind_label
from bot.usecases.item_buttons import item_keyboard
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import lookup, short_when

SHOWN = 20
ACTIONS = ("ack", "contacted", "tomorrow")


async def list_items(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/ack: every open item of the caller's (their own, or their people's); /ack <person>: that person's."""
    if words:
        named = await lookup(work, user_id, words, "ack", "worker_tools.ack_usage")
        if isinstance(named, str):
            work.send(chat_id, named)
            return
        caller: Worker = named.worker
        query = select(Escalation).where(Escalation.person_id == named.person.id)
        caseload.audit_worker(work.session, caller, "items_viewed", work.now, named.person)
    else:
        found = await access.worker(work, user_id, "ack")
        if isinstance(found, str):
            work.send(chat_id, found)
            return
        caller = found
        mine = select(Person.id).where(Person.worker_id == caller.id)
        query = select(Escalation).where(or_(Escalation.worker_id == caller.id, Escalation.person_id.in_(mine)))
        caseload.audit_worker(work.session, caller, "items_viewed", work.now)
    items = list((await work.session.execute(
        query.where(Escalation.status == "open").order_by(Escalation.opened_at, Escalation.id))).scalars())
    items.sort(key=lambda e: urgency(e.kind))
    if not items:
        work.send(chat_id, work.text(EN, "worker_tools.ack_none"))
        return
    work.send(chat_id, work.text(EN, "worker_tools.ack_heading", count=len(items)))
    for item in items[:SHOWN]:
        person = await work.session.get(Person, item.person_id)
        if person is not None:
            work.send(chat_id, _line(work, item, person), item_keyboard(work, item, person))
    if len(items) > SHOWN:
        work.send(chat_id, work.text(EN, "worker_tools.ack_more", more=len(items) - SHOWN))


def _line(work: Work, item: Escalation, person: Person) -> str:
    snoozed = item.snoozed_until is not None and item.snoozed_until > work.now
    return work.text(EN, "worker_tools.ack_item", kind=kind_label(work, item.kind),
                     name=person.display_name, id=person.id, since=short_when(work.services, item.opened_at),
                     snoozed=short_when(work.services, item.snoozed_until) if snoozed else None)
