"""The person's own controls end to end: /time, /pause, /resume, /language, STOP and /start, /help."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store.models import Answer, AuditEvent, CheckIn, Escalation, Meta, Person
from bot.telegram.commands import COMMANDS
from bot.testing import Harness
from bot.usecases import controls

WORKER, PERSON, STRANGER = 501, 701, 9999
CONTROL_COMMANDS = ("time", "pause", "resume", "language", "stop")


async def _enrolled(h: Harness, language: str = "English") -> None:
    """Alex joins on Monday 2 March 2026 at 09:00 UTC and chooses Mondays at 10:00."""
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    monday = "Dydd Llun" if language == "Cymraeg" else "Monday"
    await h.join(PERSON, token, language=language, day=monday, at="10:00")


async def _person(h: Harness) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person))).scalar_one()


async def _scheduled(h: Harness) -> list[CheckIn]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = await session.execute(select(CheckIn).where(CheckIn.status == "scheduled").order_by(CheckIn.id))
        return list(rows.scalars())


async def _count(h: Harness, model: Any) -> int:
    assert h.services is not None
    async with h.services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _callback_texts(h: Harness) -> list[str]:
    return [a.get("text") or "" for a in h.sandbox.state.callback_answers]


# -- /time -------------------------------------------------------------------------------------------------

async def test_time_changes_day_time_and_frequency(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    [first] = await _scheduled(h)
    assert first.due_at == _utc(2026, 3, 2, 10, 0)

    await h.say(PERSON, "/time")
    assert "Which day suits you best" in h.texts(PERSON)[-1]
    await h.tap(PERSON, "Thursday")
    assert h.texts(PERSON)[-2].endswith("Day: Thursday")
    assert not h.buttons(h.messages(PERSON)[-2]), "the answered question loses its buttons"
    await h.tap(PERSON, "14:00")
    assert h.texts(PERSON)[-2].endswith("Time: 14:00")
    await h.tap(PERSON, "Every two weeks")
    assert h.texts(PERSON)[-2].endswith("How often: Every two weeks")
    assert not any(h.buttons(m) for m in h.messages(PERSON)[-3:])
    confirm = h.texts(PERSON)[-1]
    assert "I'll check in on Thursdays at 14:00, every two weeks" in confirm
    assert "Thursday 5 March at 14:00" in confirm

    person = await _person(h)
    assert (person.checkin_day, person.checkin_time, person.frequency) == (3, "14:00", "fortnightly")
    [following] = await _scheduled(h)
    assert following.due_at == _utc(2026, 3, 5, 14, 0)

    assert (await h.advance(hours=1)).sent == 0, "the old Monday 10:00 check-in was cancelled"
    assert (await h.advance(_utc(2026, 3, 5, 13, 59) - h.clock.now())).sent == 0
    assert (await h.advance(minutes=1)).sent == 1
    await h.tap(PERSON, "Skip")
    [after] = await _scheduled(h)
    assert after.due_at == _utc(2026, 3, 19, 14, 0), "every two weeks"


async def test_time_in_welsh_confirms_in_welsh(harness: Harness) -> None:
    h = harness
    await _enrolled(h, language="Cymraeg")
    await h.say(PERSON, "/time")
    await h.tap(PERSON, "Dydd Iau")
    await h.tap(PERSON, "18:00")
    await h.tap(PERSON, "Bob wythnos")
    assert "bydda i’n cysylltu bob dydd Iau am 18:00" in h.texts(PERSON)[-1]
    assert "ddydd Iau 5 Mawrth am 18:00" in h.texts(PERSON)[-1]


async def test_stale_time_taps_change_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/time")
    old = h.open_question(PERSON)
    await h.say(PERSON, "/time")
    await h.tap(PERSON, "Friday", message=old)
    assert _callback_texts(h)[-1] == "Already noted — thank you."
    assert not h.buttons(h.sandbox.state.find_message(PERSON, old["message_id"]) or {})

    current = h.open_question(PERSON)
    friday = next(b for b in h.buttons(current) if b["text"] == "Friday")
    await h.press(PERSON, current["message_id"], friday["callback_data"])
    shown = len(h.messages(PERSON))
    await h.press(PERSON, current["message_id"], friday["callback_data"])  # a second tap on the same button
    assert len(h.messages(PERSON)) == shown
    assert _callback_texts(h)[-1] == "Already noted — thank you."
    await h.tap(PERSON, "18:00")
    await h.tap(PERSON, "Every week")
    person = await _person(h)
    assert (person.checkin_day, person.checkin_time, person.frequency) == (4, "18:00", "weekly")
    [following] = await _scheduled(h)
    assert following.due_at == _utc(2026, 3, 6, 18, 0)


# -- /pause and /resume ------------------------------------------------------------------------------------

async def test_pause_two_weeks_sends_nothing_until_it_ends(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/pause")
    assert [b["text"] for b in h.buttons(h.messages(PERSON)[-1])] == [
        "1 week", "2 weeks", "1 month", "Until I say", "Never mind"]
    await h.tap(PERSON, "2 weeks")
    assert h.texts(PERSON)[-2].endswith("✓ 2 weeks")
    assert "Your next one will be on Monday 16 March at 10:00" in h.texts(PERSON)[-1]
    assert h.texts(WORKER)[-1] == "⏸ Alex has paused check-ins until Monday 16 March."
    person = await _person(h)
    assert (person.status, person.status_before_pause) == ("paused", "active")
    assert person.paused_until == _utc(2026, 3, 16, 0, 0)
    assert await _scheduled(h) == []

    assert (await h.advance(days=7)).sent == 0
    assert (await h.advance(days=6, hours=23)).sent == 0  # Monday 16 March 08:00 UTC
    assert (await _person(h)).status == "active"
    assert (await h.advance(hours=2)).sent == 1
    assert h.buttons(h.messages(PERSON)[-1]), "the check-in question arrived after the pause"


async def test_pause_until_i_say_then_resume(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/pause")
    await h.tap(PERSON, "Until I say")
    assert "paused until you send /resume" in h.texts(PERSON)[-1]
    assert h.texts(WORKER)[-1] == "⏸ Alex has paused check-ins until they choose to resume."
    person = await _person(h)
    assert (person.status, person.paused_until) == ("paused", None)

    assert (await h.advance(days=21)).sent == 0  # Monday 23 March, 09:00 UTC
    await h.say(PERSON, "/resume")
    assert "Your next one is on Monday 23 March at 10:00" in h.texts(PERSON)[-1]
    assert h.texts(WORKER)[-1] == "▶️ Alex has resumed check-ins."
    person = await _person(h)
    assert (person.status, person.paused_until, person.status_before_pause) == ("active", None, None)
    assert (await h.advance(hours=1)).sent == 1

    await h.say(PERSON, "/resume")
    assert "aren't paused" in h.texts(PERSON)[-1]


async def test_pause_never_mind_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    before = [c.due_at for c in await _scheduled(h)]
    told = len(h.messages(WORKER))
    await h.say(PERSON, "/pause")
    await h.tap(PERSON, "Never mind")
    assert "carry on as usual" in h.texts(PERSON)[-1]
    assert (await _person(h)).status == "active"
    assert [c.due_at for c in await _scheduled(h)] == before
    assert len(h.messages(WORKER)) == told


# -- /language ---------------------------------------------------------------------------------------------

async def test_language_switches_to_welsh(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/language")
    assert [b["text"] for b in h.buttons(h.messages(PERSON)[-1])] == ["English", "Cymraeg"]
    await h.tap(PERSON, "Cymraeg")
    assert h.texts(PERSON)[-1] == "Dyna ni — bydda i’n ysgrifennu atoch chi yn Gymraeg o hyn ymlaen."
    assert (await _person(h)).locale == "cy"
    await h.say(PERSON, "/pause")
    assert "Angen seibiant" in h.texts(PERSON)[-1]
    assert [b["text"] for b in h.buttons(h.messages(PERSON)[-1])][-1] == "Dim ots"

    await h.say(PERSON, "/language")
    await h.tap(PERSON, "English")
    assert h.texts(PERSON)[-1] == "Done — I'll write to you in English from now on."


# -- STOP and /start ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["stop", "Stop.", " STOP ", "STOP!", "/stop"])
async def test_stop_confirmed_stops_everything_and_tells_the_worker(harness: Harness, word: str) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, word)
    assert "Do you want to stop check-ins?" in h.texts(PERSON)[-1]
    assert [b["text"] for b in h.buttons(h.messages(PERSON)[-1])] == ["Yes, stop", "No, keep going"]
    await h.tap(PERSON, "Yes, stop")
    assert h.texts(PERSON)[-2].endswith("✓ Yes, stop")
    assert "I won't send you anything more" in h.texts(PERSON)[-1] and "/start" in h.texts(PERSON)[-1]
    assert "Alex has stopped check-ins" in h.texts(WORKER)[-1]

    person = await _person(h)
    assert person.status == "stopped" and person.stopped_at == h.clock.now()
    assert await _scheduled(h) == []
    assert h.services is not None
    async with h.services.db.session() as session:
        [escalation] = (await session.execute(select(Escalation))).scalars()
        actions = list((await session.execute(select(AuditEvent.action))).scalars())
    assert (escalation.kind, escalation.status, escalation.person_id) == ("stopped", "open", person.id)
    assert escalation.evidence["items"][0]["by"] == "person"
    assert "stopped" in actions

    shown = len(h.messages(PERSON))
    for _ in range(6):
        assert (await h.advance(days=7)).sent == 0
    assert len(h.messages(PERSON)) == shown, "nothing is sent to someone who stopped"


async def test_stop_typed_during_a_checkin_is_not_an_answer(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    assert (await h.advance(hours=1)).sent == 1
    await h.say(PERSON, "STOP")
    assert "Do you want to stop check-ins?" in h.texts(PERSON)[-1]
    assert await _count(h, Answer) == 0
    await h.tap(PERSON, "Yes, stop")
    assert h.services is not None
    async with h.services.db.session() as session:
        statuses = list((await session.execute(select(CheckIn.status))).scalars())
    assert "open" not in statuses and "scheduled" not in statuses
    assert (await h.advance(days=2)).reminded == 0


async def test_keep_going_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    before = [c.due_at for c in await _scheduled(h)]
    told = len(h.messages(WORKER))
    await h.say(PERSON, "stop")
    await h.tap(PERSON, "No, keep going")
    assert "carry on as usual" in h.texts(PERSON)[-1]
    assert (await _person(h)).status == "active"
    assert [c.due_at for c in await _scheduled(h)] == before
    assert len(h.messages(WORKER)) == told
    assert await _count(h, Escalation) == 0
    assert (await h.advance(hours=1)).sent == 1


async def test_second_tap_on_yes_stop_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "stop")
    question = h.open_question(PERSON)
    yes = h.buttons(question)[0]["callback_data"]
    await h.press(PERSON, question["message_id"], yes)
    told, shown = len(h.messages(WORKER)), len(h.messages(PERSON))
    await h.press(PERSON, question["message_id"], yes)
    assert len(h.messages(WORKER)) == told
    assert len(h.messages(PERSON)) == shown + 1, "they are told plainly where they stand"
    assert h.texts(PERSON)[-1].startswith("You've already stopped check-ins")
    assert "Already noted" not in _callback_texts(h)[-1]
    assert h.services is not None
    async with h.services.db.session() as session:
        [escalation] = (await session.execute(select(Escalation))).scalars()
    assert len(escalation.evidence["items"]) == 1


async def test_start_after_stop_brings_them_back(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "STOP")
    await h.tap(PERSON, "Yes, stop")
    await h.advance(days=14)  # Monday 16 March, 09:00 UTC
    await h.say(PERSON, "/pause")
    assert "send /start" in h.texts(PERSON)[-1]
    await h.say(PERSON, "/start")
    assert "Welcome back, Alex" in h.texts(PERSON)[-1]
    assert "Monday 16 March at 10:00" in h.texts(PERSON)[-1]
    assert "Alex has started check-ins again" in h.texts(WORKER)[-1]
    person = await _person(h)
    assert (person.status, person.stopped_at) == ("active", None)
    assert (await h.advance(hours=1)).sent == 1


# -- people who cannot use the controls -------------------------------------------------------------------

@pytest.mark.parametrize("command", ["/pause", "/time", "/resume", "/language", "/stop", "STOP"])
async def test_stranger_gets_a_kind_reply_and_nothing_is_stored(harness: Harness, command: str) -> None:
    h = harness
    await h.say(STRANGER, command)
    assert "ask your link worker for an invite link" in h.texts(STRANGER)[-1]
    assert not h.buttons(h.messages(STRANGER)[-1])
    assert (await _count(h, Person), await _count(h, Meta), await _count(h, AuditEvent)) == (0, 0, 0)


async def test_person_mid_joining_is_nudged_to_finish(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.say(PERSON, f"/start {token}")
    await h.tap(PERSON, "Agree")
    audit = await _count(h, AuditEvent)
    await h.say(PERSON, "/pause")
    assert "please finish joining first" in h.texts(PERSON)[-1]
    person = await _person(h)
    assert (person.status, person.paused_until, person.onboarding) == ("invited", None, "language")
    assert (await _count(h, Meta), await _count(h, AuditEvent)) == (0, audit)


# -- /help and the command menu ---------------------------------------------------------------------------

async def test_help_lists_the_controls_and_how_to_reach_the_worker(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(PERSON, "/help")
    shown = h.texts(PERSON)[-1]
    assert "Reaching Sam Worker" in shown and "Riverside Link Service directly" in shown
    for name in CONTROL_COMMANDS:
        assert f"/{name} —" in shown
    assert "Samaritans" in shown and "116 123" in shown
    await h.say(PERSON, "/language")
    await h.tap(PERSON, "Cymraeg")
    await h.say(PERSON, "/help")
    assert "Eich gosodiadau" in h.texts(PERSON)[-1] and "Samariaid" in h.texts(PERSON)[-1]


async def test_commands_are_registered_in_each_language(harness: Harness) -> None:
    h = harness
    calls = [c["params"] for c in h.sandbox.state.calls if c["method"] == "setMyCommands"]
    by_language = {p.get("language_code"): {c["command"]: c["description"] for c in p["commands"]} for p in calls}
    assert set(CONTROL_COMMANDS) <= set(COMMANDS)
    assert by_language[None]["pause"] == "Take a break from check-ins"
    assert by_language["cy"]["pause"] == "Cymryd seibiant o’r negeseuon gwirio i mewn"
    for menu in by_language.values():
        assert set(CONTROL_COMMANDS) <= set(menu)


# -- every template renders in every locale --------------------------------------------------------------

VARIABLES = {"day": "Monday", "day_on": "Monday", "number": 16, "month": "March", "date": "Monday 16 March",
             "time": "10:00", "when": "Monday 16 March at 10:00", "schedule": "Mondays at 10:00",
             "frequency": "Every week", "choice": "1 week", "language": "Cymraeg", "name": "Alex <b>"}


async def test_control_messages_exist_and_render_in_every_locale(harness: Harness) -> None:
    assert harness.services is not None
    messages = harness.services.messages
    english = sorted(k for k in messages.keys("en") if k.startswith("controls."))
    assert english
    for locale in messages.locales:
        assert set(english) <= messages.keys(locale), f"{locale} lacks control messages"
        for key in english:
            assert harness.services.text(locale, key, **VARIABLES)
        for name in CONTROL_COMMANDS:
            assert f"commands.{name}" in messages.keys(locale)
    assert "Alex &lt;b&gt;" in harness.services.text("en", "controls.stop.worker", **VARIABLES)


# -- when a pause ends -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "choice", "ends"), [
    (_utc(2026, 3, 2, 9, 0), "1w", _utc(2026, 3, 9, 0, 0)),
    (_utc(2026, 3, 23, 9, 0), "2w", _utc(2026, 4, 5, 23, 0)),  # midnight in British Summer Time
    (_utc(2026, 1, 31, 12, 0), "1m", _utc(2026, 2, 28, 0, 0)),  # no 31 February: the month's last day
    (_utc(2026, 12, 15, 12, 0), "1m", _utc(2027, 1, 15, 0, 0)),
    (_utc(2026, 3, 2, 23, 30), "1w", _utc(2026, 3, 9, 0, 0)),
    (_utc(2026, 3, 2, 9, 0), "open", None),
])
def test_a_pause_ends_at_the_start_of_a_local_day(now: datetime, choice: str, ends: datetime | None) -> None:
    assert controls.pause_end(choice, now, "Europe/London") == ends
