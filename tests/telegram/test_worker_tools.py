"""Worker tools: /caseload, /person (with its chart), /ack, /workload, /reassign, /away and /back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.store.models import AuditEvent, Escalation, Person, Score, Worker
from bot.testing import Harness
from bot.usecases.escalations import raise_escalation

WORKER_A, WORKER_B, SUPERVISOR = 501, 502, 503
ALEX, BEA, CAL, DEE = 701, 702, 703, 704


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    """Worker A (Sam) has Alex and Bea, worker B (Rhys) has Cal; Pat supervises; everyone did a baseline."""
    async with Harness(database_url, programme={"baseline": True}) as harness:
        await harness.linked_worker(WORKER_A, "Sam Jones")
        await harness.linked_worker(WORKER_B, "Rhys Owen")
        _, token = await harness.add_worker("Pat Lead", supervisor=True)
        await harness.say(SUPERVISOR, f"/start {token}")
        await harness.join(ALEX, await harness.invite(WORKER_A, "Alex Smith"))
        await harness.join(BEA, await harness.invite(WORKER_A, "Bea Jones"))
        await harness.join(CAL, await harness.invite(WORKER_B, "Cal Evans"))
        await harness.tick()
        for user in (ALEX, BEA, CAL):
            await _baseline(harness, user)
        yield harness


async def _baseline(h: Harness, user: int) -> None:
    """Answer the baseline: "Some of the time" to the loneliness questions, 7 to the ONS4 ones."""
    for _ in range(12):
        try:
            question = h.open_question(user)
        except AssertionError:
            return
        labels = [b["text"] for b in h.buttons(question)]
        await h.tap(user, "Some of the time" if "Some of the time" in labels else "7" if "7" in labels else "Skip")


async def _person(h: Harness, name: str) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person).where(Person.display_name == name))).scalar_one()


async def _rows(h: Harness, model: Any) -> list[Any]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


async def _raise(h: Harness, name: str, kind: str) -> Escalation:
    """An open item, as the check-ins and the screener raise them."""
    assert h.services is not None
    async with h.services.db.session() as session:
        person = (await session.execute(select(Person).where(Person.display_name == name))).scalar_one()
        return await raise_escalation(session, person, kind, {"rule": "test"}, h.clock.now())


async def test_caseload_shows_status_last_reply_scores_items_and_next_session(h: Harness) -> None:
    await _raise(h, "Bea Jones", "asked_contact")
    await h.say(WORKER_A, "/session Alex tomorrow 14:00 library")
    await h.say(WORKER_A, "/caseload")
    listing = h.texts(WORKER_A)[-1]
    assert listing.startswith("Your caseload (2 people, 1 with open items)")
    assert listing.index("Bea Jones") < listing.index("Alex Smith"), "people with open items come first"
    assert "open items: 🟡 asked for contact" in listing
    assert "UCLA-3 6/9" in listing and "lonely 2/5" in listing and "ONS4 satisfied 7, worthwhile 7" in listing
    assert "last reply Mon 2 Mar 09:00" in listing and "next session Tue 3 Mar 14:00" in listing
    assert "next session none planned" in listing
    assert "Cal" not in listing

    await h.say(WORKER_A, "/caseload all")
    assert h.texts(WORKER_A)[-1] == "Sorry, that command is for supervisors."
    await h.say(SUPERVISOR, "/caseload all")
    everyone = h.texts(SUPERVISOR)[-1]
    assert everyone.startswith("Everyone's caseload (3 people") and "Cal Evans</b>" not in everyone
    assert "Cal Evans — in support · Rhys Owen" in everyone


async def test_a_long_caseload_is_split_under_telegrams_limit(h: Harness) -> None:
    for n in range(40):
        await h.say(WORKER_A, f"/invite Person Number {n:02d} With A Fairly Long Name")
    shown = len(h.messages(WORKER_A))
    await h.say(WORKER_A, "/caseload")
    pages = h.texts(WORKER_A)[shown:]
    assert len(pages) >= 2 and all(len(page) <= 4096 for page in pages)
    assert sum(page.count("Person Number") for page in pages) == 40


async def test_person_shows_the_history_and_a_chart_of_the_scores(h: Harness) -> None:
    await h.say(WORKER_A, "/goal Alex walk to the <b>park</b>")
    await h.say(WORKER_A, "/session Alex tomorrow 14:00")
    alex = await _person(h, "Alex Smith")
    shown = len(h.messages(WORKER_A))
    await h.say(WORKER_A, f"/person #{alex.id}")
    new = h.messages(WORKER_A)[shown:]
    text = "\n".join(m.get("text") or "" for m in new)
    assert f"Alex Smith (#{alex.id}) — in support, with Sam Jones" in text
    assert "Goal: “walk to the <b>park</b>”" in text, "typed text is shown as typed, never as markup"
    assert "Sessions" in text and "— next" in text
    assert "Recent answers" in text and "First check-in" in text and "ucla 1: 2" in text
    assert "Scores over time" in text and "UCLA-3 6/9" in text
    photo = new[-1]
    assert photo.get("photo") and photo["caption"] == "Scores over time for Alex Smith"
    audits = [(e.actor, e.action, e.person_id) for e in await _rows(h, AuditEvent)]
    assert ("worker:1", "person_viewed", alex.id) in audits


async def test_person_without_scores_gets_no_chart(h: Harness) -> None:
    await h.say(WORKER_A, "/invite Dee Newcomer")
    shown = len(h.messages(WORKER_A))
    await h.say(WORKER_A, "/person Dee")
    new = h.messages(WORKER_A)[shown:]
    assert "Not joined yet" in new[0]["text"] and "no scores yet" in new[-1]["text"]
    assert not any(m.get("photo") for m in new)


async def test_ack_lists_open_items_with_their_buttons(h: Harness) -> None:
    low = await _raise(h, "Alex Smith", "low_score")
    risk = await _raise(h, "Bea Jones", "risk")
    await _raise(h, "Cal Evans", "distress")
    alex = await _person(h, "Alex Smith")
    shown = len(h.messages(WORKER_A))
    await h.say(WORKER_A, "/ack")
    new = h.messages(WORKER_A)[shown:]
    assert new[0]["text"].startswith("Open items (2)")
    assert "Bea Jones" in new[1]["text"], "most urgent first"
    assert [b["callback_data"] for b in h.buttons(new[1])][0] == f"es:{risk.id}:ack"
    assert [b["callback_data"] for b in h.buttons(new[2])] == [
        f"es:{low.id}:ack", f"es:{low.id}:contacted", f"es:{low.id}:tomorrow", f"rl:{alex.id}:o"]
    assert [b["text"] for b in h.buttons(new[2])] == [
        "Acknowledge", "I've contacted them", "Remind me tomorrow", "Message them"]
    assert "Cal" not in str(new)

    shown = len(h.messages(WORKER_A))
    await h.say(WORKER_A, "/ack Alex")
    new = h.messages(WORKER_A)[shown:]
    assert len(new) == 2 and "Alex Smith" in new[1]["text"]
    await h.say(WORKER_B, "/ack Bea")
    assert "I can't find “Bea” in your caseload" in h.texts(WORKER_B)[-1]


async def test_workload_for_supervisors_counts_open_and_overdue_items(h: Harness) -> None:
    await _raise(h, "Alex Smith", "low_score")
    await h.advance(days=3)  # Thursday: older than two working days
    await _raise(h, "Bea Jones", "asked_contact")
    await h.say(WORKER_A, "/away 3")
    await h.say(SUPERVISOR, "/workload")
    text = h.texts(SUPERVISOR)[-1]
    assert text.startswith("Workload (3 workers)")
    assert "Sam Jones — 2 people, 2 open items, 1 overdue · away until" in text
    assert "Rhys Owen — 1 person, 0 open items, none overdue" in text
    await h.say(WORKER_A, "/workload")
    assert h.texts(WORKER_A)[-1] == "Sorry, that command is for supervisors."


async def test_away_and_back(h: Harness) -> None:
    await h.say(WORKER_A, "/away")
    assert "Say for how many days" in h.texts(WORKER_A)[-1]
    await h.say(WORKER_A, "/away 5")
    assert "You're away until" in h.texts(WORKER_A)[-1] and "Pat Lead sees your items" in h.texts(WORKER_A)[-1]
    assert "Sam Jones is away until" in h.texts(SUPERVISOR)[-1]
    sam = next(w for w in await _rows(h, Worker) if w.name == "Sam Jones")
    assert sam.away_until is not None and sam.away_until > h.clock.now()
    await h.say(WORKER_A, "/back")
    assert "Welcome back" in h.texts(WORKER_A)[-1]
    sam = next(w for w in await _rows(h, Worker) if w.name == "Sam Jones")
    assert sam.away_until is None


async def test_reassign_one_person_keeps_history_and_moves_open_items(h: Harness) -> None:
    item = await _raise(h, "Alex Smith", "low_score")
    alex = await _person(h, "Alex Smith")
    before = [s.id for s in await _rows(h, Score) if s.person_id == alex.id]
    await h.say(SUPERVISOR, "/reassign Alex to Rhys")
    assert h.texts(SUPERVISOR)[-1].startswith("✓ Moved 1 to Rhys Owen: Alex Smith.")
    assert h.texts(WORKER_A)[-1] == "Pat Lead moved 1 of your people to Rhys Owen: Alex Smith."
    told = h.texts(WORKER_B)[-1]
    assert "Pat Lead moved 1 person to you." in told and "Alex Smith" in told and "UCLA-3 6/9" in told
    moved = await _person(h, "Alex Smith")
    assert moved.worker_id == 2
    assert [s.id for s in await _rows(h, Score) if s.person_id == alex.id] == before
    assert next(e for e in await _rows(h, Escalation) if e.id == item.id).worker_id == 2
    audits = [(e.actor, e.action, e.worker_id, e.person_id, e.outcome) for e in await _rows(h, AuditEvent)]
    assert ("worker:3", "reassigned_from:1", 2, alex.id, "ok") in audits

    await h.say(WORKER_B, f"/person #{alex.id}")
    assert "UCLA-3 6/9" in "\n".join(h.texts(WORKER_B)), "the new worker sees the history"
    await h.say(WORKER_A, "/person Alex")
    assert "I can't find “Alex” in your caseload" in h.texts(WORKER_A)[-1]


async def test_reassign_a_whole_caseload(h: Harness) -> None:
    await h.say(SUPERVISOR, "/reassign all from Sam to Rhys")
    assert h.texts(SUPERVISOR)[-1].startswith("✓ Moved 2 to Rhys Owen: Alex Smith, Bea Jones.")
    assert {p.display_name for p in await _rows(h, Person) if p.worker_id == 2} == {"Alex Smith", "Bea Jones",
                                                                                      "Cal Evans"}
    actions = [e.action for e in await _rows(h, AuditEvent) if e.actor == "worker:3"]
    assert actions.count("reassigned_from:1") == 2
    await h.say(SUPERVISOR, "/reassign all from Sam to Rhys")
    assert "Nothing to move" in h.texts(SUPERVISOR)[-1]
    await h.say(SUPERVISOR, "/reassign Zed to Rhys")
    assert h.texts(SUPERVISOR)[-1].startswith("I can't find anyone called “Zed”."), "a supervisor searches everyone"
    await h.say(SUPERVISOR, "/reassign Cal to Nobody")
    assert "I can't find an active worker “Nobody”" in h.texts(SUPERVISOR)[-1]
    await h.say(SUPERVISOR, "/reassign Cal")
    assert "Move one person" in h.texts(SUPERVISOR)[-1]


async def test_worker_help_and_hint(h: Harness) -> None:
    await h.say(WORKER_A, "/help")
    assert "Worker commands" in h.texts(WORKER_A)[-1] and "/caseload" in h.texts(WORKER_A)[-1]
    assert "/workload" not in h.texts(WORKER_A)[-1]
    await h.say(SUPERVISOR, "/help")
    assert "/workload" in h.texts(SUPERVISOR)[-1]
    for typed in ("/nonsense", "hello there"):
        await h.say(WORKER_A, typed)
        assert h.texts(WORKER_A)[-1].startswith("I only read commands here."), typed
        assert "I can only pass on answers" not in h.texts(WORKER_A)[-1]
    await h.say(ALEX, "/help")
    assert "Worker commands" not in h.texts(ALEX)[-1]


async def test_caseload_counts_in_good_english(h: Harness) -> None:
    await h.say(WORKER_B, "/caseload")
    assert h.texts(WORKER_B)[-1].startswith("Your caseload (1 person, 0 with open items)")
    await _raise(h, "Cal Evans", "low_score")
    await h.say(SUPERVISOR, "/workload")
    assert "Rhys Owen — 1 person, 1 open item, none overdue" in h.texts(SUPERVISOR)[-1]


async def _caseload_entry(h: Harness, name: str) -> str:
    """``name``'s lines in the worker's /caseload."""
    await h.say(WORKER_A, "/caseload")
    return h.texts(WORKER_A)[-1].split(name)[1].split("\n\n")[0]


async def test_someone_who_only_wrote_has_a_last_reply_in_the_caseload(h: Harness) -> None:
    await h.join(DEE, await h.invite(WORKER_A, "Dee Newcomer"))
    assert "last reply never" in await _caseload_entry(h, "Dee Newcomer")
    h.clock.set(h.clock.now() + timedelta(hours=1, minutes=5))
    await h.say(DEE, "I am not coping at all, everything is falling apart.")
    dee = await _caseload_entry(h, "Dee Newcomer")
    assert "last reply Mon 2 Mar 10:05" in dee and "open items: 🟠 distress" in dee, dee
