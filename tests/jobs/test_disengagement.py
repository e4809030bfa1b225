"""Disengagement through the real bot: missed weekly check-ins raise one ``disengaged`` item, new evidence
attaches only when something new happens, answering closes it; paused and stopped people are not flagged."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from bot.config import ConfigError, parse_settings
from bot.store.models import Answer, CheckIn, Escalation, Meta, Person
from bot.testing import Harness
from bot.usecases.disengagement import LAST_PASS
from bot.usecases.programme import replan

WORKER, ALEX, BEA, CAL = 501, 701, 702, 703
FIRST_SENT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # the first weekly check-in (Monday 10:00, GMT)


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    async with Harness(database_url) as harness:
        await harness.linked_worker(WORKER)
        yield harness


async def _escalations(h: Harness, kind: str = "disengaged") -> list[Escalation]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Escalation).where(Escalation.kind == kind)
                                           .order_by(Escalation.id))).scalars())


async def _at(h: Harness, when: datetime) -> int:
    """Move the clock to ``when`` and run the jobs; how many people got new disengagement evidence."""
    h.clock.set(when)
    return (await h.tick()).disengaged


def _week(n: int, hours: int = 0) -> datetime:
    return FIRST_SENT + timedelta(weeks=n, hours=hours)


async def test_three_missed_checkins_raise_one_item_that_answering_closes(h: Harness) -> None:
    await h.join(ALEX, await h.invite(WORKER, "Alex"))
    for week in range(2):  # sent, then expired unanswered after 72 hours: twice
        assert await _at(h, _week(week)) == 0
        assert await _at(h, _week(week, 72)) == 0
    assert await _at(h, _week(2)) == 0
    assert await _escalations(h) == []
    assert await _at(h, _week(2, 72)) == 1, "the third missed check-in in a row"
    [item] = await _escalations(h)
    assert item.status == "open"
    [evidence] = item.evidence["items"]
    assert evidence == {"at": _week(2, 72).isoformat(), "signal": "check-ins unanswered",
                        "rules": ["missed_in_a_row"], "missed": 3, "since": FIRST_SENT.isoformat(),
                        "days_unanswered": 17, "checkin": evidence["checkin"], "last_reply": None}

    for hours in (73, 80, 96):  # later passes: nothing new, nothing added
        assert await _at(h, _week(2, hours)) == 0
    assert h.services is not None
    async with h.services.db.session() as session:  # a pass with no record looks at everyone again
        await session.execute(delete(Meta).where(Meta.key == LAST_PASS))
    assert await _at(h, _week(2, 97)) == 0
    assert [len(e.evidence["items"]) for e in await _escalations(h)] == [1]

    assert await _at(h, _week(3)) == 1, "21 days without a reply since the first check-in: news"
    [item] = await _escalations(h)
    assert item.evidence["items"][-1]["rules"] == ["missed_in_a_row", "no_reply_days"]
    assert await _at(h, _week(3, 1)) == 0

    await h.tap(ALEX, "Good")  # the fourth check-in, answered: the silence is over
    [item] = await _escalations(h)
    assert item.status == "closed"
    assert item.evidence["closed"]["at"] == _week(3, 1).isoformat()
    assert item.evidence["closed"]["reason"].startswith("answered check-in ")
    assert len(item.evidence["items"]) == 2
    assert await _at(h, _week(4)) == 0
    assert await _at(h, _week(4, 72)) == 0, "one missed check-in after a reply is not disengagement"
    assert [e.status for e in await _escalations(h)] == ["closed"]


async def test_a_checkin_answered_in_part_is_a_reply(h: Harness) -> None:
    await h.join(ALEX, await h.invite(WORKER, "Alex"))
    for week in range(2):
        await _at(h, _week(week))
        await _at(h, _week(week, 72))
    await _at(h, _week(2))
    assert h.services is not None
    async with h.services.db.session() as session:  # one answer to the third, which then expires
        checkin = (await session.execute(select(CheckIn).where(CheckIn.status == "open"))).scalar_one()
        session.add(Answer(checkin_id=checkin.id, result="mood", value="4", recorded_at=_week(2, 5)))
    for week in range(2, 5):
        await _at(h, _week(week))
        assert await _at(h, _week(week, 72)) == 0
    assert await _at(h, _week(5)) == 0
    assert await _at(h, _week(5, 72)) == 1, "three missed since the reply"
    [item] = await _escalations(h)
    [evidence] = item.evidence["items"]
    assert (evidence["missed"], evidence["since"], evidence["last_reply"]) == (
        3, _week(3).isoformat(), _week(2, 5).isoformat())


async def test_paused_and_stopped_people_are_not_flagged(h: Harness) -> None:
    for user, name in ((ALEX, "Alex"), (BEA, "Bea"), (CAL, "Cal")):
        await h.join(user, await h.invite(WORKER, name))
    for week in range(2):
        await _at(h, _week(week))
        await _at(h, _week(week, 72))
    await _at(h, _week(2))  # the third check-in is open for everyone
    assert h.services is not None
    async with h.services.db.session() as session:
        people = {p.telegram_user_id: p for p in (await session.execute(select(Person))).scalars()}
        alex, bea = people[ALEX], people[BEA]
        alex.status_before_pause, alex.status = alex.status, "paused"  # away until 20 April
        alex.paused_until = datetime(2026, 4, 20, tzinfo=UTC)
        await replan(session, alex, h.clock.now(), h.services.programme)
        bea.status, bea.stopped_at = "stopped", h.clock.now()
        await session.execute(update(CheckIn).where(CheckIn.person_id == bea.id, CheckIn.status == "open")
                              .values(status="cancelled", closed_at=h.clock.now()))
        await replan(session, bea, h.clock.now(), h.services.programme)
    assert await _at(h, _week(2, 72)) == 1  # Alex's open check-in expires too, while he is away
    for week in range(3, 7):
        await _at(h, _week(week))
        await _at(h, _week(week, 72))
    flagged = {e.person_id for e in await _escalations(h)}
    assert flagged == {people[CAL].id}


def test_the_rules_are_checked_and_zero_turns_one_off() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({"escalation": {"missed_in_a_row": -1, "no_reply_days": 400, "no_reply_day": 3}})
    assert caught.value.problems == [
        "config.toml: escalation.missed_in_a_row: -1 is out of range: a number of check-ins from 1 to 52, "
        "or 0 to turn the rule off",
        "config.toml: escalation.no_reply_days: 400 is out of range: a number of days from 1 to 365, "
        "or 0 to turn the rule off",
        "config.toml: escalation.no_reply_day: unknown key (check the spelling against config.example.toml)",
    ]
    with pytest.raises(ConfigError, match="escalation.missed_in_a_row: Input should be a valid integer"):
        parse_settings({"escalation": {"missed_in_a_row": True}})
    settings = parse_settings({"escalation": {"no_reply_days": 0}})
    assert (settings.escalation.missed_in_a_row, settings.escalation.no_reply_days) == (3, 0)
