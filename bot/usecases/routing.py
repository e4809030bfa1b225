"""Who hears of a person's items: their worker, or whoever covers (supervisor, duty contact); and when.

One policy for every path that tells a worker something (urgent alerts, their forwarding, digests): a worker
who is deactivated or away is covered by their supervisor, else by any active supervisor, else by the duty
contact (``escalation.duty_worker_id``).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DAYS, Settings
from bot.core.escalation import WorkingTime
from bot.store.models import Worker


def working_time(settings: Settings) -> WorkingTime:
    """The service's working days and hours."""
    start, end = settings.escalation.working_hours
    return WorkingTime(frozenset(DAYS.index(day) for day in settings.escalation.working_days), start, end)


def local(settings: Settings, at: datetime) -> datetime:
    """``at`` in the service's time zone."""
    return at.astimezone(ZoneInfo(settings.service.timezone))


def is_present(worker: Worker, now: datetime) -> bool:
    """Active, and not away."""
    return worker.active and (worker.away_until is None or worker.away_until <= now)


async def supervisors(session: AsyncSession, now: datetime, *, besides: int | None = None) -> list[Worker]:
    """Every present supervisor (other than ``besides``), oldest first."""
    rows = (await session.execute(
        select(Worker).where(Worker.is_supervisor.is_(True), Worker.active.is_(True)).order_by(Worker.id)
    )).scalars().all()
    return [w for w in rows if is_present(w, now) and w.id != besides]


async def duty_contact(session: AsyncSession, settings: Settings, now: datetime) -> Worker | None:
    """The configured duty worker, when set and active."""
    duty_id = settings.escalation.duty_worker_id
    if duty_id is None:
        return None
    worker = await session.get(Worker, duty_id)
    return worker if worker is not None and worker.active else None


async def supervisor_of(session: AsyncSession, settings: Settings, worker: Worker, now: datetime) -> Worker | None:
    """Who covers for ``worker``: their own supervisor if present, else any other present supervisor, else
    the duty contact; None when there is nobody."""
    if worker.supervisor_id is not None:
        own = await session.get(Worker, worker.supervisor_id)
        if own is not None and is_present(own, now) and own.id != worker.id:
            return own
    others = await supervisors(session, now, besides=worker.id)
    if others:
        return others[0]
    duty = await duty_contact(session, settings, now)
    return duty if duty is not None and duty.id != worker.id else None


async def covering(session: AsyncSession, settings: Settings, worker: Worker, now: datetime) -> Worker | None:
    """Who should see ``worker``'s items now: the worker when present, else whoever covers for them."""
    if is_present(worker, now):
        return worker
    return await supervisor_of(session, settings, worker, now)


async def on_duty(session: AsyncSession, settings: Settings, now: datetime) -> list[Worker]:
    """Who gets urgent alerts nobody else is assigned to (strangers, out of hours): the duty contact, else
    every present supervisor."""
    duty = await duty_contact(session, settings, now)
    return [duty] if duty is not None else await supervisors(session, now)
