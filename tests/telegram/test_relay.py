""""Message them": a worker's conversation with a person through the bot, both ways, until the worker ends it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.store.models import AuditEvent, Person, Relay, Worker
from bot.testing import Harness

WORKER_A, WORKER_B, SUPERVISOR = 501, 502, 503
ALEX, CAL = 701, 703


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    """Sam (worker A) has Alex; Rhys (worker B) has Cal; Pat supervises."""
    async with Harness(database_url) as harness:
        await harness.linked_worker(WORKER_A, "Sam Jones")
        await harness.linked_worker(WORKER_B, "Rhys Owen")
        _, token = await harness.add_worker("Pat Lead", supervisor=True)
        await harness.say(SUPERVISOR, f"/start {token}")
        await harness.join(ALEX, await harness.invite(WORKER_A, "Alex Smith"))
        await harness.join(CAL, await harness.invite(WORKER_B, "Cal Evans"))
        yield harness


async def _alex(h: Harness) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person).where(Person.display_name == "Alex Smith"))).scalar_one()


async def _rows(h: Harness, model: Any) -> list[Any]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(model).order_by(model.id))).scalars())


def _toast(h: Harness) -> str:
    return str([c["params"] for c in h.sandbox.state.calls if c["method"] == "answerCallbackQuery"][-1].get("text"))


async def _open(h: Harness, user: int, person_id: int) -> None:
    """Tap "Message them" (as on an alert, a digest item or /ack) in ``user``'s chat."""
    await h.press(user, h.messages(user)[-1]["message_id"], f"rl:{person_id}:o")


async def test_opening_a_conversation_tells_the_worker_how_it_works(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    shown = h.messages(WORKER_A)[-1]
    assert shown["text"] == ("Type your message to Alex Smith; they will see it from you through the bot. "
                             "Tap End to close (or send /done).")
    assert [b["callback_data"] for b in h.buttons(shown)] == [f"rl:{alex.id}:c"]
    relays = await _rows(h, Relay)
    assert [(r.worker_id, r.person_id, r.closed_at) for r in relays] == [(1, alex.id, None)]
    sam = (await _rows(h, Worker))[0]
    assert sam.awaiting == f"relay:{alex.id}"

    await _open(h, WORKER_A, alex.id)  # a second tap: still the one conversation
    assert len(await _rows(h, Relay)) == 1
    await _open(h, SUPERVISOR, alex.id)
    assert _toast(h) == "Sam Jones is already in a conversation with Alex Smith."


async def test_messages_go_both_ways_escaped_and_end_stops_forwarding(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    await h.say(WORKER_A, "How are you <b>today</b>? Fancy the lunch club?")
    assert h.texts(ALEX)[-1] == ("Message from your link worker Sam Jones:\n"
                                 "How are you <b>today</b>? Fancy the lunch club?")
    assert "<b>today</b>" not in str(h.messages(ALEX)[-1].get("entities")), "typed words are never markup"
    await h.say(ALEX, "Better thanks <i>honestly</i> & yes please")
    reply = h.messages(WORKER_A)[-1]
    assert reply["text"] == "💬 Alex Smith replied:\nBetter thanks <i>honestly</i> & yes please"
    assert [b["callback_data"] for b in h.buttons(reply)] == [f"rl:{alex.id}:c"]

    await h.tap(WORKER_A, "End")
    assert h.texts(WORKER_A)[-1].startswith("✓ Conversation with Alex Smith ended.")
    assert h.texts(ALEX)[-1].startswith("Sam Jones has ended the conversation.")
    assert all(r.closed_at is not None for r in await _rows(h, Relay))
    alex_seen, sam_seen = len(h.messages(ALEX)), len(h.messages(WORKER_A))
    await h.say(WORKER_A, "one more thing")
    assert len(h.messages(ALEX)) == alex_seen, "nothing more reaches the person after End"
    assert h.texts(WORKER_A)[-1].startswith("I only read commands here.")
    await h.say(ALEX, "are you still there?")
    assert not any("replied" in t for t in h.texts(WORKER_A)[sam_seen:]), "nor the worker"


async def test_done_ends_the_conversation(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    await h.say(WORKER_A, "/done")
    assert h.texts(WORKER_A)[-1].startswith("✓ Conversation with Alex Smith ended.")
    assert h.texts(ALEX)[-1].startswith("Sam Jones has ended the conversation.")
    assert (await _rows(h, Worker))[0].awaiting is None
    await h.say(WORKER_A, "/done")
    assert h.texts(WORKER_A)[-1].startswith("You have no open conversation.")
    await _open(h, WORKER_A, alex.id)  # and a new one can open
    assert len([r for r in await _rows(h, Relay) if r.closed_at is None]) == 1


async def test_only_the_persons_worker_or_a_supervisor_can_open_it(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_B, alex.id)
    assert _toast(h) == "Sorry, you can't message that person."
    await _open(h, WORKER_B, 9999)
    assert _toast(h) == "Sorry, you can't message that person.", "the same whether they exist or not"
    await _open(h, CAL, alex.id)
    assert _toast(h) == "Sorry, that command is for link workers."
    assert await _rows(h, Relay) == []
    refused = [(e.actor, e.action, e.person_id) for e in await _rows(h, AuditEvent) if e.outcome == "refused"]
    cal = [p for p in await _rows(h, Person) if p.display_name == "Cal Evans"][0]
    assert refused == [("worker:2", "relay_open", alex.id), ("worker:2", "relay_open", None),
                       (f"person:{cal.id}", "relay_open", None)]
    await _open(h, SUPERVISOR, alex.id)
    assert h.texts(SUPERVISOR)[-1].startswith("Type your message to Alex Smith")


async def test_someone_who_stopped_cannot_be_messaged(h: Harness) -> None:
    alex = await _alex(h)
    await h.say(ALEX, "STOP")
    await h.tap(ALEX, "Yes")
    await _open(h, WORKER_A, alex.id)
    assert _toast(h).startswith("Alex Smith can't be messaged through the bot now")
    assert await _rows(h, Relay) == []


async def test_reassigning_ends_an_open_conversation(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    await h.say(SUPERVISOR, "/reassign Alex to Rhys")
    assert all(r.closed_at is not None for r in await _rows(h, Relay))
    assert (await _rows(h, Worker))[0].awaiting is None


async def test_what_a_person_writes_in_a_conversation_is_still_screened(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    await h.say(ALEX, "to be honest i dont want to be here anymore")
    assert "116 123" in " ".join(h.texts(ALEX)[-2:])
    worker_side = h.texts(WORKER_A)
    assert any("Urgent" in t for t in worker_side[-3:]), "the alert goes out as for any risk message"
    assert any("replied" in t and "dont want to be here" in t for t in worker_side[-3:]), "and reaches the chat"


async def test_a_conversation_carries_on_after_the_worker_logs_a_reason_on_another_alert(h: Harness) -> None:
    alex = await _alex(h)
    await _open(h, WORKER_A, alex.id)
    # Bea, Sam's second person, writes something alarming while Sam is talking with Alex
    await h.join(705, await h.invite(WORKER_A, "Bea Jones"))
    await h.say(705, "i want to die")
    alert = [m for m in h.messages(WORKER_A) if "Urgent" in (m.get("text") or "")][-1]
    await h.tap(WORKER_A, "Acknowledge", alert)
    await h.tap(WORKER_A, "No action needed (say why)",
                [m for m in h.messages(WORKER_A) if m["message_id"] == alert["message_id"]][0])
    await h.say(WORKER_A, "Spoke to her daughter, she is with her")
    await h.say(WORKER_A, "Alex, are you still there?")
    assert h.texts(ALEX)[-1].endswith("Alex, are you still there?")
