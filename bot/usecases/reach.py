"""Whether Telegram lets us reach a person: they blocked the bot (or the chat is gone), or unblocked it.

Both ways in lead to ``unreachable``: a send that Telegram refused (403, "chat not found"; the drain's
callback) and a ``my_chat_member`` update saying they blocked the bot. The status they had is kept in the
``unreachable`` escalation's evidence (``before``).

Unblocking (``unblocked``) is not a message: nothing is sent to them, since they have said nothing. But
they chose to open the chat again, so their status returns to what it was before (active, follow-up,
paused with the same pause, or still joining), their check-ins are planned again from now as usual, the
``unreachable`` escalation closes and their worker is told. /start also brings back someone unreachable
(``bot.usecases.controls_back``), and says so.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from bot.delivery.outbox import cancel_chat
from bot.store.models import CheckIn, Person
from bot.usecases import controls_state as state
from bot.usecases.escalations import close_escalations, open_escalation, raise_escalation
from bot.usecases.programme import replan
from bot.usecases.work import Work

log = logging.getLogger("bot.reach")
HOW = {"send": "a send was refused (blocked, or the chat is gone)", "blocked": "they blocked the bot"}


async def _person_in(work: Work, chat_id: int) -> Person | None:
    return (await work.session.execute(select(Person).where(Person.chat_id == chat_id))).scalar_one_or_none()


async def unreachable(work: Work, chat_id: int, how: str = "send") -> bool:
    """Mark the person in ``chat_id`` unreachable, close their open check-in, raise an escalation and tell
    their worker; ``how`` we know (``send`` or ``blocked``). Nothing more is queued to them; /start (or
    unblocking) brings them back. False if nobody changed (a stranger, or someone who stopped or is
    already unreachable)."""
    person = await _person_in(work, chat_id)
    await cancel_chat(work.session, chat_id, work.now, "chat unreachable")
    if person is None or person.status in ("unreachable", "stopped"):
        return False
    before = person.status
    person.status = "unreachable"
    await work.session.execute(update(CheckIn).where(CheckIn.person_id == person.id, CheckIn.status == "open")
                               .values(status="failed", closed_at=work.now))
    await raise_escalation(work.session, person, "unreachable", {"chat": HOW.get(how, how), "before": before},
                           work.now)
    log.info("person %s cannot be reached (%s); marked unreachable", person.id, how)
    worker_chat = state.worker_chat(person)
    if worker_chat is not None:
        work.send(worker_chat, work.text("en", "worker.unreachable", name=person.display_name))
    return True


async def unblocked(work: Work, chat_id: int) -> bool:
    """The person in ``chat_id`` unblocked the bot: back to the status they had, their worker told, nothing
    sent to them. False (nothing changed) unless they were unreachable."""
    session = work.session
    person = await _person_in(work, chat_id)
    if person is None or person.status != "unreachable":
        return False
    person.status = await _before(work, person)
    if person.status == "paused" and person.status_before_pause == "active" and person.support_ended_at:
        person.status_before_pause = "followup"  # discharged while unreachable
    state.audit(session, person, "unblocked", work.now)
    await close_escalations(session, person, ("unreachable",), work.now, "they unblocked the bot")
    await session.flush()
    if person.onboarding is None:
        await replan(session, person, work.now, work.services.programme)
    log.info("person %s unblocked the bot; status %s again", person.id, person.status)
    worker_chat = state.worker_chat(person)
    if worker_chat is not None:
        key = "controls.reach.unblocked_joining" if person.onboarding is not None else "controls.reach.unblocked"
        work.send(worker_chat, work.text("en", key, name=person.display_name))
    return True


async def _before(work: Work, person: Person) -> str:
    """The status ``person`` had before they became unreachable (as a running status if support has ended)."""
    if person.onboarding is not None:
        return "invited"
    escalation = await open_escalation(work.session, person.id, "unreachable")
    items = escalation.evidence.get("items", []) if escalation is not None else []
    before = next((str(item["before"]) for item in reversed(items) if item.get("before")), None)
    if before in ("paused", "completed"):
        return before
    return state.running_status(person)
