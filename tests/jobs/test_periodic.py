"""The periodic jobs: a bad row fails alone, and work missed while the bot was down runs when it is back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.store.models import CheckIn, Person
from bot.testing import Harness

WORKER, ALEX, BEA = 501, 701, 702


async def _two_people(h: Harness) -> None:
    await h.linked_worker(WORKER)
    await h.join(ALEX, await h.invite(WORKER, "Alex"))
    await h.join(BEA, await h.invite(WORKER, "Bea"))


async def test_a_checkin_whose_flow_no_longer_exists_fails_alone(harness: Harness) -> None:
    h = harness
    await _two_people(h)
    assert h.services is not None
    async with h.services.db.session() as session:
        alex = (await session.execute(select(Person.id).where(Person.telegram_user_id == ALEX))).scalar_one()
        await session.execute(update(CheckIn).where(CheckIn.person_id == alex).values(flow_id="retired"))
    report = await h.advance(hours=1)
    assert (report.sent, report.failed) == (1, 1)
    assert "feeling this week" in h.texts(BEA)[-1], "everyone else still gets their check-in"
    async with h.services.db.session() as session:
        statuses = dict((await session.execute(select(CheckIn.person_id, CheckIn.status)
                                                .where(CheckIn.status != "scheduled"))).all())
    assert statuses[alex] == "failed"
    assert (await h.advance(hours=1)).failed == 0, "it fails once, not on every tick"


async def test_checkins_due_while_the_bot_was_down_go_out_when_it_is_back(harness: Harness) -> None:
    h = harness
    await _two_people(h)
    await h.stop_bot()
    h.clock.advance(timedelta(days=1))  # both check-ins fell due at 10:00 while nothing ran
    await h.start_bot()
    report = await h.tick()
    assert report.sent == 2
    assert all("feeling this week" in h.texts(person)[-1] for person in (ALEX, BEA))
