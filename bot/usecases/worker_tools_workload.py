"""/workload (supervisors): for each worker, caseload size, open items, overdue items and whether they are away.

Overdue: an open item older than two working days, or an urgent item unacknowledged beyond
``escalation.ack_minutes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.core.escalation import URGENT, WorkingTime
from bot.store.models import Escalation, Person, Worker
from bot.usecases import access, caseload, routing
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import paginate, short_when

OVERDUE_WORKING_DAYS = 2
CURRENT = ("invited", "active", "paused", "followup", "unreachable")
"""The statuses that count towards a caseload (not completed, not stopped)."""


def working_days_later(start: datetime, days: int, working: WorkingTime) -> datetime:
    """``start`` moved on by ``days`` working days (same local time); ``start`` is local."""
    moment, left = start, days
    for _ in range(days * 7 + 7):
        if left == 0:
            break
        moment += timedelta(days=1)
        if working.is_working_day(moment.date()):
            left -= 1
    return moment


def is_overdue(work: Work, item: Escalation, working: WorkingTime) -> bool:
    """Whether an open item is overdue (see the module docstring)."""
    settings = work.services.settings
    if item.kind == URGENT and item.acknowledged_at is None and \
            item.opened_at + timedelta(minutes=settings.escalation.ack_minutes) < work.now:
        return True
    due = working_days_later(routing.local(settings, item.opened_at), OVERDUE_WORKING_DAYS, working)
    return due < routing.local(settings, work.now)


async def show_workload(work: Work, user_id: int, chat_id: int) -> None:
    """/workload: one line per active worker."""
    caller = await access.supervisor(work, user_id, "workload")
    if isinstance(caller, str):
        work.send(chat_id, caller)
        return
    caseload.audit_worker(work.session, caller, "workload_viewed", work.now)
    workers = list((await work.session.execute(
        select(Worker).where(Worker.active.is_(True)).order_by(Worker.name, Worker.id))).scalars())
    sizes = dict((await work.session.execute(
        select(Person.worker_id, func.count()).where(Person.status.in_(CURRENT)).group_by(Person.worker_id)
    )).tuples().all())
    items = list((await work.session.execute(select(Escalation).where(Escalation.status == "open"))).scalars())
    working = routing.working_time(work.services.settings)
    lines = [_line(work, w, sizes.get(w.id, 0), [i for i in items if i.worker_id == w.id], working)
             for w in workers]
    for page in paginate(work.text(EN, "worker_tools.workload_heading", count=len(workers)), lines):
        work.send(chat_id, page)


def _line(work: Work, worker: Worker, size: int, items: Sequence[Escalation], working: WorkingTime) -> str:
    away = worker.away_until is not None and worker.away_until > work.now
    return work.text(EN, "worker_tools.workload_line", id=worker.id, name=worker.name, size=size,
                     open=len(items), overdue=sum(1 for i in items if is_overdue(work, i, working)),
                     supervisor=worker.is_supervisor,
                     away=short_when(work.services, worker.away_until) if away else None)
