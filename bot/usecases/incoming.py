"""Whatever someone types (or captions) in a private chat: who is writing decides where it goes.

- A worker's text is theirs to route (a note for the safeguarding log, a message to a person, or help).
- Everything else is screened first (:mod:`bot.usecases.safety`): risk and distress are answered and raised
  before anything else reads the text. Then a person's text goes to their open conversation with their
  worker, if any, else to their check-in; a stranger's gets the not-enrolled reply when nothing was flagged.
"""

from __future__ import annotations

from bot.usecases import answers, everyone_else, passing_on, relay, safety, worker_text
from bot.usecases.enrolment import person_for_user, worker_for_user
from bot.usecases.work import Work


async def text(work: Work, user_id: int, chat_id: int, text: str, username: str | None = None) -> None:
    """A typed message from ``user_id`` in their private chat ``chat_id``."""
    person = await person_for_user(work.session, user_id)
    if person is None and (worker := await worker_for_user(work.session, user_id)) is not None:
        await worker_text.typed(work, worker, chat_id, text)
        return
    screening = safety.screen(work, text)
    if person is not None:
        person.last_message_at = work.now
    if person is None:
        if not await safety.respond_stranger(work, user_id, username, chat_id, text, screening):
            await everyone_else.reply_to_text(work, user_id, chat_id)
        return
    await safety.respond_person(work, person, chat_id, text, screening)  # risk also sets the check-in aside
    if await relay.from_person(work, person, chat_id, text):
        return  # in a conversation with their worker: it goes to the worker, not to the check-in
    if screening.level == "risk":
        return
    took = await answers.typed(work, user_id, chat_id, text, answered=screening.flagged)
    if took == "answer" or screening.flagged:
        return
    if took == "nudged":
        await passing_on.note(work, person, text)  # nudged back to the question; the worker still sees it
    elif not await passing_on.pass_on(work, person, chat_id, text):
        await everyone_else.reply_to_text(work, user_id, chat_id)


async def caption(work: Work, user_id: int, chat_id: int, caption: str | None,
                  username: str | None = None) -> None:
    """A photo, voice note, sticker or file, maybe with a caption: the caption is screened like text."""
    person = await person_for_user(work.session, user_id)
    if person is not None:
        person.last_message_at = work.now
    flagged = False
    if caption and (person is not None or await worker_for_user(work.session, user_id) is None):
        screening = safety.screen(work, caption)
        flagged = screening.flagged
        if person is not None:
            await safety.respond_person(work, person, chat_id, caption, screening, "caption")
        else:
            await safety.respond_stranger(work, user_id, username, chat_id, caption, screening)
    if not flagged:
        await everyone_else.reply_to_media(work, user_id, chat_id)


async def edited(work: Work, user_id: int, chat_id: int, text: str | None, username: str | None = None) -> None:
    """An edited message: screened like a new one (risk typed into an edit is still caught), but never taken
    as a new answer or command; otherwise the sender is told, once per edit, to send it again instead."""
    person = await person_for_user(work.session, user_id)
    if person is not None:
        person.last_message_at = work.now
    is_worker = person is None and await worker_for_user(work.session, user_id) is not None
    if text and not is_worker:
        screening = safety.screen(work, text)
        if person is not None and screening.flagged:
            await safety.respond_person(work, person, chat_id, text, screening, "edited")
            return
        if person is None and await safety.respond_stranger(work, user_id, username, chat_id, text, screening):
            return
    work.send(chat_id, work.text(person.locale if person is not None else "en", "common.edited"))
