"""Digests through the real bot, the sandbox and a real SMTP server on loopback: one a working day per worker at
their time, only when something is new, most urgent first, escaped, with buttons; covered for by a supervisor
when the worker is away or gone; by email too, which waits (and Telegram does not) when the server is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.store.models import CheckIn, Digest, Email, Escalation, Person, Score, Worker
from bot.testing import Harness
from bot.testing_mail import MailServer
from bot.usecases.escalations import raise_escalation
from bot.usecases.work import Work, perform

SAM, SUE, ALEX = 501, 502, 701
MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # GMT: local time is UTC until 29 March
SAM_EMAIL = "sam@riverside.example"
TYPED = 'I need <b>help</b> *now* <a href="http://evil.example">click</a> & __more__'


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``day`` days after Monday 2 March 2026, at local ``hour:minute``."""
    return MONDAY.replace(hour=hour, minute=minute) + timedelta(days=day)


@pytest.fixture
async def mail() -> AsyncIterator[MailServer]:
    async with MailServer() as server:
        yield server


@pytest.fixture
async def h(database_url: str | None, mail: MailServer) -> AsyncIterator[Harness]:
    async with Harness(database_url, start=MONDAY, email=mail.settings()) as harness:
        await harness.linked_worker(SAM, "Sam Worker")
        await _set(harness, Worker, Worker.telegram_user_id == SAM, email=SAM_EMAIL)
        yield harness


async def _set(h: Harness, model: Any, where: Any, **values: Any) -> None:
    assert h.services is not None
    async with h.services.db.session() as session:
        await session.execute(update(model).where(where).values(**values))


async def _invited(h: Harness, name: str, worker: int = SAM) -> int:
    await h.invite(worker, name)
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person.id).where(Person.display_name == name))).scalar_one()


async def _raise_case(work: Work, person_id: int, kind: str, evidence: dict[str, Any]) -> int:
    person = await work.session.get(Person, person_id)
    assert person is not None
    return (await raise_escalation(work.session, person, kind, evidence, work.now)).id


async def _raise(h: Harness, person_id: int, kind: str, **evidence: Any) -> int:
    assert h.services is not None
    return await perform(h.services, _raise_case, person_id, kind, evidence)


async def _tick_at(h: Harness, when: datetime) -> int:
    """Move the clock to ``when``, run the jobs; how many digests went out."""
    h.clock.set(when)
    return (await h.tick()).digests


def _new(h: Harness, chat: int, before: int) -> list[dict[str, Any]]:
    return h.messages(chat)[before:]


async def test_the_digest_goes_once_at_the_workers_time_on_working_days_only_when_something_is_new(
        h: Harness, mail: MailServer) -> None:
    alex = await _invited(h, "Alex Smith")
    await _raise(h, alex, "asked_contact", reason="appointment change")
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 8, 59)) == 0, "before 09:00"
    assert await _tick_at(h, at(0, 9)) == 1
    header, item = [m["text"] for m in _new(h, SAM, shown)]
    assert header.startswith("Your follow-ups for Monday 2 March") and "1 open, 1 new" in header
    assert "Asked you to get in touch" in item and f"Alex Smith (#{alex})" in item and "Since Monday 2 March" in item
    assert "Reason: appointment change" in item and "Next step:" in item

    shown = len(h.messages(SAM))
    for when in (at(0, 9, 1), at(0, 13), at(0, 23, 59)):
        assert await _tick_at(h, when) == 0, "once a day"
    await h.restart()
    assert await _tick_at(h, at(0, 23, 59)) == 0, "not again after a restart"
    assert await _tick_at(h, at(1, 9)) == 0, "Tuesday: nothing new, nothing sent"
    assert len(h.messages(SAM)) == shown

    h.clock.set(at(4, 18))  # Friday evening: new evidence
    await _raise(h, alex, "asked_contact", reason="wants a call")
    assert await _tick_at(h, at(5, 9)) == 0 and await _tick_at(h, at(6, 9)) == 0, "not at the weekend"
    assert await _tick_at(h, at(7, 9)) == 1, "Monday"
    item = _new(h, SAM, shown)[1]["text"]
    assert "Reason: wants a call" in item and "raised 2 times" in item and "· new" in item
    assert len(mail.messages) == 2, "an email with each digest"
    assert h.services is not None
    async with h.services.db.session() as session:
        days = (await session.execute(select(Digest.day, Digest.items).order_by(Digest.day))).all()
    assert [tuple(d) for d in days] == [("2026-03-02", 1), ("2026-03-03", 0), ("2026-03-09", 1)]


async def test_a_chosen_time_is_kept(h: Harness) -> None:
    await _raise(h, await _invited(h, "Alex Smith"), "low_score", rule="mood at the bottom")
    await _set(h, Worker, Worker.telegram_user_id == SAM, digest_time="14:30")
    assert await _tick_at(h, at(0, 9)) == 0
    assert await _tick_at(h, at(0, 14, 29)) == 0
    assert await _tick_at(h, at(0, 14, 30)) == 1


async def test_most_urgent_first_then_oldest_with_buttons_on_each_item(h: Harness) -> None:
    people = [await _invited(h, name) for name in ("Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus")]
    for minutes, (person, kind) in enumerate(zip(people, ["stopped", "disengaged", "low_score", "risk",
                                                         "asked_contact", "distress", "low_score"], strict=True)):
        h.clock.set(at(0, 8, minutes))
        await _raise(h, person, kind)
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    header, *items = _new(h, SAM, shown)
    assert "7 open, 7 new" in header["text"]
    firsts = [m["text"].splitlines()[1].split(" (#")[0] for m in items]
    assert firsts == ["Dan", "Fay", "Eve", "Cat", "Gus", "Ben", "Ann"]
    assert items[0]["text"].startswith("🔴 Risk")
    async with h.services.db.session() as session:  # type: ignore[union-attr]
        dan = (await session.execute(select(Escalation).where(Escalation.kind == "risk"))).scalar_one()
    # an urgent item is acknowledged by saying what was done (Acknowledge asks); people still joining
    # cannot be messaged through the bot, so no "Message them"
    assert [b["callback_data"] for b in h.buttons(items[0])] == [f"es:{dan.id}:ack"]
    fay = items[1]
    assert [b["text"] for b in h.buttons(fay)] == ["Acknowledge", "I've contacted them", "Remind me tomorrow"]
    assert dan.digested_at == at(0, 9)


async def test_a_worker_with_many_people_gets_one_digest_with_the_most_urgent_in_full(
        h: Harness, mail: MailServer) -> None:
    for n in range(25):
        await _raise(h, await _invited(h, f"Person {n:02}"), "disengaged" if n % 2 else "low_score")
    shown = len(h.messages(SAM))
    report_digests = await _tick_at(h, at(0, 9))
    assert report_digests == 1
    header, *items, more = _new(h, SAM, shown)
    assert len(items) == 20 and "25 open" in header["text"]
    assert all("Low score" in m["text"] for m in items[:13]) and "Not replying" in items[13]["text"]
    assert "5 more open items" in more["text"] and "Not replying 5" in more["text"]
    assert "/ack" in more["text"] and not h.buttons(more)
    [email] = mail.messages
    assert "25 open" in mail.text(email) and "5 more open items" in mail.text(email)


async def test_typed_html_and_markdown_are_shown_as_typed_in_telegram_and_email(
        h: Harness, mail: MailServer) -> None:
    alex = await _invited(h, "Alex Smith")
    await _raise(h, alex, "distress", text=TYPED, reasons=["distress.cant_cope"])
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    item = _new(h, SAM, shown)[1]
    assert f"They wrote: “{TYPED}”" in item["text"]
    assert all(e["type"] in ("bold", "italic") for e in item.get("entities", []))
    assert not any(e["type"] == "text_link" for e in item.get("entities", []))
    [email] = mail.messages
    assert email["To"] == SAM_EMAIL and email["Subject"].startswith("Riverside Link Service: 1 open follow-up")
    text, html = mail.text(email), mail.html(email)
    assert f"They wrote: “{TYPED}”" in text and "<b>" not in text.replace(TYPED, "")
    assert ("I need &lt;b&gt;help&lt;/b&gt; *now* &lt;a href=&#34;http://evil.example&#34;&gt;click&lt;/a&gt; &amp;"
            in html)
    assert "<b>help" not in html and 'href="http://evil' not in html
    assert "/ack" in text, "says where actions are taken"


async def test_an_item_from_a_real_checkin_shows_the_answers_scores_against_baseline_and_last_reply(
        h: Harness) -> None:
    await h.join(ALEX, await h.invite(SAM, "Alex Smith"))
    for week, contact in ((0, "No"), (7, "Yes")):  # two very low weeks running: low_score; "Yes": asked_contact
        h.clock.set(at(week, 10))
        await h.tick()  # the weekly check-in goes out at 10:00
        await h.tap(ALEX, "Very low")
        await h.tap(ALEX, contact)
    assert h.services is not None
    async with h.services.db.session() as session:
        person = (await session.execute(select(Person).where(Person.telegram_user_id == ALEX))).scalar_one()
        kinds = set((await session.execute(select(Escalation.kind))).scalars())
        checkin = await _a_checkin(session, person.id)  # any of their check-ins will do for the record
        for total, when in ((6, at(0, 10)), (8, at(0, 10, 5))):
            session.add(Score(person_id=person.id, checkin_id=checkin, instrument="ucla3", name="ucla3",
                              total=total, items={}, occasion="baseline", recorded_at=when))
    assert {"low_score", "asked_contact"} <= kinds
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(8, 9)) == 1
    _, contact, low = (m["text"] for m in _new(h, SAM, shown))
    assert "Asked you to get in touch" in contact and "Low score" in low
    assert "Answers: mood “1”" in low
    assert "ucla3 8 (baseline 6, up 2)" in low
    assert "Last reply Monday 9 March: “contact: yes”" in low


async def _a_checkin(session: Any, person_id: int) -> int:
    return (await session.execute(select(CheckIn.id).where(CheckIn.person_id == person_id).limit(1))).scalar_one()


@pytest.mark.parametrize("absence", ["away", "deactivated"])
async def test_an_absent_workers_items_go_to_their_supervisor(h: Harness, absence: str) -> None:
    sue_id, token = await h.add_worker("Sue Lead", supervisor=True)
    await h.say(SUE, f"/start {token}")
    alex = await _invited(h, "Alex Smith")
    await _raise(h, alex, "asked_contact")
    gone = {"away_until": at(7, 0)} if absence == "away" else {"active": False}
    await _set(h, Worker, Worker.telegram_user_id == SAM, supervisor_id=sue_id, **gone)
    sam_shown, sue_shown = len(h.messages(SAM)), len(h.messages(SUE))
    assert await _tick_at(h, at(0, 9)) == 1
    assert len(h.messages(SAM)) == sam_shown
    header, item = (m["text"] for m in _new(h, SUE, sue_shown))
    assert "Alex Smith" in item and "covering for Sam Worker" in item


async def test_smtp_down_the_email_waits_and_telegram_does_not(h: Harness, mail: MailServer) -> None:
    await _raise(h, await _invited(h, "Alex Smith"), "asked_contact")
    await mail.stop()
    shown = len(h.messages(SAM))
    h.clock.set(at(0, 9))
    report = await h.tick()
    assert (report.digests, report.emails) == (1, 0)
    assert len(_new(h, SAM, shown)) == 2, "Telegram is unaffected"
    assert h.services is not None
    async with h.services.db.session() as session:
        [row] = (await session.execute(select(Email))).scalars().all()
    assert (row.status, row.attempts) == ("pending", 1)
    await mail.start()
    assert (await h.advance(minutes=1)).emails == 1
    [email] = mail.messages
    assert "Alex Smith" in mail.text(email) and "Alex Smith" in mail.html(email)
    assert len(_new(h, SAM, shown)) == 2, "and the digest itself is not repeated"


async def test_a_snoozed_item_is_left_out_until_its_time(h: Harness) -> None:
    ann, ben = await _invited(h, "Ann"), await _invited(h, "Ben")
    snoozed = await _raise(h, ann, "asked_contact")
    await _raise(h, ben, "low_score")
    await _set(h, Escalation, Escalation.id == snoozed, snoozed_until=at(1, 8))
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    texts = [m["text"] for m in _new(h, SAM, shown)]
    assert len(texts) == 2 and "Ben" in texts[1] and not any("Ann" in t for t in texts)
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(1, 9)) == 1, "Tuesday: back from the snooze, so news"
    texts = [m["text"] for m in _new(h, SAM, shown)]
    assert "Ann" in texts[1] and "Ben" in texts[2]


def _item_of(h: Harness, chat: int, message_id: int) -> dict[str, Any]:
    return next(m for m in h.messages(chat) if m["message_id"] == message_id)


async def test_unacknowledged_risk_items_are_listed_every_working_day_until_acknowledged(h: Harness) -> None:
    people = [await _invited(h, name) for name in ("Ann", "Ben", "Cat")]
    h.clock.set(at(0, 8))
    for person in people:
        await _raise(h, person, "risk", text="I want to die.", reasons=["suicide.wish_to_die", "retired.rule"])
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    header, *items = _new(h, SAM, shown)
    assert "3 open, 3 new" in header["text"] and all("· new" in m["text"] for m in items)
    assert ("Why flagged: Wanting to die or not to be alive, or that others would be better off without them "
            "(suicide.wish_to_die); retired.rule.") in items[0]["text"], "plain words, ids kept; unknown: the id"
    for day, name in ((1, "Tuesday"), (2, "Wednesday"), (3, "Thursday")):
        shown = len(h.messages(SAM))
        assert await _tick_at(h, at(day, 9)) == 1, f"{name}: a risk nobody acknowledged is never old news"
        header, *items = _new(h, SAM, shown)
        assert "3 open, 0 new" in header["text"], name
        assert [m["text"].splitlines()[1].split(" (#")[0] for m in items] == ["Ann", "Ben", "Cat"], name
        assert all("· not acknowledged yet" in m["text"] and "· new" not in m["text"] for m in items), name

    ann = items[0]  # Thursday's: acknowledged from the digest by saying what was done
    await h.tap(SAM, "Acknowledge", ann)
    await h.tap(SAM, "Spoke to them", _item_of(h, SAM, ann["message_id"]))
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(4, 9)) == 1
    header, *items = _new(h, SAM, shown)
    assert [m["text"].splitlines()[1].split(" (#")[0] for m in items] == ["Ben", "Cat"]
    for item in items:
        await h.tap(SAM, "Acknowledge", item)
        await h.tap(SAM, "Spoke to them", _item_of(h, SAM, item["message_id"]))
    assert await _tick_at(h, at(7, 9)) == 0, "every one acknowledged: nothing to say on Monday"


async def test_a_snoozed_item_comes_back_as_a_reminder_and_new_evidence_as_new(h: Harness) -> None:
    ann = await _invited(h, "Ann")
    h.clock.set(at(0, 8))
    await _raise(h, ann, "asked_contact", reason="a call please")
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    item = _new(h, SAM, shown)[1]
    assert "· new" in item["text"]
    await h.tap(SAM, "Remind me tomorrow", item)
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(1, 9)) == 1, "Tuesday: back from the snooze"
    header, item = (m["text"] for m in _new(h, SAM, shown))
    assert "1 open, 0 new" in header
    assert "· reminder" in item and "· new" not in item, "nothing changed: a reminder, not news"
    assert await _tick_at(h, at(2, 9)) == 0, "Wednesday: nothing to say"
    h.clock.set(at(2, 18))
    await _raise(h, ann, "asked_contact", reason="still waiting")
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(3, 9)) == 1
    header, item = (m["text"] for m in _new(h, SAM, shown))
    assert "1 open, 1 new" in header and "· new" in item and "Reason: still waiting" in item


FILLER = ("I went to the shop and bought some bread and milk. The bus was late again so I walked home along the "
          "river. My neighbour came round for a cup of tea in the afternoon. ")


async def test_a_long_message_keeps_its_risk_words_in_the_digest(h: Harness, mail: MailServer) -> None:
    await h.join(ALEX, await h.invite(SAM, "Alex Smith"))
    opening, ending = "Dear Sam, a long week to tell you about. ", "Anyway that was my week, bye for now."
    long = opening + FILLER * 11 + "I want to kill myself. " + FILLER * 11 + ending
    assert 3700 < len(long) < 4096 and long.index("kill myself") > 1800
    h.clock.set(at(0, 8))
    await h.say(ALEX, long)
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    item = next(m["text"] for m in _new(h, SAM, shown) if "Risk in what they wrote" in m["text"])
    assert "They wrote: “Dear Sam, a long week" in item, "the start"
    assert "I want to kill myself." in item, "the flagged sentence from the middle"
    assert "bye for now.”" in item, "the end"
    assert len(item) < 1500
    assert "Killing themselves, ending their life, or a plan or means to do it (suicide.intent)" in item
    assert "I want to kill myself." in mail.text(mail.messages[-1])


async def test_someone_who_only_wrote_shows_when_they_last_wrote(h: Harness) -> None:
    await h.join(ALEX, await h.invite(SAM, "Alex Smith"))
    h.clock.set(at(0, 8, 5))
    await h.say(ALEX, "I am not coping at all, everything is falling apart.")
    shown = len(h.messages(SAM))
    assert await _tick_at(h, at(0, 9)) == 1
    item = next(m["text"] for m in _new(h, SAM, shown) if "Distress" in m["text"])
    assert "Last wrote Monday 2 March at 08:05." in item
    assert "No reply from them yet" not in item
    assert "Why flagged: Not coping, falling apart, at breaking point, panic attacks (coping.not_coping)." in item
