"""Stopping, at any stage: /stop, the bare word STOP (or stopio), or a plain request such as "leave me alone".

Anyone the bot knows as a person can stop: a member, someone still joining, someone who declined consent.
A clear request (/stop, STOP, stopio) asks to confirm ("Yes, stop" / "No, keep going"); a plain-language
request, which is less certain, asks once ("Stop check-ins" / "Keep them"). Both carry
``ct:stop:<nonce>:<value>`` buttons.

A stop button stops at once, even on an older prompt (the person said so): status ``stopped``, anything
still waiting to be sent to them cancelled, their open check-in cancelled (its buttons go), nothing
scheduled, a ``stopped`` escalation raised (an ``unreachable`` one closes) and their worker told. Someone
still joining will be asked for consent again should they come back (``bot.usecases.controls_back``).
Any other tap — a keep button, or a stop button once they have stopped — changes nothing and says plainly
where they stand. Strangers get the reply any text gets.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.core import buttons
from bot.core import joining as joining_rules
from bot.delivery.outbox import cancel_chat, grid
from bot.store.models import CheckIn, Meta, Person
from bot.usecases import controls_state as state
from bot.usecases import everyone_else
from bot.usecases.enrolment import person_for_user
from bot.usecases.escalations import close_escalations, raise_escalation
from bot.usecases.programme import replan
from bot.usecases.work import Tap, Work

SURE = ("yes", "no")  # the buttons under a clear request's confirmation
UNSURE = ("stop", "keep")  # the buttons under a plain-language request's one question
STOPS = ("yes", "stop")


async def ask_stop(work: Work, user_id: int, chat_id: int) -> None:
    """/stop, STOP or stopio: ask to confirm before stopping everything."""
    await _ask(work, user_id, chat_id, sure=True)


async def ask_if_stop(work: Work, user_id: int, chat_id: int) -> None:
    """A plain request such as "please stop messaging me": ask once whether they want check-ins to stop."""
    await _ask(work, user_id, chat_id, sure=False)


async def _ask(work: Work, user_id: int, chat_id: int, *, sure: bool) -> None:
    person = await person_for_user(work.session, user_id)
    if person is None:
        await everyone_else.reply_to_text(work, user_id, chat_id)
        return
    loc = person.locale
    if person.status == "stopped":
        work.send(chat_id, work.text(loc, "controls.stop.already"))
        return
    nonce = await state.new_prompt(work.session, "stop", person.id)
    options = [(work.text(loc, f"controls.stop.{value}"), buttons.control("stop", nonce, value))
               for value in (SURE if sure else UNSURE)]
    work.send(chat_id, work.text(loc, "controls.stop.ask" if sure else "controls.stop.ask_unsure"), grid(options, 2))


async def choose(work: Work, user_id: int, chat_id: int, message_id: int | None, shown: str, nonce: str,
                 value: str) -> Tap:
    """A tap on a stop question's button; ``shown`` is the tapped message's text as HTML."""
    session = work.session
    person = await person_for_user(session, user_id)
    if person is None or value not in (*SURE, *UNSURE):
        return Tap(work.text("en", "common.unknown_button"))
    row = await session.get(Meta, state.prompt_key("stop", person.id), with_for_update=True)
    fresh = row is not None and json.loads(row.value).get("n") == nonce
    stopping = value in STOPS and person.status != "stopped"
    if row is not None and (fresh or stopping):
        await session.delete(row)  # every stop question still showing is now stale
    joining = person.onboarding is not None
    if stopping:
        await stop(work, person)  # first: it cancels whatever was still waiting to go to them
    loc, reply_to = person.locale, person.chat_id or user_id
    if (fresh or stopping) and message_id is not None:
        choice = work.text(loc, f"controls.stop.{value}")
        work.edit(chat_id, message_id, f"{shown}\n\n{work.text(loc, 'controls.stop.chosen', choice=choice)}")
    else:
        work.unbutton(chat_id, message_id)
    if stopping:
        work.send(reply_to, work.text(loc, "controls.stop.done_joining" if joining else "controls.stop.done"))
        worker = state.worker_chat(person)
        if worker is not None:
            key = "controls.stop.worker_joining" if joining else "controls.stop.worker"
            work.send(worker, work.text("en", key, name=person.display_name))
    elif person.status == "stopped":
        work.send(reply_to, work.text(loc, "controls.stop.already"))
    else:
        work.send(reply_to, work.text(loc, "controls.stop.kept_joining" if joining else "controls.stop.kept"))
    return Tap()


async def stop(work: Work, person: Person) -> None:
    """Stop everything for ``person`` (nothing is said to anyone here)."""
    session, now = work.session, work.now
    joining = person.onboarding is not None
    if person.chat_id is not None:
        await cancel_chat(session, person.chat_id, now, "asked to stop")
    person.status = "stopped"
    person.stopped_at = now
    person.paused_until = None
    person.status_before_pause = None
    if joining:
        person.onboarding = joining_rules.STEPS[0]  # stopping withdraws consent: asked again on coming back
    opened = (await session.execute(
        select(CheckIn).where(CheckIn.person_id == person.id, CheckIn.status == "open")
    )).scalars().all()
    for checkin in opened:
        checkin.status, checkin.closed_at = "cancelled", now
        if person.chat_id is not None:
            work.unbutton(person.chat_id, checkin.message_id)
    state.audit(session, person, "stopped", now)
    await close_escalations(session, person, ("unreachable",), now, "they asked to stop")
    await raise_escalation(session, person, "stopped", {"by": "person", "joining": joining}, now)
    await session.flush()
    await replan(session, person, now, work.services.programme)
