"""/away <days> and /back: a worker on leave; meanwhile their items go to whoever covers for them
(``bot.usecases.routing.covering``: their supervisor, else another supervisor, else the duty contact)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from bot.store.models import Worker
from bot.usecases import access, caseload, routing
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import short_when

MAX_DAYS = 90


async def away(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/away <days>: away until the start of the working day after ``days`` days (at most 90)."""
    caller = await access.worker(work, user_id, "away")
    if isinstance(caller, str):
        work.send(chat_id, caller)
        return
    days = words[0] if len(words) == 1 else ""
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        work.send(chat_id, work.text(EN, "worker_tools.away_usage", limit=MAX_DAYS))
        return
    caller.away_until = _until(work, int(days))
    caseload.audit_worker(work.session, caller, "away", work.now)
    cover = await routing.supervisor_of(work.session, work.services.settings, caller, work.now)
    work.send(chat_id, work.text(EN, "worker_tools.away_set", until=short_when(work.services, caller.away_until),
                                 cover=None if cover is None else cover.name))
    if cover is not None and cover.telegram_user_id is not None:
        work.send(cover.telegram_user_id, work.text(EN, "worker_tools.away_cover", worker=caller.name,
                                                    until=short_when(work.services, caller.away_until)))


def _until(work: Work, days: int) -> datetime:
    """The start of working hours on the day ``days`` days from today (local)."""
    settings = work.services.settings
    today = routing.local(settings, work.now)
    start: time = settings.escalation.working_hours[0]
    return datetime.combine(today.date() + timedelta(days=days), start, today.tzinfo)


async def back(work: Work, user_id: int, chat_id: int) -> None:
    """/back: no longer away; their items come to them again."""
    caller = await access.worker(work, user_id, "back")
    if isinstance(caller, str):
        work.send(chat_id, caller)
        return
    was_away = _is_away(work, caller)
    caller.away_until = None
    caseload.audit_worker(work.session, caller, "back", work.now)
    work.send(chat_id, work.text(EN, "worker_tools.back" if was_away else "worker_tools.not_away"))


def _is_away(work: Work, worker: Worker) -> bool:
    return worker.away_until is not None and worker.away_until > work.now
