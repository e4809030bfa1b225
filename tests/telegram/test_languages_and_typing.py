"""Welsh and English speakers each see only their own language; typed answers are understood kindly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.store.models import Answer
from bot.testing import Harness

WORKER, ENGLISH, WELSH = 501, 701, 702


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    async with Harness(database_url, programme={"baseline": True}) as harness:
        await harness.linked_worker(WORKER)
        await harness.join(ENGLISH, await harness.invite(WORKER, "Alex"))
        await harness.join(WELSH, await harness.invite(WORKER, "Bethan"), language="Cymraeg", day="Dydd Llun")
        yield harness


async def _answers(h: Harness) -> dict[str, str | None]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return {a.result: a.value for a in (await session.execute(select(Answer))).scalars()}


async def _skip_to_the_weekly(h: Harness) -> None:
    await h.tick()
    for user in (ENGLISH, WELSH):
        for _ in range(12):
            try:
                await h.tap(user, "Skip" if user == ENGLISH else "Hepgor")
            except AssertionError:
                break
    await h.advance(days=7, hours=2)


async def test_weekly_checkin_in_each_persons_language(h: Harness) -> None:
    await _skip_to_the_weekly(h)
    welsh_question = h.open_question(WELSH)
    assert welsh_question["text"].startswith("Helo! Sut ydych chi wedi bod yn teimlo")
    assert [b["text"] for b in h.buttons(welsh_question)][-1] == "Hepgor"
    assert "😞 Isel iawn" in [b["text"] for b in h.buttons(welsh_question)]
    english_question = h.open_question(ENGLISH)
    assert english_question["text"].startswith("Hello! How have you been feeling")
    assert "Hepgor" not in str(h.messages(ENGLISH)) and "Helo" not in str(h.messages(ENGLISH))


async def test_measures_are_asked_in_english_to_a_welsh_speaker_with_the_reason(h: Harness) -> None:
    await h.tick()
    texts = " ".join(h.texts(WELSH))
    assert "Saesneg" in texts, "the Welsh note says why the measure is in English"
    while "How often" not in h.open_question(WELSH)["text"]:
        await h.tap(WELSH, "Hepgor")
    assert h.open_question(WELSH)["text"] == "How often do you feel that you lack companionship?"


@pytest.mark.parametrize("typed", ["7", "seven", "7/10", " 7 "])
async def test_a_number_typed_for_a_0_to_10_question(h: Harness, typed: str) -> None:
    await h.tick()
    while "satisfied are you with your life" not in h.open_question(ENGLISH)["text"]:
        await h.tap(ENGLISH, "Skip")
    await h.say(ENGLISH, typed)
    assert (await _answers(h))["ons4_satisfied"] == "7"
    assert "worthwhile" in h.open_question(ENGLISH)["text"]


async def test_text_where_a_button_is_expected_gets_a_nudge_and_the_buttons_again(h: Harness) -> None:
    await h.tick()
    while "lack companionship" not in h.open_question(ENGLISH)["text"]:
        await h.tap(ENGLISH, "Skip")
    await h.say(ENGLISH, "banana")
    assert "lack companionship" in h.open_question(ENGLISH)["text"]
    assert "ucla_1" not in await _answers(h)
    assert any("button" in t.lower() or "tap" in t.lower() for t in h.texts(ENGLISH)[-2:])
