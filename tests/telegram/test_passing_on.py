"""Nothing a person writes goes unread: text that is neither an answer nor flagged reaches the worker's next
digest, and the person is told truthfully who will see it and when."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.store.models import Escalation
from bot.testing import Harness

WORKER, PERSON, STRANGER = 501, 701, 9999
QUIET_WORDS = "Just tidying up loose ends this week, sorted the paperwork."


async def _enrolled(h: Harness) -> None:
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))


async def _items(h: Harness) -> list[Any]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return [(e.kind, e.status, [i.get("text") for i in e.evidence.get("items", [])])
                for e in (await session.execute(select(Escalation).order_by(Escalation.id))).scalars()]


async def test_a_message_outside_a_checkin_reaches_the_next_digest(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, QUIET_WORDS)
    reply = h.texts(PERSON)[-1]
    assert "passed it on to Sam Worker, who will see it on Tuesday 3 March at 09:00" in reply
    assert "not watched around the clock" in reply and "116 123" in reply
    await h.say(PERSON, "and the cat is with next door")
    assert await _items(h) == [("message", "open", [QUIET_WORDS, "and the cat is with next door"])]
    seen = len(h.messages(WORKER))
    await h.advance(timedelta(days=1))  # Tuesday 09:00: the digest
    digest = "\n".join(h.texts(WORKER)[seen:])
    assert "Alex" in digest and "the cat is with next door" in digest and QUIET_WORDS in digest, \
        "every message since the last digest is there, not just the newest"


async def test_text_a_question_cannot_take_nudges_and_still_reaches_the_worker(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(days=7)
    await h.say(PERSON, "the wife's sister is visiting from Leeds")
    assert "passed it on" not in h.texts(PERSON)[-1]
    assert await _items(h) == [("message", "open", ["the wife's sister is visiting from Leeds"])]


async def test_an_answer_is_not_passed_on(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(days=7)
    await h.say(PERSON, "4")
    assert await _items(h) == []


async def test_someone_who_stopped_hears_how_to_come_back_and_the_worker_still_sees_it(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "STOP")
    await h.tap(PERSON, "Yes, stop")
    await h.say(PERSON, "sorry, I was having a bad day")
    assert "/start" in h.texts(PERSON)[-1]
    assert ("message", "open", ["sorry, I was having a bad day"]) in await _items(h)


async def test_a_stranger_is_not_passed_on(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "hello is this the lunch club")
    assert await _items(h) == []
    assert "passed it on" not in h.texts(STRANGER)[-1]
