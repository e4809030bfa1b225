"""The error policy row by row, seen from the other side: the real drain sending to the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.delivery import outbox
from bot.delivery.drain import Drain
from bot.store.models import Escalation, OutboxMessage, Person
from bot.testing import Harness
from bot.usecases.work import Work, perform

WORKER, PERSON, OTHER = 501, 701, 702


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    """A harness whose drain is stepped by the test (its background loop is stopped)."""
    async with Harness(database_url, delivery={"send_timeout_seconds": 0.5}) as harness:
        assert harness.runtime is not None
        await harness.runtime.drain.stop()
        for user in (PERSON, OTHER):
            harness.sandbox.state.remember_user({"id": user, "is_bot": False, "first_name": f"U{user}"})
        yield harness


def drain(h: Harness) -> Drain:
    assert h.runtime is not None
    return h.runtime.drain


async def queue(h: Harness, chat_id: int, text: str) -> int:
    """Queue one message (as a use case would) and return its outbox row id."""
    async def case(work: Work) -> int:
        row = outbox.queue(work.session, work.now, chat_id, text)
        await work.session.flush()
        return row.id
    assert h.services is not None
    return await perform(h.services, case)


async def row(h: Harness, row_id: int) -> OutboxMessage:
    assert h.services is not None
    async with h.services.db.session() as session:
        found = await session.get(OutboxMessage, row_id)
        assert found is not None
        return found


def sends(h: Harness, chat_id: int, text: str) -> list[int]:
    """The HTTP status of every sendMessage of ``text`` to ``chat_id``."""
    return [c["status"] for c in h.sandbox.state.calls if c["method"] == "sendMessage"
            and c["params"].get("chat_id") == chat_id and c["params"].get("text") == text]


async def test_400_fails_with_telegrams_reason_and_is_never_retried(h: Harness) -> None:
    too_long = "x" * 5000
    row_id = await queue(h, PERSON, too_long)
    await h.settle()
    failed = await row(h, row_id)
    assert failed.status == "failed" and failed.error is not None and "too long" in failed.error
    h.clock.advance(timedelta(hours=1))
    await h.settle()
    assert sends(h, PERSON, too_long) == [400]


async def test_403_makes_the_person_unreachable_raises_an_escalation_and_tells_the_worker(h: Harness) -> None:
    drain(h).start()  # as in production, so the worker's notice goes out too
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))
    await h.sandbox.client.block(PERSON)
    first, second = await queue(h, PERSON, "one"), await queue(h, PERSON, "two")
    await h.settle()
    assert (await row(h, first)).status == "failed"
    assert (await row(h, second)).status == "cancelled", "nothing more is sent to someone who blocked the bot"
    assert h.services is not None
    async with h.services.db.session() as session:
        person = (await session.execute(select(Person))).scalar_one()
        kinds = [e.kind for e in (await session.execute(select(Escalation))).scalars()]
    assert person.status == "unreachable" and kinds == ["unreachable"]
    assert "can no longer be reached" in h.texts(WORKER)[-1]


async def test_chat_not_found_is_unreachable_too(h: Harness) -> None:
    drain(h).start()
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"))
    assert h.services is not None
    async with h.services.db.session() as session:
        await session.execute(update(Person).values(chat_id=999_999))
    row_id = await queue(h, 999_999, "hello")
    await h.settle()
    assert "chat not found" in ((await row(h, row_id)).error or "").lower()
    async with h.services.db.session() as session:
        assert (await session.execute(select(Person.status))).scalar_one() == "unreachable"


async def test_429_makes_the_whole_drain_wait_for_retry_after(h: Harness) -> None:
    await h.sandbox.client.faults(kind="429", chat_id=PERSON, count=1, retry_after=1)
    row_id = await queue(h, PERSON, "hello")
    [claimed] = await drain(h).claim(10)
    await drain(h)._send(claimed)
    assert (await row(h, row_id)).status == "pending"
    assert drain(h).pacer.delay(OTHER) > 0.5, "another chat's message waits as well"
    await queue(h, OTHER, "hello")
    await h.settle()
    assert sends(h, PERSON, "hello") == [429, 200] and sends(h, OTHER, "hello") == [200]
    assert (await row(h, row_id)).attempts == 1, "a 429 is not counted as a failed attempt"


async def test_server_error_is_retried_soon_with_jittered_backoff(h: Harness) -> None:
    await h.sandbox.client.faults(kind="500", chat_id=PERSON, count=1)
    row_id = await queue(h, PERSON, "hello")
    await h.settle()
    waiting = await row(h, row_id)
    assert waiting.status == "pending"
    assert timedelta(seconds=0.75) <= waiting.not_before - h.clock.now() <= timedelta(seconds=1.25)
    await h.settle()
    assert sends(h, PERSON, "hello") == [500], "nothing before the backoff has passed"
    h.clock.advance(timedelta(seconds=2))
    await h.settle()
    assert sends(h, PERSON, "hello") == [500, 200]
    assert (await row(h, row_id)).status == "sent"


async def test_unknown_outcome_is_sent_once_more_after_a_short_delay_and_counted(h: Harness) -> None:
    await h.sandbox.client.faults(kind="timeout", chat_id=PERSON, count=1, delay=1)
    row_id = await queue(h, PERSON, "hello")
    await h.settle()
    assert (await row(h, row_id)).unknown_outcomes == 1
    assert drain(h).stats["resent_after_unknown"] == 1
    h.clock.advance(timedelta(seconds=h.settings.delivery.unknown_retry_seconds))
    await h.settle()
    assert (await row(h, row_id)).status == "sent"
    assert h.texts(PERSON).count("hello") >= 1


async def test_an_outcome_unknown_again_is_resent_later_each_time_then_given_up(h: Harness) -> None:
    resends = h.settings.delivery.unknown_resends
    await h.sandbox.client.faults(kind="drop", chat_id=PERSON, count=resends + 1)
    row_id = await queue(h, PERSON, "hello")
    delays = []
    for _ in range(resends + 1):
        await h.settle()
        waiting = await row(h, row_id)
        delays.append(round((waiting.not_before - h.clock.now()).total_seconds()))
        h.clock.advance(timedelta(minutes=5))
    given_up = await row(h, row_id)
    first = h.settings.delivery.unknown_retry_seconds
    assert delays[:resends] == [first * 2 ** n for n in range(resends)]
    assert given_up.status == "failed" and f"unknown {resends + 1} times" in (given_up.error or "")
    assert sends(h, PERSON, "hello") == [0] * (resends + 1)
    assert drain(h).stats["resent_after_unknown"] == resends


async def test_anything_else_fails_the_row_and_the_rest_go_on(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    broken = await queue(h, PERSON, "broken")
    assert h.services is not None
    async with h.services.db.session() as session:
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == broken)
                              .values(keyboard=[[{"label-without-data": 1}]]))
    fine = await queue(h, OTHER, "fine")
    await h.settle()
    assert (await row(h, broken)).status == "failed"
    assert (await row(h, fine)).status == "sent" and h.texts(OTHER) == ["fine"]
    assert "unexpected error while sending" in caplog.text


async def test_messages_to_one_chat_keep_their_order_across_a_retry(h: Harness) -> None:
    await h.sandbox.client.faults(kind="500", chat_id=PERSON, count=1)
    for text in ("one", "two", "three"):
        await queue(h, PERSON, text)
    await h.settle()
    assert h.texts(PERSON) == []
    h.clock.advance(timedelta(seconds=2))
    await h.settle()
    assert h.texts(PERSON) == ["one", "two", "three"]


async def test_a_sender_that_died_mid_send_has_its_rows_taken_back_after_the_lease(h: Harness) -> None:
    row_id = await queue(h, PERSON, "hello")
    assert h.services is not None
    async with h.services.db.session() as session:  # as a killed process leaves it
        await session.execute(update(OutboxMessage).values(status="sending", claimed_at=h.clock.now()))
    assert await drain(h).recover() == 0, "not before the lease has passed"
    h.clock.advance(timedelta(seconds=h.settings.delivery.lease_seconds + 1))
    assert await drain(h).recover() == 1
    await h.settle()
    assert (await row(h, row_id)).unknown_outcomes == 1 and h.texts(PERSON) == ["hello"]
