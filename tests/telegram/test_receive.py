"""Updates in: stored before Telegram hears they arrived, processed once, and kept while the database is down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import Answer, InboxUpdate
from bot.telegram.webhook import SECRET_HEADER, webhook_app
from bot.testing import Harness

WORKER, PERSON, STRANGER = 501, 701, 901
SECRET = "a-long-random-webhook-secret"


async def _question_open(h: Harness) -> dict[str, object]:
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))
    await h.advance(hours=1)
    return h.open_question(PERSON)


async def _answers(h: Harness) -> int:
    assert h.services is not None
    async with h.services.db.session() as session:
        return int(await session.scalar(select(func.count(Answer.id))) or 0)


async def test_a_tap_while_the_database_is_down_goes_through_once_it_is_back(harness: Harness) -> None:
    h = harness
    question = await _question_open(h)
    assert h.services is not None
    working, answered = h.services.db, len(h.sandbox.state.callback_answers)
    h.services.db = Database.from_url("postgresql://nobody@127.0.0.1:9/nowhere")  # nothing listens there
    try:
        data = h.buttons(question)[3]["callback_data"]  # type: ignore[arg-type]
        tap = (await h.sandbox.client.press(PERSON, question["message_id"], data))["update"]  # type: ignore[arg-type]
        await h.sandbox.state.wait_for(lambda: len(h.sandbox.state.callback_answers) > answered, timeout=10)
    finally:
        await h.services.db.dispose()
        h.services.db = working
    alert = h.sandbox.state.callback_answers[-1]
    assert alert["show_alert"] and "no need to send it again" in alert["text"]
    assert await _answers(h) == 0
    assert h.runtime is not None
    await h.runtime.receiver.wait_processed(int(tap["update_id"]), timeout=30)  # Telegram kept it; the bot retries
    await h.settle()
    assert await _answers(h) == 1, "the tap was recorded without tapping again"
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in")


@pytest.fixture
async def webhook(harness: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """The webhook endpoint of the running bot, served in-process."""
    assert harness.runtime is not None
    app = webhook_app(harness.runtime.receiver, "/telegram", SECRET)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot") as client:
        yield client


def _help_update(update_id: int) -> dict[str, object]:
    user = {"id": STRANGER, "is_bot": False, "first_name": "Pat"}
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1767225600, "chat": {"id": STRANGER, "type": "private", "first_name": "Pat"},
        "from": user, "text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}


async def test_webhook_answers_200_only_once_the_update_is_stored_and_then_replies(
        harness: Harness, webhook: httpx.AsyncClient) -> None:
    h = harness
    h.sandbox.state.remember_user({"id": STRANGER, "is_bot": False, "first_name": "Pat"})
    response = await webhook.post("/telegram", json=_help_update(900_001), headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert await h.inbox_status(900_001) in ("pending", "done")
    assert h.runtime is not None
    await h.runtime.receiver.wait_processed(900_001)
    await h.settle()
    assert "116 123" in h.texts(STRANGER)[-1]
    again = await webhook.post("/telegram", json=_help_update(900_001), headers={SECRET_HEADER: SECRET})
    assert again.status_code == 200
    await h.runtime.receiver.process_pending()
    await h.settle()
    assert len(h.texts(STRANGER)) == 1, "a redelivered update is not processed twice"


async def test_webhook_refuses_requests_without_the_secret(harness: Harness, webhook: httpx.AsyncClient) -> None:
    response = await webhook.post("/telegram", json=_help_update(900_002), headers={SECRET_HEADER: "guess"})
    assert response.status_code == 403
    assert await harness.inbox_status(900_002) is None


async def test_webhook_says_try_again_when_the_update_cannot_be_stored(harness: Harness,
                                                                     webhook: httpx.AsyncClient) -> None:
    h = harness
    assert h.services is not None
    working = h.services.db
    h.services.db = Database.from_url("postgresql://nobody@127.0.0.1:9/nowhere")
    try:
        response = await webhook.post("/telegram", json=_help_update(900_003), headers={SECRET_HEADER: SECRET})
    finally:
        await h.services.db.dispose()
        h.services.db = working
    assert response.status_code == 503, "Telegram delivers it again later"
    async with h.services.db.session() as session:
        assert await session.get(InboxUpdate, 900_003) is None


async def test_one_slow_call_for_one_person_does_not_hold_up_another(harness: Harness) -> None:
    h = harness
    question = await _question_open(h)
    h.sandbox.state.remember_user({"id": STRANGER, "is_bot": False, "first_name": "Pat"})
    await h.sandbox.client.faults(kind="timeout", methods=["answerCallbackQuery"], count=1, delay=3)
    answered = len(h.sandbox.state.callback_answers)
    data = h.buttons(question)[3]["callback_data"]  # type: ignore[arg-type]
    slow = (await h.sandbox.client.press(PERSON, question["message_id"], data))["update"]  # type: ignore[arg-type]
    await h.say(STRANGER, "/help")
    assert "116 123" in h.texts(STRANGER)[-1]
    assert len(h.sandbox.state.callback_answers) == answered, "the other person's tap is still being answered"
    assert h.runtime is not None
    await h.runtime.receiver.wait_processed(int(slow["update_id"]))
