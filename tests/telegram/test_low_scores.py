"""Design §5 "low score", end to end: mood at the bottom counts only twice running, and a UCLA-3 total 2 or
more above the person's own baseline reaches their worker, with the trend (values and dates) as evidence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.store.models import CheckIn, Escalation, Person
from bot.testing import Harness
from bot.usecases.programme import discharge

WORKER, PERSON = 501, 701


async def _enrolled(h: Harness) -> None:
    """Alex joins on Monday 2 March 2026 at 09:00 UTC with Sam as their worker; check-ins on Mondays at 10."""
    await h.linked_worker(WORKER)
    await h.join(PERSON, await h.invite(WORKER, "Alex"), day="Monday", at="10:00")


async def _next_checkin(h: Harness) -> dict[str, Any]:
    """Jump to the next scheduled check-in and send it; returns its context."""
    assert h.services is not None
    async with h.services.db.session() as session:
        due = (await session.execute(select(CheckIn).where(CheckIn.status == "scheduled"))).scalar_one()
    h.clock.set(max(due.due_at, h.clock.now() + timedelta(minutes=1)))
    await h.tick()
    assert h.open_question(PERSON)
    return dict(due.context or {})


async def _answer(h: Harness, *labels: str) -> None:
    """Answer the open check-in: each question takes the next of ``labels`` if it offers it, else Skip."""
    pending = list(labels)
    for _ in range(20):
        try:
            question = h.open_question(PERSON)
        except AssertionError:
            break
        offered = [b["text"] for b in h.buttons(question)]
        if pending and any(pending[0].lower() in text.lower() for text in offered):
            await h.tap(PERSON, pending.pop(0), question)
        else:
            await h.tap(PERSON, "Skip", question)
    assert pending == [], f"not offered: {pending}"


async def _low_scores(h: Harness) -> list[Escalation]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Escalation).where(Escalation.kind == "low_score")
                                           .order_by(Escalation.id))).scalars())


async def test_one_very_low_week_raises_nothing_but_offers_contact(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await _next_checkin(h)
    await _answer(h, "Very low")
    assert any("link worker to get in touch" in t for t in h.texts(PERSON))  # the kind offer, skipped
    assert await _low_scores(h) == []


async def test_a_very_low_week_after_a_better_one_raises_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await _next_checkin(h)
    await _answer(h, "Okay")
    await _next_checkin(h)
    await _answer(h, "Very low", "No")
    assert await _low_scores(h) == []


async def test_very_low_twice_running_raises_one_low_score_with_both_weeks(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await _next_checkin(h)  # Monday 9 March
    await _answer(h, "Very low", "No")
    first = h.clock.now()
    await _next_checkin(h)  # a low mood brings the next check-in sooner
    await _answer(h, "Very low", "No")
    [escalation] = await _low_scores(h)
    assert escalation.status == "open"
    [item] = escalation.evidence["items"]
    assert item["rule"] == "flows/weekly.toml escalations[0]: low_score when result 'mood' is at most 1, " \
                           "2 answers running"
    assert (item["trend"], item["result"], item["times"]) == ("running", "mood", 2)
    assert [v["value"] for v in item["values"]] == [1, 1]
    assert [v["at"] for v in item["values"]] == [first.isoformat(), h.clock.now().isoformat()]
    assert item["values"][1]["checkin"] == item["checkin"]


@pytest.fixture
async def programme(database_url: str | None) -> AsyncIterator[Harness]:
    async with Harness(database_url, programme={"baseline": True}) as h:
        await _enrolled(h)
        yield h


async def test_a_ucla3_rise_of_two_from_baseline_at_a_follow_up_raises_low_score(programme: Harness) -> None:
    h = programme
    assert h.services is not None
    await h.tick()  # the baseline, straight after joining
    await _answer(h, "Hardly ever", "Hardly ever", "Hardly ever")  # UCLA-3 total 3
    baseline_at = h.clock.now()
    h.clock.advance(timedelta(days=1))
    async with h.services.db.session() as session:  # support ends the next day
        person = (await session.execute(select(Person).where(Person.telegram_user_id == PERSON))).scalar_one()
        await discharge(session, person, h.clock.now(), h.services.programme)
    await h.tick()
    await _answer(h, "Some of the time", "Hardly ever", "Hardly ever")  # end of support: 4, a rise of 1
    assert await _low_scores(h) == []
    for _ in range(4):
        context = await _next_checkin(h)
        if context.get("milestone") == "3m":
            break
        await _answer(h)
    assert context["milestone"] == "3m", context
    await _answer(h, "Some of the time", "Some of the time", "Hardly ever")  # 5: a rise of 2
    [escalation] = await _low_scores(h)
    [item] = escalation.evidence["items"]
    assert item["rule"] == "flows/followup.toml escalations[3]: low_score when score 'ucla3' is 2 or more " \
                           "above the person's baseline"
    assert {k: item[k] for k in ("instrument", "baseline", "now", "rise", "baseline_at", "now_at")} == {
        "instrument": "ucla3", "baseline": 3, "now": 5, "rise": 2, "baseline_at": baseline_at.isoformat(),
        "now_at": h.clock.now().isoformat(),
    }
