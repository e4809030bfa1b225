"""Sessions with the worker: /session, the reminder the day before and its two buttons, /missed, /attended."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.store.models import Appointment, AuditEvent, Escalation
from bot.testing import Harness

WORKER, OTHER_WORKER, ALEX, STRANGER = 501, 502, 701, 999
REMINDER = "A reminder of your next session"


async def _enrolled(h: Harness, language: str = "English", day: str = "Monday") -> None:
    """Worker Sam Jones; Alex Smith joined on Monday 2 March 09:00 (GMT), check-ins on Mondays at 10:00."""
    await h.linked_worker(WORKER, "Sam Jones")
    await h.join(ALEX, await h.invite(WORKER, "Alex Smith"), language=language, day=day)


async def _advance_to(h: Harness, when: datetime) -> int:
    """Move the clock to ``when`` and run a dispatch pass (which sends session reminders too)."""
    h.clock.set(when)
    return (await h.tick()).appointment_reminders


def _now_shown(h: Harness, message: dict[str, Any]) -> str:
    """The text of ``message`` as the person sees it now (after the bot's edits)."""
    current = h.sandbox.state.find_message(ALEX, message["message_id"])
    assert current is not None
    return str(current.get("text", ""))


def _reminders(h: Harness, marker: str = REMINDER) -> list[dict[str, Any]]:
    return [m for m in h.messages(ALEX) if marker in (m.get("text") or "")]


async def _appointments(h: Harness) -> list[Appointment]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Appointment).order_by(Appointment.id))).scalars())


async def _escalations(h: Harness) -> list[Escalation]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Escalation).order_by(Escalation.id))).scalars())


def at(day: int, hour: int, minute: int = 0) -> datetime:
    from datetime import UTC

    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def test_session_is_booked_with_the_date_written_out(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    shown = len(h.messages(ALEX))
    await h.say(WORKER, "/session Alex thu 14:00 the library")
    assert h.texts(WORKER)[-1] == ("✓ Session with Alex Smith: Thursday 5 March at 14:00, at the library. "
                                   "They'll get a reminder the day before.")
    [booked] = await _appointments(h)
    assert (booked.at, booked.place, booked.status) == (at(5, 14), "the library", "booked")
    assert len(h.messages(ALEX)) == shown, "the person hears about it in the reminder, not now"

    await h.say(WORKER, "/session Alex 12/03 2:30pm")
    assert h.texts(WORKER)[-1].endswith("(Replaces Thursday 5 March at 14:00.)")
    old, new = await _appointments(h)
    assert old.status == "cancelled" and (new.at, new.place, new.status) == (at(12, 14, 30), None, "booked")
    assert h.services is not None
    async with h.services.db.session() as session:
        actions = list((await session.execute(select(AuditEvent.action))).scalars())
    assert actions.count("session_booked") == 2


async def test_session_in_summer_time_is_local_time(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex 2026-04-02 14:00")
    assert "Thursday 2 April at 14:00" in h.texts(WORKER)[-1]
    [booked] = await _appointments(h)
    assert booked.at == datetime.fromisoformat("2026-04-02T13:00:00+00:00")


async def test_session_times_that_cannot_be_used_are_refused_with_an_example(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    cases = {
        "/session Alex": "Add who and when",
        "/session Alex soon": "I couldn't read that as a date and time. Try 12/03 14:00",
        "/session Alex next week at the library": "I couldn't read that",
        "/session Alex 31/02 10:00": "I couldn't read that",
        "/session Alex 01/03 10:00": "That time has already passed. Try a time to come",
        "/session Alex 12/03/2030 10:00": "more than a year away",
        "/session Alex tomorrow 10:30 " + "x" * 201: "keep the place to 200 characters",
    }
    for command, expected in cases.items():
        await h.say(WORKER, command)
        assert expected in h.texts(WORKER)[-1], (command, h.texts(WORKER)[-1])
    assert await _appointments(h) == []


async def test_reminder_the_day_before_at_the_usual_time_sent_once(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex thu 14:00 the library")
    await _advance_to(h, at(4, 9, 59))
    assert _reminders(h) == []
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h)
    assert reminder["text"] == ("A reminder of your next session with Sam Jones, your link worker:\n"
                                "Thursday 5 March at 14:00, at the library\n\nCan you make it?")
    assert [b["text"] for b in h.buttons(reminder)] == ["I can make it", "I need to change it"]
    await _advance_to(h, at(4, 18, 0))
    assert await _advance_to(h, at(4, 20, 0)) == 0
    assert len(_reminders(h)) == 1, "sent once"
    [booked] = await _appointments(h)
    assert booked.reminded_at == at(4, 10, 0) and booked.message_id == reminder["message_id"]


async def test_reminder_at_six_when_booked_after_the_usual_time(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    h.clock.set(at(4, 12, 0))
    await h.say(WORKER, "/session Alex tomorrow 14:00")
    await _advance_to(h, at(4, 17, 59))
    assert _reminders(h) == []
    await _advance_to(h, at(4, 18, 0))
    assert len(_reminders(h)) == 1


async def test_reminder_in_welsh_for_a_welsh_speaker(harness: Harness) -> None:
    h = harness
    await _enrolled(h, language="Cymraeg", day="Dydd Llun")
    await h.say(WORKER, "/session Alex thu 14:00 y llyfrgell")
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h, "Nodyn i’ch atgoffa")
    assert "dydd Iau 5 Mawrth am 14:00 (y llyfrgell)" in reminder["text"]
    assert [b["text"] for b in h.buttons(reminder)] == ["Galla i ddod", "Mae angen i mi ei newid"]
    assert _reminders(h) == [], "no English"
    await h.tap(ALEX, "Galla i ddod", reminder)
    assert "Diolch — welwn ni chi" in _now_shown(h, reminder)


async def test_i_can_make_it_confirms_and_a_second_tap_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex thu 14:00")
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h)
    await h.tap(ALEX, "I can make it", reminder)
    shown = h.sandbox.state.find_message(ALEX, reminder["message_id"])
    assert shown is not None and "reply_markup" not in shown
    assert shown["text"].endswith("✓ I can make it. Thank you — see you then! 🌼")
    worker_chat = len(h.messages(WORKER))
    await h.press(ALEX, reminder["message_id"], h.buttons(reminder)[1]["callback_data"])  # stale "change"
    [booked] = await _appointments(h)
    assert booked.status == "confirmed"
    assert len(h.messages(WORKER)) == worker_chat and await _escalations(h) == []


async def test_need_to_change_reaches_the_worker_at_once(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex thu 14:00 the library")
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h)
    await h.tap(ALEX, "I need to change it", reminder)
    assert "I've told Sam Jones, and they'll be in touch" in _now_shown(h, reminder)
    [booked] = await _appointments(h)
    assert booked.status == "change_requested"
    assert h.texts(WORKER)[-1] == (f"📅 Alex Smith (#{booked.person_id}) needs to change their session on "
                                   "Thursday 5 March at 14:00, at the library. Please get in touch.")
    [escalation] = await _escalations(h)
    assert (escalation.kind, escalation.status) == ("asked_contact", "open")
    [item] = escalation.evidence["items"]
    assert (item["reason"], item["appointment"]) == ("appointment change", booked.id)

    worker_chat = len(h.messages(WORKER))
    await h.press(ALEX, reminder["message_id"], h.buttons(reminder)[1]["callback_data"])  # a second tap
    assert len(h.messages(WORKER)) == worker_chat
    assert len((await _escalations(h))[0].evidence["items"]) == 1


async def test_tap_on_a_replaced_or_passed_session_changes_nothing(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex thu 14:00")
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h)
    await h.say(WORKER, "/session Alex fri 11:00")
    await h.tap(ALEX, "I need to change it", reminder)
    replaced, _ = await _appointments(h)
    assert replaced.status == "cancelled" and await _escalations(h) == []
    shown = h.sandbox.state.find_message(ALEX, reminder["message_id"])
    assert shown is not None and "reply_markup" not in shown and shown["text"] == reminder["text"]

    await _advance_to(h, at(5, 10, 0))
    [_, late] = _reminders(h)
    await _advance_to(h, at(6, 12, 0))
    await h.tap(ALEX, "I can make it", late)
    assert (await _appointments(h))[1].status == "booked"


async def test_someone_else_cannot_answer_a_reminder(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex thu 14:00")
    await _advance_to(h, at(4, 10, 0))
    [reminder] = _reminders(h)
    await h.say(STRANGER, "hello")
    await h.press(STRANGER, h.messages(STRANGER)[-1]["message_id"], h.buttons(reminder)[1]["callback_data"])
    assert (await _appointments(h))[0].status == "booked" and await _escalations(h) == []


async def test_missed_session_is_a_disengagement_signal(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/missed Alex")
    assert h.texts(WORKER)[-1] == "Alex Smith has no past session waiting to be marked."
    await h.say(WORKER, "/session Alex tomorrow 10:30")
    await h.say(WORKER, "/missed Alex")
    assert "no past session" in h.texts(WORKER)[-1], "a session still to come cannot be missed"

    await _advance_to(h, at(3, 11, 0))
    await h.say(WORKER, "/missed alex")
    assert h.texts(WORKER)[-1] == ("✓ Marked missed: Alex Smith, Tuesday 3 March at 10:30. "
                                   "Added to your follow-ups (missed session).")
    [missed] = await _appointments(h)
    assert missed.status == "missed"
    [escalation] = await _escalations(h)
    assert escalation.kind == "disengaged"
    [item] = escalation.evidence["items"]
    assert (item["signal"], item["appointment"]) == ("missed appointment", missed.id)


async def test_attended_marks_the_latest_past_session(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await h.say(WORKER, "/session Alex tomorrow 10:30")
    await _advance_to(h, at(3, 12, 0))
    await h.say(WORKER, "/attended Alex")
    assert h.texts(WORKER)[-1] == "✓ Marked attended: Alex Smith, Tuesday 3 March at 10:30."
    assert [a.status for a in await _appointments(h)] == ["attended"]
    assert await _escalations(h) == []
    await h.say(WORKER, "/attended Alex")
    assert "no past session" in h.texts(WORKER)[-1]


async def test_weekly_checkin_is_kept_off_the_eve_of_a_session(harness: Harness) -> None:
    h = harness
    await _enrolled(h)
    await _advance_to(h, at(2, 10, 0))  # this week's check-in goes out and is answered
    await h.tap(ALEX, "Good")
    await h.say(WORKER, "/session Alex tue 10/03 09:00")  # next Monday 10:00 is its eve
    h.clock.advance(timedelta(days=8))
    await h.tick()
    checkins = [m for m in h.messages(ALEX) if "How have you been feeling" in (m.get("text") or "")]
    assert len(checkins) == 1, "no weekly check-in on the eve of the session"
