"""People who are not enrolled, group chats and channels, media, odd buttons: kind replies, nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.store.models import AuditEvent, Person
from bot.testing import Harness

STRANGER, WORKER, PERSON = 9999, 501, 701


async def _rows(h: Harness) -> int:
    assert h.services is not None
    async with h.services.db.session() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        audit = await session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "ok"))
    return int(people or 0) + int(audit or 0)


async def test_stranger_learns_how_to_join_and_nothing_is_stored(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "hello, is anyone there?")
    assert "ask your link worker for an invite link" in h.texts(STRANGER)[-1]
    await h.say(STRANGER, "/start")
    assert "ask your link worker for an invite link" in h.texts(STRANGER)[-1]
    await h.say(STRANGER, "/invite Someone")
    assert "for link workers" in h.texts(STRANGER)[-1]
    assert await _rows(h) == 0
    assert h.services is not None
    async with h.services.db.session() as session:  # only the refused attempt is on the audit trail
        refused = (await session.execute(select(AuditEvent.actor, AuditEvent.action))).all()
    assert [tuple(row) for row in refused] == [(f"telegram:{STRANGER}", "invite")]


async def test_group_messages_and_channel_posts_are_never_processed(harness: Harness) -> None:
    h = harness
    group = {"id": -100123, "type": "group", "title": "Knit and natter"}
    user = {"id": STRANGER, "is_bot": False, "first_name": "Pat"}
    await h.send_update({"message": {"message_id": 1, "date": 1767225600, "chat": group, "from": user,
                                     "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                                                     "length": 6}]}})
    await h.send_update({"channel_post": {"message_id": 2, "date": 1767225600, "text": "news",
                                          "chat": {"id": -100999, "type": "channel", "title": "News"}}})
    assert h.messages(-100123) == [] and h.messages(-100999) == []
    sends = [c for c in h.sandbox.state.calls if c["method"].startswith("send")]
    assert sends == []


async def test_media_gets_a_polite_text_only_reply(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "", sticker={"file_id": "s1", "file_unique_id": "u1", "type": "regular",
                                       "width": 512, "height": 512, "is_animated": False, "is_video": False})
    assert "I can only read text and button taps" in h.texts(STRANGER)[-1]
    await h.say(STRANGER, "", voice={"file_id": "v1", "file_unique_id": "u2", "duration": 3})
    assert "I can only read text and button taps" in h.texts(STRANGER)[-1]
    assert await _rows(h) == 0


async def test_unknown_button_data_is_answered_kindly(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "/start")
    message = h.messages(STRANGER)[-1]
    await h.press(STRANGER, message["message_id"], "ci:99:0:1")
    await h.press(STRANGER, message["message_id"], "nonsense")
    texts = [a.get("text") or "" for a in h.sandbox.state.callback_answers]
    assert len(texts) == 2 and all("doesn't do anything any more" in t for t in texts)


async def test_help_gives_crisis_numbers_to_anyone(harness: Harness) -> None:
    h = harness
    await h.say(STRANGER, "/help")
    assert "116 123" in h.texts(STRANGER)[-1] and "SHOUT to 85258" in h.texts(STRANGER)[-1]


async def test_malformed_update_is_skipped_and_the_bot_carries_on(harness: Harness,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    odd = await h.sandbox.client.post_update({"edited_channel_post": {"weird": True, "text": "secret words"}})
    await h.say(STRANGER, "/help")
    assert "116 123" in h.texts(STRANGER)[-1]
    assert await h.inbox_status(odd["update_id"]) == "done", "stored, then skipped: never processed again"
    assert "secret words" not in caplog.text
