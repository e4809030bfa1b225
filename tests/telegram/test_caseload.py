"""Worker controls: /people, naming a person, privacy between caseloads, /goal, /activity and /discharge."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.store.models import AuditEvent, CheckIn, Person
from bot.testing import Harness

WORKER_A, WORKER_B, SUPERVISOR = 501, 502, 503
ALEX, BEA, CAL, STRANGER = 701, 702, 703, 999
NOT_A_WORKER = "that command is for link workers"


async def _person(h: Harness, name: str) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person).where(Person.display_name == name))).scalar_one()


async def _actions(h: Harness) -> list[tuple[str, str, int | None]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(e.actor, e.action, e.person_id) for e in rows]


async def _two_caseloads(h: Harness) -> None:
    """Worker A has Alex Smith and Bea Jones (Bea joined later); worker B has Cal Evans."""
    await h.linked_worker(WORKER_A, "Sam Jones")
    await h.linked_worker(WORKER_B, "Rhys Owen")
    await h.join(ALEX, await h.invite(WORKER_A, "Alex Smith"))
    await h.join(BEA, await h.invite(WORKER_A, "Bea Jones"), day="Wednesday", at="14:00")
    await h.join(CAL, await h.invite(WORKER_B, "Cal Evans"))


async def test_people_lists_own_caseload_most_recent_joiners_last(harness: Harness) -> None:
    h = harness
    await _two_caseloads(h)
    alex, bea = await _person(h, "Alex Smith"), await _person(h, "Bea Jones")
    await h.say(WORKER_A, "/people")
    listing = h.texts(WORKER_A)[-1]
    lines = listing.splitlines()
    assert lines[0] == "Your caseload (2)"
    assert lines[1] == f"#{alex.id} Alex Smith — in support, next check-in Mon 2 Mar 10:00"
    assert lines[2] == f"#{bea.id} Bea Jones — in support, next check-in Wed 4 Mar 14:00"
    assert "Cal" not in listing

    await h.say(WORKER_B, "/people")
    assert "Cal Evans" in h.texts(WORKER_B)[-1] and "Alex" not in h.texts(WORKER_B)[-1]
    assert ("worker:1", "caseload_viewed", None) in await _actions(h)


async def test_supervisor_sees_everyone_with_their_worker(harness: Harness) -> None:
    h = harness
    await _two_caseloads(h)
    worker_id, token = await h.add_worker("Pat Lead", supervisor=True)
    await h.say(SUPERVISOR, f"/start {token}")
    await h.say(SUPERVISOR, "/people")
    listing = h.texts(SUPERVISOR)[-1]
    assert listing.startswith("Everyone's caseload (3)")
    assert re.search(r"Cal Evans — in support, next check-in .* · Rhys Owen", listing)
    await h.say(SUPERVISOR, "/goal Cal go to the lunch club")
    assert "✓ Goal for Cal Evans" in h.texts(SUPERVISOR)[-1]


async def test_worker_cannot_see_or_change_another_workers_people(harness: Harness) -> None:
    h = harness
    await _two_caseloads(h)
    alex = await _person(h, "Alex Smith")
    for command in ("/goal Alex walk to the park", f"/goal #{alex.id} walk to the park", f"/goal {alex.id} walk",
                    "/activity Alex lunch club", "/discharge Alex", "/session Alex tomorrow 10:00",
                    "/missed Alex", "/attended Alex"):
        await h.say(WORKER_B, command)
        reply = h.texts(WORKER_B)[-1]
        assert "in your caseload" in reply and "Smith" not in reply, (command, reply)
    assert (await _person(h, "Alex Smith")).goal is None
    assert (await _person(h, "Alex Smith")).status == "active"


async def test_people_and_strangers_get_the_not_a_worker_reply(harness: Harness) -> None:
    h = harness
    await _two_caseloads(h)
    for user in (ALEX, STRANGER):
        for command in ("/goal Alex walk", "/people", "/discharge Alex", "/session Alex tomorrow 10:00",
                        "/missed Alex", "/activity Alex club"):
            await h.say(user, command)
            assert NOT_A_WORKER in h.texts(user)[-1], (user, command)
    assert (await _person(h, "Alex Smith")).goal is None


async def test_names_ids_and_ambiguous_prefixes(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER_A)
    await h.invite(WORKER_A, "Alex Smith")
    await h.invite(WORKER_A, "Alexandra Jones")
    smith, jones = await _person(h, "Alex Smith"), await _person(h, "Alexandra Jones")

    await h.say(WORKER_A, "/goal al walk to the shop")
    reply = h.texts(WORKER_A)[-1]
    assert "could be" in reply and f"#{smith.id} Alex Smith" in reply and f"#{jones.id} Alexandra Jones" in reply
    assert f"/goal #{smith.id} …" in reply

    await h.say(WORKER_A, "/goal ALEXANDRA walk to the shop")
    assert h.texts(WORKER_A)[-1].startswith("✓ Goal for Alexandra Jones: “walk to the shop”")
    await h.say(WORKER_A, "/goal alex smith phone a friend")  # an exact full name wins over the longer one
    assert h.texts(WORKER_A)[-1].startswith("✓ Goal for Alex Smith: “phone a friend”")
    await h.say(WORKER_A, f"/goal #{jones.id} go to the library")
    assert (await _person(h, "Alexandra Jones")).goal == "go to the library"
    await h.say(WORKER_A, "/goal Zed walk")
    assert "I can't find “Zed” in your caseload" in h.texts(WORKER_A)[-1]
    await h.say(WORKER_A, "/goal")
    assert "Add who and the goal" in h.texts(WORKER_A)[-1]
    await h.say(WORKER_A, "/goal Alexandra")
    assert "Add who and the goal" in h.texts(WORKER_A)[-1]


async def test_goal_set_cleared_and_asked_about_in_the_weekly_checkin(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER_A)
    await h.join(ALEX, await h.invite(WORKER_A, "Alex Smith"))  # Mondays at 10:00; joined 09:00
    shown = len(h.messages(ALEX))

    await h.say(WORKER_A, "/goal Alex " + "x" * 201)
    assert "201 characters" in h.texts(WORKER_A)[-1]
    await h.say(WORKER_A, "/goal Alex walk to the <b>park</b> twice")
    assert h.texts(WORKER_A)[-1].startswith("✓ Goal for Alex Smith: “walk to the <b>park</b> twice”")
    assert len(h.messages(ALEX)) == shown, "the person is not messaged about a goal"
    alex = await _person(h, "Alex Smith")
    assert alex.goal == "walk to the <b>park</b> twice"
    assert ("worker:1", "goal_set", alex.id) in await _actions(h)

    await h.advance(hours=1)
    await h.tap(ALEX, "Good")
    assert h.texts(ALEX)[-1] == "Did you manage to walk to the <b>park</b> twice?"

    await h.say(WORKER_A, "/goal Alex clear")
    assert h.texts(WORKER_A)[-1] == "✓ Goal removed for Alex Smith."
    assert (await _person(h, "Alex Smith")).goal is None


async def test_activity_is_set_and_cleared(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER_A)
    await h.join(ALEX, await h.invite(WORKER_A, "Alex Smith"))
    await h.say(WORKER_A, "/activity Alex the Tuesday lunch club")
    assert "✓ Activity for Alex Smith: “the Tuesday lunch club”" in h.texts(WORKER_A)[-1]
    await h.advance(hours=1)
    await h.tap(ALEX, "Good")
    assert h.texts(ALEX)[-1] == "Did you go to the Tuesday lunch club?"
    await h.say(WORKER_A, "/activity Alex none")
    assert (await _person(h, "Alex Smith")).activity is None


async def test_discharge_asks_to_confirm_then_starts_follow_up(harness: Harness) -> None:
    h = harness
    await h.linked_worker(WORKER_A)
    await h.join(ALEX, await h.invite(WORKER_A, "Alex Smith"))
    await h.say(WORKER_A, "/discharge alex")
    confirm = h.messages(WORKER_A)[-1]
    assert "End support for Alex Smith" in confirm["text"]
    assert [b["text"] for b in h.buttons(confirm)] == ["Yes, end support", "Cancel"]
    assert (await _person(h, "Alex Smith")).status == "active", "nothing changes before the tap"

    await h.tap(WORKER_A, "Cancel")
    assert h.texts(WORKER_A)[-1] == "Cancelled — Alex Smith stays in support."
    assert (await _person(h, "Alex Smith")).support_ended_at is None

    await h.say(WORKER_A, "/discharge Alex")
    confirm = h.messages(WORKER_A)[-1]
    await h.tap(WORKER_A, "Yes")
    assert h.texts(WORKER_A)[-1] == ("✓ Support ended for Alex Smith. "
                                     "Follow-up check-ins at 2 weeks, 1, 3 and 6 months.")
    assert not h.buttons(h.messages(WORKER_A)[-1])
    alex = await _person(h, "Alex Smith")
    assert alex.status == "followup" and alex.support_ended_at == h.clock.now()
    assert h.services is not None
    async with h.services.db.session() as session:
        planned = (await session.execute(select(CheckIn).where(CheckIn.status == "scheduled"))).scalar_one()
    assert planned.flow_id == "end_of_support"

    await h.press(WORKER_A, confirm["message_id"], h.buttons(confirm)[0]["callback_data"])  # a stale second tap
    assert h.texts(WORKER_A)[-1].startswith("✓ Support ended for Alex Smith")
    assert [a for a in await _actions(h) if a[1] == "discharged"] == [("worker:1", "discharged", alex.id)]

    await h.say(WORKER_A, "/discharge Alex")
    assert h.texts(WORKER_A)[-1] == "Support can't be ended for Alex Smith: they are follow-up."


async def test_discharge_button_cannot_be_used_by_another_worker(harness: Harness) -> None:
    h = harness
    await _two_caseloads(h)
    alex = await _person(h, "Alex Smith")
    await h.say(WORKER_A, "/discharge Alex")
    confirm = h.messages(WORKER_A)[-1]
    forged = h.buttons(confirm)[0]["callback_data"]
    await h.say(WORKER_B, "/people")
    listing = h.texts(WORKER_B)[-1]
    await h.press(WORKER_B, h.messages(WORKER_B)[-1]["message_id"], forged)
    assert (await _person(h, "Alex Smith")).status == "active"
    assert h.texts(WORKER_B)[-1] == listing
    answer = [c["params"] for c in h.sandbox.state.calls if c["method"] == "answerCallbackQuery"][-1]
    assert answer["text"] == f"I can't find “#{alex.id}” in your caseload. Send /people to see who is in it."
