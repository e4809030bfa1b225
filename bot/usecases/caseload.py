"""A worker's caseload: who they may see, naming a person in a command, goals, activities, discharge.

A worker sees only their own people; a supervisor sees everyone's. Nothing here reveals whether a
person outside the caller's caseload exists: such a person is simply "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.programme import Rules
from bot.store.models import AuditEvent, CheckIn, Person, Worker
from bot.usecases import programme
from bot.usecases.work import Work

GOAL_LIMIT = 200
ACTIVITY_LIMIT = 200
CLEAR_WORDS = ("clear", "none", "remove", "-")
NAME_WORDS_MAX = 4
DISCHARGEABLE = ("active", "paused", "unreachable")


def in_scope(worker: Worker) -> Select[tuple[Person]]:
    """The people ``worker`` may see: their own, or everyone's for a supervisor."""
    query = select(Person)
    return query if worker.is_supervisor else query.where(Person.worker_id == worker.id)


def audit(session: AsyncSession, actor: str, action: str, now: datetime, worker_id: int | None,
          person_id: int | None = None) -> None:
    """Record who read or changed whose data."""
    session.add(AuditEvent(at=now, actor=actor, action=action, worker_id=worker_id, person_id=person_id))


def audit_worker(session: AsyncSession, worker: Worker, action: str, now: datetime,
                 person: Person | None = None) -> None:
    """Record a worker's command (actor ``worker:<id>``)."""
    audit(session, f"worker:{worker.id}", action, now, worker.id, None if person is None else person.id)


@dataclass(frozen=True)
class Entry:
    """One line of the caseload: the person and their next scheduled check-in, if any."""

    person: Person
    next_due: datetime | None
    worker_name: str


async def caseload(session: AsyncSession, worker: Worker) -> list[Entry]:
    """The worker's caseload, most recent joiners last."""
    joined = func.coalesce(Person.joined_at, Person.created_at)
    people = (await session.execute(in_scope(worker).order_by(joined, Person.id))).scalars().all()
    ids = [p.id for p in people]
    due: dict[int, datetime] = {}
    if ids:
        rows = await session.execute(
            select(CheckIn.person_id, func.min(CheckIn.due_at)).where(
                CheckIn.status == "scheduled", CheckIn.person_id.in_(ids)).group_by(CheckIn.person_id))
        due = {person_id: at for person_id, at in rows.tuples()}
    return [Entry(p, due.get(p.id), p.worker.name) for p in people]


@dataclass(frozen=True)
class Found:
    """What a ``<person>`` reference in a worker command turned out to be, and the words after it."""

    kind: Literal["person", "ambiguous", "unknown", "missing"]
    ref: str = ""
    person: Person | None = None
    matches: Sequence[Person] = ()
    rest: list[str] = field(default_factory=list)


def _person_id(word: str) -> int | None:
    digits = word[1:] if word.startswith("#") else word
    return int(digits) if digits.isdigit() and len(digits) < 12 else None


def _matching(people: Sequence[Person], ref: str) -> list[Person]:
    wanted = ref.casefold()
    exact = [p for p in people if p.display_name.casefold() == wanted]
    return exact or [p for p in people if p.display_name.casefold().startswith(wanted)]


async def find(session: AsyncSession, worker: Worker, words: Sequence[str]) -> Found:
    """Read ``<person>`` from the start of ``words``: ``#12``, ``12``, or a unique name prefix ("Alex").

    A name may take several words ("Alex Sm"); the longest run of leading words naming exactly one
    person in the caseload wins, and the words after it are returned as ``rest``.
    """
    if not words:
        return Found("missing")
    person_id = _person_id(words[0])
    if person_id is not None:
        person = (await session.execute(in_scope(worker).where(Person.id == person_id))).scalar_one_or_none()
        return Found("person", words[0], person, rest=list(words[1:])) if person else Found("unknown", words[0])
    people = (await session.execute(in_scope(worker).order_by(Person.id))).scalars().all()
    for count in range(min(NAME_WORDS_MAX, len(words)), 0, -1):
        ref = " ".join(words[:count])
        matches = _matching(people, ref)
        if len(matches) == 1:
            return Found("person", ref, matches[0], rest=list(words[count:]))
    first = _matching(people, words[0])
    return Found("ambiguous", words[0], matches=first) if first else Found("unknown", words[0])


async def set_goal(session: AsyncSession, worker: Worker, person: Person, goal: str | None, now: datetime,
                   rules: Rules) -> None:
    """Set (or with None clear) the person's small goal; the weekly check-in asks about it."""
    person.goal = goal
    audit_worker(session, worker, "goal_set" if goal else "goal_cleared", now, person)
    await programme.replan(session, person, now, rules)


async def set_activity(session: AsyncSession, worker: Worker, person: Person, activity: str | None,
                       now: datetime, rules: Rules) -> None:
    """Set (or clear) the group or activity the person was connected to."""
    person.activity = activity
    audit_worker(session, worker, "activity_set" if activity else "activity_cleared", now, person)
    await programme.replan(session, person, now, rules)


def cleared(text: str) -> bool:
    """Whether a worker's text means "remove it" (``/goal Alex clear``)."""
    return text.strip().casefold() in CLEAR_WORDS


def can_discharge(person: Person) -> bool:
    """Whether support can end now (in support, paused or unreachable, and not already ended)."""
    return person.support_ended_at is None and person.status in DISCHARGEABLE


async def discharge(session: AsyncSession, person: Person, now: datetime, rules: Rules) -> bool:
    """End support (follow-up check-ins follow); False if it cannot end now. The programme records it."""
    if not can_discharge(person):
        return False
    await programme.discharge(session, person, now, rules)
    return True


async def discharge_by_id(work: Work, person_id: int) -> tuple[Person, bool]:
    """End support for a person named by id on the command line; raises LookupError if there is none."""
    person = await work.session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person with id {person_id}")
    ended = await discharge(work.session, person, work.now, work.services.programme)
    if ended:
        audit(work.session, "cli", "discharged", work.now, person.worker_id, person.id)
    return person, ended


STATUS_WORDS = {"invited": "invited (not joined yet)", "followup": "in follow-up (support already ended)"}


def status_words(status: str) -> str:
    """A person's status in plain words for the command line."""
    return STATUS_WORDS.get(status, status)
