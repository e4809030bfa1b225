"""The person's own controls: /time, /pause, /resume and /language (stopping is ``bot.usecases.controls_stop``,
coming back ``bot.usecases.controls_back``).

Only a member who has finished joining can use them: someone still joining is asked to finish first, and
anyone else gets the reply any other text gets (nothing is stored). Each command queues its question with
buttons carrying ``ct:<kind>:<nonce>:<value>`` (see ``bot.core.buttons``); the taps are handled in
``bot.usecases.controls_taps`` and the state in ``bot.usecases.controls_state``.
"""

from __future__ import annotations

from bot.core import buttons
from bot.delivery.outbox import grid
from bot.store.models import Person
from bot.usecases import controls_state as state
from bot.usecases import everyone_else
from bot.usecases.controls_state import pause_end as pause_end
from bot.usecases.enrolment import person_for_user
from bot.usecases.wording import local_when
from bot.usecases.work import Work


async def not_member(work: Work, person: Person | None, user_id: int, chat_id: int) -> None:
    """Someone still joining is asked to finish first; anyone else gets the reply any other text gets."""
    if person is not None and person.onboarding is not None:
        work.send(chat_id, work.text(person.locale, "controls.joining"))
    else:
        await everyone_else.reply_to_text(work, user_id, chat_id)


async def _member(work: Work, user_id: int, chat_id: int, kind: state.Kind) -> tuple[Person, str] | None:
    """A member who has finished joining and the nonce of a fresh ``kind`` prompt; anyone else is answered."""
    person = await person_for_user(work.session, user_id)
    if person is None or person.onboarding is not None:
        await not_member(work, person, user_id, chat_id)
        return None
    return person, await state.new_prompt(work.session, kind, person.id)


async def _offer(work: Work, user_id: int, chat_id: int, kind: state.Kind, choices: list[tuple[str, str]],
                 per_row: int, *, not_when_stopped: bool = False) -> None:
    """Queue the ``kind`` control's question with one button per (label key, value) choice."""
    member = await _member(work, user_id, chat_id, kind)
    if member is None:
        return
    person, nonce = member
    loc = person.locale
    if not_when_stopped and person.status == "stopped":
        work.send(chat_id, work.text(loc, "controls.stopped_hint"))
        return
    options = [(work.text(loc, label), buttons.control(kind, nonce, value)) for label, value in choices]
    ask = "controls.time.ask_day" if kind == "time" else f"controls.{kind}.ask"
    work.send(chat_id, work.text(loc, ask), grid(options, per_row))


async def ask_time(work: Work, user_id: int, chat_id: int) -> None:
    """/time: ask for the day (then, as they tap, the time and how often)."""
    await _offer(work, user_id, chat_id, "time", [(f"common.days.{d}", f"d:{d}") for d in range(7)], 3)


async def ask_pause(work: Work, user_id: int, chat_id: int) -> None:
    """/pause: offer 1 week, 2 weeks, 1 month, until I say, or never mind."""
    choices = [(f"controls.pause.{label}", value) for value, label in state.PAUSE_LABELS.items()]
    await _offer(work, user_id, chat_id, "pause", choices, 2, not_when_stopped=True)


async def resume(work: Work, user_id: int, chat_id: int) -> None:
    """/resume: a paused person's check-ins start again at once, and their worker is told."""
    done = await state.resume(work, user_id)
    person = done.person
    if done.result == "unknown" or person is None:
        await not_member(work, person, user_id, chat_id)
        return
    loc = person.locale
    if done.result != "done":
        key = "controls.stopped_hint" if person.status == "stopped" else "controls.resume.not_paused"
        work.send(chat_id, work.text(loc, key))
        return
    if done.next_due is None:
        work.send(chat_id, work.text(loc, "controls.resume.done_no_next"))
    else:
        when = local_when(work, loc, done.next_due, person.timezone)
        work.send(chat_id, work.text(loc, "controls.resume.done", when=when))
    if done.worker_chat is not None:
        work.send(done.worker_chat, work.text("en", "controls.resume.worker", name=person.display_name))


async def ask_language(work: Work, user_id: int, chat_id: int) -> None:
    """/language: English or Cymraeg."""
    choices = [(f"common.language_names.{code}", code) for code in state.LANGUAGES]
    await _offer(work, user_id, chat_id, "language", choices, 2)


__all__ = ["ask_language", "ask_pause", "ask_time", "not_member", "pause_end", "resume"]
