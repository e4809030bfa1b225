"""Stopping at any stage, end to end: STOP, /stop and plain requests, for members, people still joining
and people who declined; stale confirmations say plainly where the person stands."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store.models import AuditEvent, CheckIn, Escalation, Meta, Person
from bot.testing import Harness

WORKER, PERSON, STRANGER = 501, 701, 9999


async def _enrolled(h: Harness, language: str = "English") -> None:
    """Alex joins on Monday 2 March 2026 at 09:00 UTC and chooses Mondays at 10:00."""
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.join(PERSON, token, language=language, day="Dydd Llun" if language == "Cymraeg" else "Monday")


async def _invited(h: Harness) -> None:
    """Alex redeems the invite; the consent question is showing."""
    await h.linked_worker(WORKER)
    await h.say(PERSON, f"/start {await h.invite(WORKER, 'Alex')}")


async def _person(h: Harness) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person))).scalar_one()


async def _escalations(h: Harness) -> list[tuple[str, str]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(select(Escalation).order_by(Escalation.id))).scalars()
        return [(e.kind, e.status) for e in rows]


async def _count(h: Harness, model: Any) -> int:
    assert h.services is not None
    async with h.services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _labels(h: Harness, chat: int) -> list[str]:
    return [b["text"] for b in h.buttons(h.messages(chat)[-1])]


async def _nothing_more_for_weeks(h: Harness, weeks: int = 3) -> None:
    shown = len(h.messages(PERSON))
    for _ in range(weeks):
        assert (await h.advance(days=7)).sent == 0
    assert len(h.messages(PERSON)) == shown, "nothing more is sent to someone who stopped"


PLEAS = ["please stop messaging me", "stop messaging me", "Leave me alone", "unsubscribe", "don't message me again",
         "Don’t message me again.", "Please, just leave me alone!", "peidiwch â chysylltu"]


@pytest.mark.parametrize("plea", PLEAS)
async def test_a_plain_request_asks_once_then_stops(harness: Harness, plea: str) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, plea)
    assert "Would you like me to stop check-ins?" in h.texts(PERSON)[-1]
    assert _labels(h, PERSON) == ["Stop check-ins", "Keep them"]
    await h.tap(PERSON, "Stop check-ins")
    assert h.texts(PERSON)[-2].endswith("✓ Stop check-ins")
    assert "Check-ins have stopped" in h.texts(PERSON)[-1]
    assert h.texts(WORKER)[-1].startswith("🛑 Alex has stopped check-ins")
    assert (await _person(h)).status == "stopped"
    assert await _escalations(h) == [("stopped", "open")]
    await _nothing_more_for_weeks(h)


async def test_a_plain_request_in_welsh_is_asked_in_welsh(harness: Harness) -> None:
    h = harness
    await _enrolled(h, language="Cymraeg")
    await h.say(PERSON, "Peidiwch a chysylltu â mi eto")
    assert "Hoffech chi i mi stopio’r negeseuon gwirio i mewn?" in h.texts(PERSON)[-1]
    assert _labels(h, PERSON) == ["Stopio’r negeseuon", "Eu cadw"]
    await h.say(PERSON, "stopio")
    assert _labels(h, PERSON) == ["Ydw, stopio", "Na, dal ati"], "stopio is a clear request"


async def test_keep_them_changes_nothing_and_the_next_checkin_comes(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    told = len(h.messages(WORKER))
    await h.say(PERSON, "leave me alone")
    await h.tap(PERSON, "Keep them")
    assert "carry on as usual" in h.texts(PERSON)[-1]
    assert (await _person(h)).status == "active" and len(h.messages(WORKER)) == told
    assert await _escalations(h) == []
    assert (await h.advance(hours=1)).sent == 1
    assert h.buttons(h.messages(PERSON)[-1]), "the check-in question arrived"


@pytest.mark.parametrize("text", ["My neighbour won't leave me alone", "I want to stop smoking"])
async def test_words_inside_a_sentence_are_not_a_request(harness: Harness, text: str) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, text)
    assert not h.buttons(h.messages(PERSON)[-1]) and "passed it on to" in h.texts(PERSON)[-1]


@pytest.mark.parametrize("word", ["STOP", "/stop", "stop messaging me"])
async def test_someone_still_joining_can_stop_and_nothing_more_is_sent(harness: Harness, word: str) -> None:
    h = harness
    await _invited(h)
    await h.tap(PERSON, "Agree")  # the language question is showing
    await h.say(PERSON, word)
    await h.tap(PERSON, "stop")
    assert "I won't send you anything more" in h.texts(PERSON)[-1] and "/start" in h.texts(PERSON)[-1]
    assert "Alex asked me to stop before they had finished joining" in h.texts(WORKER)[-1]
    person = await _person(h)
    assert (person.status, person.onboarding) == ("stopped", "consent"), "consent is asked again on return"
    assert await _escalations(h) == [("stopped", "open")]
    assert await _count(h, CheckIn) == 0
    await _nothing_more_for_weeks(h)
    await h.say(PERSON, "hello?")
    assert "You've stopped check-ins" in h.texts(PERSON)[-1]


async def test_an_old_joining_button_after_stopping_does_not_carry_on(harness: Harness) -> None:
    h = harness
    await _invited(h)
    await h.tap(PERSON, "Agree")
    language = h.open_question(PERSON)
    await h.say(PERSON, "STOP")
    await h.tap(PERSON, "stop")
    await h.tap(PERSON, "English", language)
    assert (await _person(h)).status == "stopped"
    assert "You've stopped check-ins" in (h.sandbox.state.callback_answers[-1].get("text") or "")
    assert not h.buttons(h.sandbox.state.find_message(PERSON, language["message_id"]) or {})


async def test_someone_who_declined_can_stop_then_come_back_and_join(harness: Harness) -> None:
    h = harness
    await _invited(h)
    await h.tap(PERSON, "Not now")
    await h.say(PERSON, "STOP")
    assert _labels(h, PERSON) == ["Yes, stop", "No, keep going"]
    await h.tap(PERSON, "Yes, stop")
    assert "Alex asked me to stop" in h.texts(WORKER)[-1]
    assert (await _person(h)).status == "stopped"
    await h.say(PERSON, "/stop")
    assert h.texts(PERSON)[-1].startswith("You've already stopped check-ins")
    await _nothing_more_for_weeks(h, weeks=1)

    await h.say(PERSON, "/start")  # Monday 9 March, 09:00 UTC
    assert "Here is the question about check-ins again" in h.texts(PERSON)[-2]
    assert _labels(h, PERSON) == ["Agree", "Not now"]
    assert "Alex sent /start again and is carrying on with joining" in h.texts(WORKER)[-1]
    assert await _escalations(h) == [("stopped", "closed")]
    assert (await _person(h)).status == "invited"
    for label in ("Agree", "English", "Monday", "10:00"):
        await h.tap(PERSON, label)
    assert (await _person(h)).status == "active"
    assert (await h.advance(hours=1)).sent == 1, "their first check-in arrives"


async def test_keeping_on_while_joining_changes_nothing(harness: Harness) -> None:
    h = harness
    await _invited(h)
    await h.say(PERSON, "unsubscribe")
    await h.tap(PERSON, "Keep them")
    assert "send /start to carry on joining" in h.texts(PERSON)[-1]
    person = await _person(h)
    assert (person.status, person.onboarding) == ("invited", "consent")
    assert await _escalations(h) == []


async def test_an_older_yes_stop_still_stops_and_a_later_one_says_where_they_stand(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "stop")
    older = h.open_question(PERSON)
    await h.say(PERSON, "/stop")
    newer = h.open_question(PERSON)
    await h.tap(PERSON, "Yes, stop", message=older)
    assert "Check-ins have stopped" in h.texts(PERSON)[-1]
    assert (await _person(h)).status == "stopped"
    told = len(h.messages(WORKER))
    assert "Alex has stopped check-ins" in h.texts(WORKER)[-1]

    for label in ("Yes, stop", "No, keep going"):
        await h.tap(PERSON, label, message=newer)
        assert h.texts(PERSON)[-1].startswith("You've already stopped check-ins"), label
        assert "Already noted" not in (h.sandbox.state.callback_answers[-1].get("text") or "")
    assert len(h.messages(WORKER)) == told, "the worker is told once"
    assert not h.buttons(h.sandbox.state.find_message(PERSON, newer["message_id"]) or {})
    assert await _escalations(h) == [("stopped", "open")]
    await _nothing_more_for_weeks(h)


async def test_an_older_keep_going_says_check_ins_carry_on(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "stop")
    older = h.open_question(PERSON)
    await h.say(PERSON, "leave me alone")
    await h.tap(PERSON, "No, keep going", message=older)
    assert "carry on as usual" in h.texts(PERSON)[-1]
    assert (await _person(h)).status == "active"
    await h.tap(PERSON, "Stop check-ins")  # the newer question still counts
    assert (await _person(h)).status == "stopped"


async def test_stop_cancels_the_open_checkin_and_its_buttons_go(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    assert (await h.advance(hours=1)).sent == 1
    question = h.open_question(PERSON)
    await h.say(PERSON, "please stop messaging me")
    await h.tap(PERSON, "Stop check-ins")
    assert not h.buttons(h.sandbox.state.find_message(PERSON, question["message_id"]) or {})
    assert (await h.advance(days=2)).reminded == 0
    await _nothing_more_for_weeks(h)


@pytest.mark.parametrize("text", ["leave me alone", "STOP", "/stop"])
async def test_strangers_get_the_usual_reply_and_nothing_is_stored(harness: Harness, text: str) -> None:
    h = harness
    await h.say(STRANGER, text)
    assert "ask your link worker for an invite link" in h.texts(STRANGER)[-1]
    assert not h.buttons(h.messages(STRANGER)[-1])
    assert (await _count(h, Person), await _count(h, Meta), await _count(h, AuditEvent)) == (0, 0, 0)
