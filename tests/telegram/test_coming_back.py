"""Coming back, end to end: /start after stopping or after Telegram could not reach someone, and blocking and
unblocking the bot (``my_chat_member`` updates)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.store.models import CheckIn, Escalation, OutboxMessage, Person
from bot.testing import Harness

WORKER, PERSON = 501, 701


async def _enrolled(h: Harness) -> None:
    """Alex joins on Monday 2 March 2026 at 09:00 UTC and chooses Mondays at 10:00."""
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"), day="Monday", at="10:00")


async def _person(h: Harness) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person))).scalar_one()


async def _escalations(h: Harness) -> list[tuple[str, str]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(select(Escalation).order_by(Escalation.id))).scalars()
        return [(e.kind, e.status) for e in rows]


async def _scheduled(h: Harness) -> list[datetime]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = await session.execute(select(CheckIn.due_at).where(CheckIn.status == "scheduled"))
        return list(rows.scalars())


async def _membership(h: Harness, old: str, new: str) -> dict[str, Any]:
    """The update Telegram sends when the person blocks (``kicked``) or unblocks (``member``) the bot."""
    bot = h.sandbox.state.bot_user()
    alex = {"id": PERSON, "is_bot": False, "first_name": "Alex"}

    def member(status: str) -> dict[str, Any]:
        return {"user": bot, "status": status, **({"until_date": 0} if status == "kicked" else {})}

    return await h.send_update({"my_chat_member": {
        "chat": {"id": PERSON, "type": "private", "first_name": "Alex"}, "from": alex, "date": 1772442000,
        "old_chat_member": member(old), "new_chat_member": member(new)}})


async def _blocks(h: Harness) -> None:
    await h.sandbox.client.block(PERSON)
    await _membership(h, "member", "kicked")


async def _unblocks(h: Harness) -> None:
    await h.sandbox.client.unblock(PERSON)
    await _membership(h, "kicked", "member")


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_start_brings_back_someone_telegram_could_not_reach(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.sandbox.client.block(PERSON)  # no update: only the refused send tells us
    assert (await h.advance(hours=1)).delivery.get("unreachable") == 1
    assert "Alex can no longer be reached" in h.texts(WORKER)[-1]
    assert (await _person(h)).status == "unreachable"
    await h.sandbox.client.unblock(PERSON)
    await h.advance(days=3)  # Thursday 5 March, 10:00 UTC

    await h.say(PERSON, "/start")
    assert "Welcome back, Alex" in h.texts(PERSON)[-1] and "already joined" not in h.texts(PERSON)[-1]
    assert "Monday 9 March at 10:00" in h.texts(PERSON)[-1]
    assert "Alex can be reached again (they sent /start)" in h.texts(WORKER)[-1]
    assert (await _person(h)).status == "active"
    assert await _escalations(h) == [("unreachable", "closed")]
    assert await _scheduled(h) == [_utc(2026, 3, 9, 10, 0)]
    assert (await h.advance(_utc(2026, 3, 9, 10, 0) - h.clock.now())).sent == 1
    assert h.buttons(h.messages(PERSON)[-1]), "the next check-in arrived"


async def test_start_after_stop_closes_the_escalation_and_the_next_checkin_comes(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "STOP")
    await h.tap(PERSON, "Yes, stop")
    await h.advance(days=7)  # Monday 9 March, 09:00 UTC
    await h.say(PERSON, "/start")
    assert "your next one is on Monday 9 March at 10:00" in h.texts(PERSON)[-1]
    assert "Alex has started check-ins again" in h.texts(WORKER)[-1]
    assert await _escalations(h) == [("stopped", "closed")]
    assert (await h.advance(hours=1)).sent == 1
    await h.say(PERSON, "/start")
    assert "already joined" in h.texts(PERSON)[-1], "a member's /start changes nothing"


async def test_blocking_makes_them_unreachable_and_nothing_more_is_sent(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    shown = len(h.messages(PERSON))
    await _blocks(h)
    assert len(h.messages(PERSON)) == shown, "nothing is said to someone who blocked the bot"
    assert "Alex can no longer be reached" in h.texts(WORKER)[-1]
    person = await _person(h)
    assert person.status == "unreachable"
    assert await _escalations(h) == [("unreachable", "open")]
    for _ in range(3):
        assert (await h.advance(days=7)).sent == 0
    assert len(h.messages(PERSON)) == shown
    assert h.services is not None
    async with h.services.db.session() as session:
        tried = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.chat_id == PERSON,
                                                                    OutboxMessage.status == "failed"))
    assert tried is None, "no send was even tried"


async def test_unblocking_restores_them_quietly_and_tells_the_worker(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await _blocks(h)
    await h.advance(days=3)  # Thursday 5 March, 09:00 UTC
    shown = len(h.messages(PERSON))
    await _unblocks(h)
    assert len(h.messages(PERSON)) == shown, "they have said nothing, so nothing is said to them"
    assert "Alex has unblocked the bot and can be reached again" in h.texts(WORKER)[-1]
    assert (await _person(h)).status == "active"
    assert await _escalations(h) == [("unreachable", "closed")]
    [due] = await _scheduled(h)
    assert (await h.advance(due - h.clock.now())).sent == 1
    assert h.buttons(h.messages(PERSON)[-1]), "their next check-in arrives as usual"


async def test_a_pause_survives_blocking_and_unblocking(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/pause")
    await h.tap(PERSON, "2 weeks")
    await _blocks(h)
    await _unblocks(h)
    person = await _person(h)
    assert (person.status, person.paused_until) == ("paused", _utc(2026, 3, 16, 0, 0))
    assert (await h.advance(days=13, hours=23)).sent == 0  # Monday 16 March, 08:00 UTC
    assert (await h.advance(hours=2)).sent == 1, "the pause ends as chosen"


async def test_someone_who_stopped_stays_stopped_when_they_block_and_unblock(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "stop")
    await h.tap(PERSON, "Yes, stop")
    told = len(h.messages(WORKER))
    await _blocks(h)
    await _unblocks(h)
    assert len(h.messages(WORKER)) == told
    assert (await _person(h)).status == "stopped"
    assert await _escalations(h) == [("stopped", "open")]
    assert (await h.advance(days=7)).sent == 0


async def test_unreachable_person_who_writes_is_told_how_to_come_back(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.sandbox.client.block(PERSON)
    await h.advance(hours=1)
    await h.sandbox.client.unblock(PERSON)
    await h.say(PERSON, "hello")
    assert "send /start" in h.texts(PERSON)[-1] and (await _person(h)).status == "unreachable"
    await h.say(PERSON, "/stop")
    await h.tap(PERSON, "Yes, stop")
    # what they wrote still reaches their worker's digest
    assert await _escalations(h) == [("unreachable", "closed"), ("message", "open"), ("stopped", "open")]
