"""Access: every worker command checks the role on every call, refuses others without revealing anything,
and audits each refused attempt with the real actor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.store.models import AuditEvent, Person
from bot.testing import Harness

WORKER_A, WORKER_B, ALEX, CAL, STRANGER = 501, 502, 701, 703, 999
WORKER_COMMANDS = ("/invite Zed", "/people", "/goal Alex walk", "/activity Alex club", "/discharge Alex",
                   "/session Alex tomorrow 10:00", "/missed Alex", "/attended Alex", "/caseload", "/person Alex",
                   "/ack", "/workload", "/reassign Alex to Sam", "/away 3", "/back", "/done")


@pytest.fixture
async def h(database_url: str | None) -> AsyncIterator[Harness]:
    """Sam (worker A) has Alex; Rhys (worker B) has Cal."""
    async with Harness(database_url) as harness:
        await harness.linked_worker(WORKER_A, "Sam Jones")
        await harness.linked_worker(WORKER_B, "Rhys Owen")
        await harness.join(ALEX, await harness.invite(WORKER_A, "Alex Smith"))
        await harness.join(CAL, await harness.invite(WORKER_B, "Cal Evans"))
        yield harness


async def _person(h: Harness, name: str) -> Person:
    assert h.services is not None
    async with h.services.db.session() as session:
        return (await session.execute(select(Person).where(Person.display_name == name))).scalar_one()


async def _refused(h: Harness) -> list[tuple[str, str, int | None]]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows: Any = (await session.execute(select(AuditEvent).where(AuditEvent.outcome == "refused")
                                           .order_by(AuditEvent.id))).scalars()
        return [(e.actor, e.action, e.person_id) for e in rows]


async def test_people_and_strangers_are_refused_every_worker_command_and_each_attempt_is_audited(
        h: Harness) -> None:
    alex = await _person(h, "Alex Smith")
    for user in (ALEX, STRANGER):
        for command in WORKER_COMMANDS:
            await h.say(user, command)
            assert h.texts(user)[-1] == "Sorry, that command is for link workers.", (user, command)
    refused = await _refused(h)
    assert len(refused) == 2 * len(WORKER_COMMANDS)
    assert {actor for actor, _, _ in refused} == {f"person:{alex.id}", f"telegram:{STRANGER}"}
    assert all(person_id is None for _, _, person_id in refused), "nothing about anyone is recorded for them"
    assert {action for _, action, _ in refused} >= {"invite", "people", "goal", "caseload", "person", "workload",
                                                     "reassign"}


async def test_a_worker_cannot_reach_another_workers_person_and_the_reply_reveals_nothing(h: Harness) -> None:
    cal = await _person(h, "Cal Evans")
    replies = []
    for ref in (f"#{cal.id}", "Cal", "#9999", "Nobody"):
        await h.say(WORKER_A, f"/person {ref}")
        replies.append(h.texts(WORKER_A)[-1].replace(ref, "<ref>"))
    assert len(set(replies)) == 1 and "in your caseload" in replies[0], "the same reply, exists or not"
    await h.say(WORKER_A, "/goal Cal walk")
    await h.say(WORKER_A, "/ack Cal")
    assert (await _person(h, "Cal Evans")).goal is None
    assert await _refused(h) == [("worker:1", "person", cal.id), ("worker:1", "person", cal.id),
                                 ("worker:1", "goal", cal.id), ("worker:1", "ack", cal.id)]


async def test_a_person_cannot_use_caseload(h: Harness) -> None:
    await h.say(ALEX, "/caseload")
    assert h.texts(ALEX)[-1] == "Sorry, that command is for link workers."
    assert "Alex Smith" not in h.texts(ALEX)[-1]
    alex = await _person(h, "Alex Smith")
    assert await _refused(h) == [(f"person:{alex.id}", "caseload", None)]


async def test_supervisor_commands_refuse_workers_and_are_audited(h: Harness) -> None:
    await h.say(WORKER_A, "/workload")
    assert h.texts(WORKER_A)[-1] == "Sorry, that command is for supervisors."
    await h.say(WORKER_A, "/reassign Cal to Sam")
    assert h.texts(WORKER_A)[-1] == "Sorry, that command is for supervisors."
    await h.say(WORKER_A, "/caseload all")
    assert h.texts(WORKER_A)[-1] == "Sorry, that command is for supervisors."
    assert (await _person(h, "Cal Evans")).worker_id == 2
    assert await _refused(h) == [("worker:1", "workload", None), ("worker:1", "reassign", None),
                                 ("worker:1", "caseload_all", None)]


async def test_a_stale_discharge_button_for_someone_elses_person_is_refused_and_audited(h: Harness) -> None:
    cal = await _person(h, "Cal Evans")
    await h.press(WORKER_A, h.messages(WORKER_A)[-1]["message_id"], f"dc:{cal.id}:y")
    assert (await _person(h, "Cal Evans")).status == "active"
    assert await _refused(h) == [("worker:1", "discharge", cal.id)]
