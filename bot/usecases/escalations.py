"""Escalations: one open item per person and kind; new evidence attaches to it; closing records when and why.

"One open" is the database's rule (a partial unique index on ``(person_id, kind) WHERE status = 'open'``),
so it holds across transactions and instances. Raising takes the open row with a row lock and adds to it;
when there is none it inserts with ``ON CONFLICT DO NOTHING``, and when another transaction got there first
(the insert waits for it to commit) it takes that row instead. Two transactions raising the same kind for
the same person at once therefore end with one open row holding both pieces of evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import OPEN_ESCALATION, Escalation, Person

ATTEMPTS = 5
"""How many times raising looks for the open row, then tries to insert one, before giving up (each round
can only be lost to a transaction that closed the open row, or opened one, in between)."""


async def open_escalation(session: AsyncSession, person_id: int, kind: str, *,
                          lock: bool = False) -> Escalation | None:
    """The person's open escalation of ``kind``, freshly read (and locked for this transaction with ``lock``)."""
    query = (select(Escalation).where(Escalation.person_id == person_id, Escalation.kind == kind,
                                      Escalation.status == "open")
             .execution_options(populate_existing=True))
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def raise_escalation(
    session: AsyncSession, person: Person, kind: str, evidence: dict[str, Any], now: datetime
) -> Escalation:
    """Open an escalation of ``kind`` for ``person``, or add ``evidence`` to the one already open."""
    entry = {"at": now.isoformat(), **evidence}
    for _ in range(ATTEMPTS):
        existing = await open_escalation(session, person.id, kind, lock=True)
        if existing is not None:
            existing.evidence = {**existing.evidence, "items": [*existing.evidence.get("items", []), entry]}
            existing.updated_at = now
            return existing
        created = await _insert_open(session, person, kind, entry, now)
        if created is not None:
            created.updated_at = now
            return created
    raise RuntimeError(f"escalation {kind!r} for person {person.id}: the open row kept changing")


async def _insert_open(session: AsyncSession, person: Person, kind: str, entry: dict[str, Any],
                       now: datetime) -> Escalation | None:
    """Insert the open row; None when one is already open (committed by another transaction meanwhile)."""
    dialect = session.bind.dialect.name if session.bind is not None else ""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(Escalation)
                 .values(person_id=person.id, worker_id=person.worker_id, kind=kind, status="open",
                         opened_at=now, evidence={"items": [entry]})
                 .on_conflict_do_nothing(index_elements=["person_id", "kind"],
                                         index_where=text(OPEN_ESCALATION))
                 .returning(Escalation.id))
    created = (await session.execute(statement)).scalar_one_or_none()
    return None if created is None else await session.get(Escalation, created)


async def close_escalations(session: AsyncSession, person: Person, kinds: Iterable[str], now: datetime,
                            reason: str) -> list[Escalation]:
    """Close the person's open escalations of ``kinds``; each records when and why in its evidence."""
    rows = (await session.execute(
        select(Escalation).where(Escalation.person_id == person.id, Escalation.kind.in_(tuple(kinds)),
                                 Escalation.status == "open")
        .with_for_update().execution_options(populate_existing=True)
    )).scalars().all()
    for escalation in rows:
        escalation.status = "closed"
        escalation.evidence = {**escalation.evidence, "closed": {"at": now.isoformat(), "reason": reason}}
    return list(rows)
