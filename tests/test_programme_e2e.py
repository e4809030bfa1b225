"""A whole programme through the real bot: exact check-in times across a clock change, a pause and a
discharge; the baseline's UCLA-3 score stored with its occasion; one reminder; waiting while one is open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.store.models import CheckIn, Person, Score
from bot.testing import Harness
from bot.usecases.programme import discharge, replan

WORKER, PERSON = 501, 701


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    async with Harness(database_url, programme={"baseline": True}) as harness:
        await harness.linked_worker(WORKER)
        await harness.join(PERSON, await harness.invite(WORKER, "Alex"), day="Monday", at="10:00")
        yield harness


async def answer_everything(h: Harness, label: str = "Skip") -> None:
    """Answer every open question the way a person tapping ``label`` would, until none is left."""
    for _ in range(20):
        try:
            question = h.open_question(PERSON)
        except AssertionError:
            return
        labels = [b["text"] for b in h.buttons(question)]
        await h.tap(PERSON, label if label in labels else "Skip", question)


async def _person(h: Harness) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person).where(Person.telegram_user_id == PERSON))).scalar_one()


async def _sent(h: Harness) -> list[tuple[str, str]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(select(CheckIn).where(CheckIn.sent_at.is_not(None))
                                      .order_by(CheckIn.sent_at))).scalars()
        return [(str((c.context or {}).get("occasion")), c.sent_at.strftime("%a %d %b %H:%M")) for c in rows
                if c.sent_at is not None]


async def _live_until(h: Harness, until: datetime) -> None:
    """Live until ``until``, answering at once; the clock jumps from one scheduled check-in to the next
    (the expected times are written out in the test, so a wrongly scheduled one still fails it)."""
    assert h.services is not None
    while h.clock.now() < until:
        async with h.services.db.session() as session:
            due = await session.scalar(select(CheckIn.due_at).where(CheckIn.status == "scheduled"))
            pause_ends = await session.scalar(select(Person.paused_until).where(Person.status == "paused"))
        wake = min([t for t in (due, pause_ends, until) if t is not None])
        target = max(wake, h.clock.now() + timedelta(minutes=1))
        h.clock.set(target)
        await h.tick()
        await answer_everything(h)


async def test_programme_times_across_clock_change_pause_and_discharge(h: Harness) -> None:
    assert h.services is not None
    await h.tick()
    await answer_everything(h)
    await _live_until(h, datetime(2026, 4, 1, tzinfo=UTC))
    async with h.services.db.session() as session:  # "I'm away for two weeks" from 1 April
        person = (await session.execute(select(Person).where(Person.telegram_user_id == PERSON))).scalar_one()
        person.status_before_pause, person.status = person.status, "paused"
        person.paused_until = datetime(2026, 4, 15, tzinfo=UTC)
        await replan(session, person, h.clock.now(), h.services.programme)
    await _live_until(h, datetime(2026, 4, 21, 12, 0, tzinfo=UTC))
    async with h.services.db.session() as session:  # support ends on Tuesday 21 April at noon
        person = (await session.execute(select(Person).where(Person.telegram_user_id == PERSON))).scalar_one()
        await discharge(session, person, h.clock.now(), h.services.programme)
    await h.tick()
    await answer_everything(h)
    await _live_until(h, datetime(2026, 11, 1, tzinfo=UTC))
    assert await _sent(h) == [
        ("baseline", "Mon 02 Mar 09:00"),
        ("weekly", "Mon 09 Mar 10:00"),
        ("weekly", "Mon 16 Mar 10:00"),
        ("weekly", "Mon 23 Mar 10:00"),
        ("weekly", "Mon 30 Mar 09:00"),  # 10:00 British Summer Time
        ("weekly", "Mon 20 Apr 09:00"),  # the pause ended on 15 April
        ("end", "Tue 21 Apr 12:00"),
        ("2w", "Tue 05 May 09:00"),
        ("1m", "Thu 21 May 09:00"),
        ("3m", "Tue 21 Jul 09:00"),
        ("6m", "Tue 20 Oct 09:00"),
    ]
    assert (await _person(h)).status == "completed"


async def test_baseline_scores_are_stored_with_their_occasion(h: Harness) -> None:
    await h.tick()
    await answer_everything(h, "Often")  # UCLA-3 "Often" = 3 on each item; others fall back to Skip
    assert h.services is not None
    async with h.services.db.session() as session:
        scores = {s.name: (s.total, s.occasion) for s in (await session.execute(select(Score))).scalars()}
    assert scores["ucla3"] == (9, "baseline")


async def test_one_reminder_then_expiry(h: Harness) -> None:
    await h.tick()
    await answer_everything(h)
    h.clock.set(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
    await h.advance(minutes=30)
    first_question = h.open_question(PERSON)
    await h.advance(hours=23)
    assert h.open_question(PERSON)["message_id"] == first_question["message_id"]
    report = await h.advance(hours=1)
    assert report.reminded == 1
    assert "gentle reminder" in h.texts(PERSON)[-2]
    assert h.open_question(PERSON)["message_id"] != first_question["message_id"]
    for _ in range(3):
        assert (await h.advance(hours=12)).reminded == 0


async def test_a_checkin_due_while_another_is_open_waits(h: Harness) -> None:
    await h.tick()  # the baseline is now open and unanswered
    assert h.services is not None
    async with h.services.db.session() as session:
        person = (await session.execute(select(Person).where(Person.telegram_user_id == PERSON))).scalar_one()
        waiting = CheckIn(person_id=person.id, flow_id="weekly", status="scheduled", due_at=h.clock.now(),
                          context={"occasion": "weekly"})
        session.add(waiting)
    assert (await h.advance(hours=1)).sent == 0
    async with h.services.db.session() as session:
        assert (await session.get(CheckIn, waiting.id)).status == "scheduled"  # type: ignore[union-attr]
    await answer_everything(h)
    await _live_until(h, datetime(2026, 3, 10, tzinfo=UTC))
    assert [occasion for occasion, _ in await _sent(h)] == ["baseline", "weekly"]


async def test_a_low_mood_brings_a_check_in_three_days_later_then_the_usual_rhythm(h: Harness) -> None:
    await h.tick()
    await answer_everything(h)
    h.clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    await h.tick()
    await h.tap(PERSON, "Very low")
    await answer_everything(h)
    await _live_until(h, datetime(2026, 3, 24, tzinfo=UTC))
    assert (await _sent(h))[1:] == [
        ("weekly", "Mon 09 Mar 10:00"),
        ("soon", "Thu 12 Mar 10:00"),
        ("weekly", "Mon 16 Mar 10:00"),
        ("weekly", "Mon 23 Mar 10:00"),
    ]
