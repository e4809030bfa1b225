"""The weekly check-in end to end: sent at the chosen time, answered with a tap, stale and double taps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.store.models import Answer, CheckIn
from bot.testing import Harness

WORKER, PERSON = 501, 701


async def _enrolled(h: Harness) -> None:
    await h.linked_worker(WORKER)
    token = await h.invite(WORKER, "Alex")
    await h.join(PERSON, token, day="Monday", at="10:00")


async def _checkins(h: Harness) -> list[CheckIn]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(CheckIn).order_by(CheckIn.id))).scalars())


async def _answers(h: Harness) -> list[tuple[str, str | None]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(select(Answer).order_by(Answer.id))).scalars()
        return [(a.result, a.value) for a in rows]


async def test_checkin_sent_at_chosen_time_and_answered(harness: Harness) -> None:
    h = harness
    await _enrolled(h)  # joined on Monday 2 March at 09:00 UTC, chose Mondays at 10:00
    shown_before = len(h.messages(PERSON))
    assert (await h.advance(minutes=59)).sent == 0
    report = await h.advance(minutes=1)
    assert report.sent == 1
    question = h.messages(PERSON)[-1]
    assert len(h.messages(PERSON)) == shown_before + 1
    labels = [b["text"] for b in h.buttons(question)]
    assert len(labels) == 6 and labels[-1] == "Skip"

    await h.press(PERSON, question["message_id"], h.buttons(question)[3]["callback_data"])
    edited = h.sandbox.state.find_message(PERSON, question["message_id"])
    assert edited is not None and "reply_markup" not in edited
    assert edited["text"].endswith(f"✓ {labels[3]}")
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in")
    assert await _answers(h) == [("mood", "4")]
    first, following = await _checkins(h)
    assert first.status == "answered"
    assert following.status == "scheduled" and following.due_at == first.due_at + timedelta(days=7)


async def test_skip_is_recorded_as_skipped(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(hours=1)
    await h.tap(PERSON, "Skip")
    assert h.texts(PERSON)[-2].endswith("✓ Skipped")
    assert await _answers(h) == [("mood", None)]


async def test_second_tap_on_the_same_button_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(hours=1)
    question = h.open_question(PERSON)
    data = h.buttons(question)[1]["callback_data"]
    await h.press(PERSON, question["message_id"], data)
    after_first = h.texts(PERSON)
    await h.press(PERSON, question["message_id"], data)
    assert h.texts(PERSON) == after_first
    assert len(await _answers(h)) == 1


async def test_tap_on_a_closed_checkin(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(hours=1)
    question = h.open_question(PERSON)
    report = await h.advance(hours=h.settings.checkins.expire_after_hours)
    assert report.expired == 1
    await h.press(PERSON, question["message_id"], h.buttons(question)[0]["callback_data"])
    closed = h.sandbox.state.find_message(PERSON, question["message_id"])
    assert closed is not None and "reply_markup" not in closed
    assert "This check-in has closed" in closed["text"]
    assert any("has closed" in (a.get("text") or "") for a in h.sandbox.state.callback_answers)
    assert await _answers(h) == []
    statuses = [c.status for c in await _checkins(h)]
    assert statuses == ["expired", "scheduled"]


async def test_answer_counts_after_a_restart(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.advance(hours=1)
    question = h.open_question(PERSON)
    await h.restart()
    await h.press(PERSON, question["message_id"], h.buttons(question)[4]["callback_data"])
    assert h.texts(PERSON)[-1].startswith("Thank you for checking in")
    assert await _answers(h) == [("mood", "5")]


async def test_overdue_checkin_is_sent_after_downtime_exactly_once(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.stop_bot()
    h.clock.advance(timedelta(hours=5))
    await h.start_bot()
    first, second = await h.tick(), await h.tick()
    assert (first.sent, second.sent) == (1, 0)


async def test_blocked_person_becomes_unreachable_and_worker_is_told(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.sandbox.client.block(PERSON)
    report = await h.advance(hours=1)
    assert report.delivery.get("unreachable") == 1
    assert "can no longer be reached" in h.texts(WORKER)[-1]
    assert [c.status for c in await _checkins(h)] == ["failed"]


async def test_typed_words_of_any_length_are_kept_whole(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/activity Alex the Tuesday lunch club")
    await h.advance(hours=1)
    await h.tap(PERSON, "Good")
    await h.tap(PERSON, "No")  # did not make it to the lunch club
    words = "The bus stopped running after the timetable changed, " * 20  # over 1,000 characters
    await h.say(PERSON, words)
    assert h.services is not None
    async with h.services.db.session() as session:
        barrier = (await session.execute(select(Answer).where(Answer.result == "barrier"))).scalar_one()
    assert barrier.text == words and barrier.value is None, "the words whole in text; value is for values"
    assert "went_to_activity" in [r for r, _ in await _answers(h)]
