"""Everything else: text nothing is waiting for, media we cannot read, buttons we no longer know.

Kind replies only: nothing about a stranger is stored.
"""

from __future__ import annotations

from bot.usecases.enrolment import person_for_user, worker_for_user
from bot.usecases.work import Tap, Work


async def _locale(work: Work, user_id: int) -> str | None:
    """The language to answer in, or None for someone who is neither a person nor a worker here."""
    person = await person_for_user(work.session, user_id)
    if person is not None:
        return person.locale
    return "en" if await worker_for_user(work.session, user_id) is not None else None


HINTS = {"stopped": "controls.stopped_hint", "unreachable": "controls.unreachable_hint"}


async def reply_to_text(work: Work, user_id: int, chat_id: int) -> None:
    """Answer free text (or a command) no one is waiting for; strangers learn how to join, and someone who
    stopped (or whom we could not reach) how to come back."""
    person = await person_for_user(work.session, user_id)
    if person is not None and person.status in HINTS:
        work.send(chat_id, work.text(person.locale, HINTS[person.status]))
        return
    if person is None and await worker_for_user(work.session, user_id) is not None:
        work.send(chat_id, work.text("en", "worker_tools.hint"))  # workers get the workers' hint
        return
    locale = person.locale if person is not None else await _locale(work, user_id)
    if locale is None:
        work.send(chat_id, work.text("en", "enrol.not_enrolled"))
    else:
        work.send(chat_id, work.text(locale, "common.help_hint"))


async def reply_to_media(work: Work, user_id: int, chat_id: int) -> None:
    """Answer stickers, voice notes, photos and files politely: only text and taps are read."""
    locale = await _locale(work, user_id)
    work.send(chat_id, work.text(locale or "en", "common.media_only"))


async def unknown_button(work: Work) -> Tap:
    """A tap on a button whose data we do not recognise: a notice, nothing changes."""
    return Tap(work.text("en", "common.unknown_button"))
