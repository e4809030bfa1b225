"""Coming back: /start from someone who stopped, or whom Telegram could not reach (``GONE``).

/start is a clear wish to hear from us again, so a member's check-ins start again at once: active, or in
follow-up once their support has ended, any pause over; the next check-in is planned and they are told
when. Someone who stopped (or was lost) while joining carries on joining — from the consent question if
they had stopped. Either way their open ``stopped`` and ``unreachable`` escalations close and their worker
is told.
"""

from __future__ import annotations

from bot.store.models import Person
from bot.usecases import controls_state as state
from bot.usecases import joining
from bot.usecases.escalations import close_escalations
from bot.usecases.programme import replan
from bot.usecases.wording import local_when
from bot.usecases.work import Work

GONE = ("stopped", "unreachable")


async def come_back(work: Work, person: Person, chat_id: int) -> None:
    """Bring back ``person`` (whose status is one of ``GONE``), who sent /start in ``chat_id``."""
    session, now = work.session, work.now
    was = person.status
    person.chat_id = chat_id
    person.stopped_at = None
    state.audit(session, person, "restarted", now)
    await close_escalations(session, person, GONE, now, "they sent /start")
    worker = state.worker_chat(person)
    loc, name = person.locale, person.display_name
    if person.onboarding is not None:
        person.status = "invited"
        if worker is not None:
            work.send(worker, work.text("en", "controls.back.worker_joining", name=name))
        if person.onboarding == "consent":
            work.send(chat_id, work.text(loc, "onboarding.consent.again"))
        joining.ask(work, chat_id, person)
        return
    person.status = state.running_status(person)
    person.paused_until = None
    person.status_before_pause = None
    await session.flush()
    planned = await replan(session, person, now, work.services.programme)
    if person.status == "completed":
        work.send(chat_id, work.text(loc, "controls.back.completed", name=name))
    elif planned is None:
        work.send(chat_id, work.text(loc, "controls.back.done_no_next", name=name))
    else:
        when = local_when(work, loc, planned.due_at, person.timezone)
        work.send(chat_id, work.text(loc, "controls.back.done", name=name, when=when))
    if worker is not None:
        key = "controls.back.worker_completed" if person.status == "completed" else f"controls.back.worker_{was}"
        work.send(worker, work.text("en", key, name=name))
