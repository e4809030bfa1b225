"""Dispatch under failure: Telegram errors, rate limits, unknown outcomes, and two dispatchers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import CheckIn
from bot.testing import Harness
from bot.usecases.dispatch import Dispatcher

WORKER, PERSON = 501, 701


async def _due_now(h: Harness) -> None:
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))
    h.clock.advance(timedelta(hours=1))


def _questions(h: Harness) -> int:
    return sum(1 for text in h.texts(PERSON) if "feeling this week" in text)


async def _statuses(h: Harness) -> list[str]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return [c.status for c in (await session.execute(select(CheckIn).order_by(CheckIn.id))).scalars()]


async def test_server_error_is_retried_after_a_backoff(harness: Harness) -> None:
    h = harness
    await _due_now(h)
    await h.sandbox.client.faults(kind="500", chat_id=PERSON, count=1)
    first = await h.tick()
    assert (first.sent, first.deferred) == (0, 1) and _questions(h) == 0
    assert (await h.tick()).sent == 0, "waits for the backoff"
    assert (await h.advance(minutes=2)).sent == 1
    assert _questions(h) == 1


async def test_429_waits_for_retry_after(harness: Harness) -> None:
    h = harness
    await _due_now(h)
    await h.sandbox.client.faults(kind="429", chat_id=PERSON, count=1, retry_after=30)
    assert (await h.tick()).deferred == 1
    assert (await h.advance(seconds=20)).sent == 0
    assert (await h.advance(seconds=10)).sent == 1
    assert _questions(h) == 1


async def test_dropped_connection_is_an_unknown_outcome_and_never_resent(harness: Harness) -> None:
    h = harness
    await _due_now(h)
    await h.sandbox.client.faults(kind="drop", chat_id=PERSON, count=1)
    assert (await h.tick()).unknown == 1
    for _ in range(3):
        await h.advance(hours=1)
    assert _questions(h) == 0
    assert await _statuses(h) == ["open"]
    await h.advance(hours=h.settings.checkins.expire_after_hours)
    assert await _statuses(h) == ["expired", "scheduled"]


async def test_two_dispatchers_send_a_due_checkin_once(harness: Harness) -> None:
    h = harness
    await _due_now(h)
    assert h.services is not None and h.app is not None
    one, two = Dispatcher(h.services, h.app.bot), Dispatcher(h.services, h.app.bot)
    reports = await asyncio.gather(one.tick(), two.tick())
    assert sum(r.sent for r in reports) == 1
    assert _questions(h) == 1


async def test_a_tap_while_the_database_is_down_loses_nothing(harness: Harness,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    await _due_now(h)
    await h.tick()
    question = h.open_question(PERSON)
    assert h.services is not None
    working = h.services.db
    h.services.db = Database.from_url("postgresql://nobody@127.0.0.1:9/nowhere")  # nothing listens there
    try:
        await h.press(PERSON, question["message_id"], h.buttons(question)[2]["callback_data"])
    finally:
        await h.services.db.dispose()
        h.services.db = working
    alert = h.sandbox.state.callback_answers[-1]
    assert alert["show_alert"] and "Nothing is lost" in alert["text"]
    assert h.buttons(h.open_question(PERSON)), "the buttons stay, so the person can tap again"
    assert "Traceback" not in caplog.text
    await h.press(PERSON, question["message_id"], h.buttons(question)[2]["callback_data"])
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in")
    assert await _statuses(h) == ["answered", "scheduled"]
