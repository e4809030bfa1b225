"""What a person writes that is neither an answer nor flagged is passed on to the worker's next digest.

The screener is a net, not a reader: it misses risk phrased in ways nobody listed. So nothing a person
writes to the service goes unread: each message joins one open ``message`` item (new messages attach to
it), the worker sees them in their next digest, and the person is told truthfully who will see it and when,
and that messages are not watched around the clock.
"""

from __future__ import annotations

from bot.store.models import Person
from bot.usecases import routing, safety
from bot.usecases.escalations import raise_escalation
from bot.usecases.work import Work

KIND = "message"
QUIET = ("stopped", "unreachable")


async def note(work: Work, person: Person, text: str) -> None:
    """Add ``text`` to the person's open ``message`` item without a reply (they were answered otherwise)."""
    if person.joined_at is not None:
        await raise_escalation(work.session, person, KIND, {"text": text[:safety.EVIDENCE_CHARS]}, work.now)


async def pass_on(work: Work, person: Person, chat_id: int, text: str) -> bool:
    """Add ``text`` to the person's open ``message`` item and tell them who sees it when; False (nothing
    raised or said) for someone who has not joined yet."""
    if person.joined_at is None:
        return False
    await note(work, person, text)
    if person.status in QUIET:
        return False  # they hear how to come back instead; the worker still sees what they wrote
    reader = await routing.covering(work.session, work.services.settings, person.worker, work.now)
    if reader is None:
        work.send(chat_id, work.text(person.locale, "safety.passed_on_nobody"))
    else:
        work.send(chat_id, work.text(person.locale, "safety.passed_on", worker=reader.name,
                                     when=safety.next_digest(work, person, reader)))
    return True
