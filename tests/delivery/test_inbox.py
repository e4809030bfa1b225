"""The inbox keeps only what the service uses, and forgets it once handled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.delivery import inbox
from bot.store.models import InboxUpdate, OutboxMessage
from bot.testing import Harness

STRANGER = 901


async def test_group_messages_are_stored_as_their_id_only(harness: Harness) -> None:
    h = harness
    group = {"id": -100123, "type": "group", "title": "Knit and natter"}
    update = await h.send_update({"message": {"message_id": 1, "date": 1767225600, "chat": group,
                                              "from": {"id": STRANGER, "is_bot": False, "first_name": "Pat"},
                                              "text": "my private worries"}})
    assert h.services is not None
    async with h.services.db.session() as session:
        stored = await session.get(InboxUpdate, update["update_id"])
    assert stored is not None and stored.payload == {"update_id": update["update_id"]}
    assert inbox.minimal({"update_id": 3, "message": {"chat": {"type": "private"}, "text": "hi"}})["message"]


async def test_handled_updates_and_sent_messages_are_forgotten_after_keep_hours(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "/help")
    assert h.runtime is not None and h.services is not None

    async def counts() -> tuple[int, int]:
        async with h.services.db.session() as session:  # type: ignore[union-attr]
            return (int(await session.scalar(select(func.count()).select_from(InboxUpdate)) or 0),
                    int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0))

    assert await counts() == (1, 1)
    h.clock.advance(timedelta(hours=h.settings.delivery.keep_hours - 1))
    assert await h.runtime.jobs.purge() == 0
    h.clock.advance(timedelta(hours=2))
    assert await h.runtime.jobs.purge() == 2
    assert await counts() == (0, 0)
