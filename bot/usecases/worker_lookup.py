"""What every worker command shares: who is asking, which person they name, and how people are written out.

A worker names a person as ``#id``, ``id`` or a unique name prefix within their caseload (everyone's for a
supervisor); anyone outside it is simply "not found". Workers read English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.store.models import Person, Worker
from bot.usecases import access, caseload
from bot.usecases.work import Work

WORKER_LOCALE = "en"
PAGE_CHARS = 3500  # under Telegram's 4096, with room for markup


@dataclass(frozen=True)
class Named:
    """The calling worker, the person their command names, and the words after the person."""

    worker: Worker
    person: Person
    rest: list[str]


async def lookup(work: Work, user_id: int, words: Sequence[str], command: str, usage_key: str) -> Named | str:
    """The calling worker and the person their command names, or the reply to send instead."""
    worker = await access.worker(work, user_id, command)
    if isinstance(worker, str):
        return worker
    found = await caseload.find(work.session, worker, words)
    if found.kind == "missing":
        return work.text(WORKER_LOCALE, usage_key)
    if found.kind == "unknown":
        await access.outside(work, worker, command, found.ref)
        key = "worker_tools.person_not_found" if worker.is_supervisor else "caseload.not_found"
        return work.text(WORKER_LOCALE, key, ref=found.ref)
    if found.kind == "ambiguous":
        matches = [{"id": p.id, "name": p.display_name} for p in found.matches]
        return work.text(WORKER_LOCALE, "caseload.ambiguous", ref=found.ref, command=command, matches=matches)
    assert found.person is not None
    return Named(worker, found.person, found.rest)


def paginate(first: str, lines: Sequence[str], limit: int = PAGE_CHARS) -> list[str]:
    """``first`` then ``lines``, one per line, split into messages of at most ``limit`` characters."""
    pages = [first]
    for line in lines:
        if len(pages[-1]) + len(line) + 1 > limit:
            pages.append(line)
        else:
            pages[-1] += "\n" + line
    return pages


def short_when(s: Services, at: datetime | None) -> str:
    """A scannable local time for workers ("Mon 9 Mar 10:00"), in the service's time zone."""
    if at is None:
        return s.text(WORKER_LOCALE, "caseload.no_next")
    local = at.astimezone(ZoneInfo(s.settings.service.timezone))
    return s.text(WORKER_LOCALE, "caseload.short_when",
                  day=s.text(WORKER_LOCALE, f"caseload.short_days.{local.weekday()}"), date=local.day,
                  month=s.text(WORKER_LOCALE, f"caseload.short_months.{local.month}"), time=local.strftime("%H:%M"))


def status_label(s: Services, status: str) -> str:
    """A person's status in the worker's words."""
    key = f"caseload.status.{status}"
    return s.text(WORKER_LOCALE, key) if s.messages.has(key) else status

