"""Raising escalations: one open item per person and kind; new evidence attaches to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Escalation, Person


async def raise_escalation(
    session: AsyncSession, person: Person, kind: str, evidence: dict[str, Any], now: datetime
) -> Escalation:
    """Open an escalation of ``kind`` for ``person``, or add ``evidence`` to the one already open."""
    existing = (await session.execute(
        select(Escalation).where(Escalation.person_id == person.id, Escalation.kind == kind,
                                 Escalation.status == "open")
    )).scalar_one_or_none()
    entry = {"at": now.isoformat(), **evidence}
    if existing is not None:
        existing.evidence = {**existing.evidence, "items": [*existing.evidence.get("items", []), entry]}
        return existing
    escalation = Escalation(person_id=person.id, worker_id=person.worker_id, kind=kind, status="open",
                            opened_at=now, evidence={"items": [entry]})
    session.add(escalation)
    return escalation
