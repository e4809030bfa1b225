"""Who may use the worker commands, and the one way to refuse: a reply that reveals nothing, and an audit row.

Every worker command asks here on every call. A refusal writes an ``AuditEvent`` with ``outcome='refused'``
and the real actor (``worker:<id>``, ``person:<id>``, or ``telegram:<user id>`` for a stranger), and gives the
caller the reply to show, the same whatever lies behind it (whether a named person exists or not).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from bot.store.models import AuditEvent, Person, Worker
from bot.usecases import enrolment
from bot.usecases.work import Work

EN = "en"  # workers read English (``worker_lookup.WORKER_LOCALE``)
NOT_A_WORKER = "worker.not_a_worker"
SUPERVISORS_ONLY = "worker_tools.supervisors_only"


def refuse(work: Work, actor: str, action: str, reply_key: str, *, worker_id: int | None = None,
           person_id: int | None = None) -> str:
    """Record a refused attempt (``outcome='refused'``) and return the reply for ``reply_key``."""
    work.session.add(AuditEvent(at=work.now, actor=actor[:40], action=action[:40], worker_id=worker_id,
                                person_id=person_id, outcome="refused"))
    return work.text(EN, reply_key)


async def actor_for(work: Work, user_id: int) -> str:
    """Who a Telegram user is to the audit trail: a worker, a person, or a stranger."""
    worker = await enrolment.worker_for_user(work.session, user_id)
    if worker is not None:
        return f"worker:{worker.id}"
    person = await enrolment.person_for_user(work.session, user_id)
    return f"person:{person.id}" if person is not None else f"telegram:{user_id}"


async def worker(work: Work, user_id: int, action: str) -> Worker | str:
    """The active worker behind ``user_id``; anyone else is refused (the reply to show is returned)."""
    found = await enrolment.worker_for_user(work.session, user_id)
    if found is not None:
        return found
    return refuse(work, await actor_for(work, user_id), action, NOT_A_WORKER)


async def supervisor(work: Work, user_id: int, action: str) -> Worker | str:
    """The active supervisor behind ``user_id``; workers and anyone else are refused."""
    found = await worker(work, user_id, action)
    if isinstance(found, str) or found.is_supervisor:
        return found
    return refuse(work, f"worker:{found.id}", action, SUPERVISORS_ONLY, worker_id=found.id)


def worker_refusal(work: Work, caller: Worker, action: str, reply_key: str, person_id: int | None = None) -> str:
    """Refuse a worker something (a supervisor's command, a person not theirs); the reply is returned."""
    return refuse(work, f"worker:{caller.id}", action, reply_key, worker_id=caller.id, person_id=person_id)


async def outside(work: Work, caller: Worker, action: str, ref: str) -> None:
    """A worker named someone not in their caseload: audit it as refused when ``ref`` names a real person
    outside it (their reply stays "not found", exactly as for nobody at all)."""
    if caller.is_supervisor or not ref:
        return
    digits = ref[1:] if ref.startswith("#") else ref
    if digits.isdigit() and len(digits) < 12:
        match = Person.id == int(digits)
    else:
        name = func.lower(Person.display_name)
        match = or_(name == ref.lower(), name.startswith(ref.lower(), autoescape=True))
    found = (await work.session.execute(
        select(Person.id).where(match, Person.worker_id != caller.id).order_by(Person.id).limit(1)
    )).scalar_one_or_none()
    if found is not None:
        work.session.add(AuditEvent(at=work.now, actor=f"worker:{caller.id}", action=action[:40],
                                    worker_id=caller.id, person_id=found, outcome="refused"))


def allowed(caller: Worker, person: Person) -> bool:
    """Whether ``caller`` may act on ``person``: their assigned worker, or a supervisor."""
    return caller.is_supervisor or person.worker_id == caller.id
