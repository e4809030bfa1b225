"""/caseload: everyone a worker has (a supervisor may add ``all``), each with status, last reply, latest
scores, open items and next session; people with the most urgent open items first, in as many messages as
Telegram needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from bot.services import Services
from bot.store.models import Person, Worker
from bot.usecases import access, caseload
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import paginate, short_when, status_label
from bot.usecases.worker_tools_facts import Facts, facts, items_text, scores_text


def when_or_never(s: Services, at: datetime | None) -> str:
    """A short local time, or "never"."""
    return s.text(EN, "worker_tools.never") if at is None else short_when(s, at)


def entry(s: Services, person: Person, glance: Facts, with_worker: bool) -> str:
    """One person's lines in /caseload."""
    return s.text(EN, "worker_tools.caseload_entry", id=person.id, name=person.display_name,
                  status=status_label(s, person.status), worker=person.worker.name if with_worker else "",
                  reply=when_or_never(s, glance.last_reply), scores=scores_text(s, glance.scores),
                  items=items_text(s, glance.open_items), session=short_when(s, glance.next_session))


async def people_of(work: Work, worker: Worker | None) -> list[Person]:
    """``worker``'s people (everyone's with None), in the order they joined."""
    joined = func.coalesce(Person.joined_at, Person.created_at)
    query = select(Person).order_by(joined, Person.id)
    if worker is not None:
        query = query.where(Person.worker_id == worker.id)
    return list((await work.session.execute(query)).scalars().all())


async def show_caseload(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/caseload [all]: the caller's people (``all``: everyone's, for a supervisor), most urgent first."""
    for page in await _pages(work, user_id, words):
        work.send(chat_id, page)


async def _pages(work: Work, user_id: int, words: Sequence[str]) -> list[str]:
    caller = await access.worker(work, user_id, "caseload")
    if isinstance(caller, str):
        return [caller]
    everyone = bool(words) and words[0].casefold() == "all"
    if everyone and not caller.is_supervisor:
        return [access.worker_refusal(work, caller, "caseload_all", access.SUPERVISORS_ONLY)]
    people = await people_of(work, None if everyone else caller)
    caseload.audit_worker(work.session, caller, "caseload_all_viewed" if everyone else "caseload_viewed", work.now)
    if not people:
        return [work.text(EN, "caseload.empty")]
    glance = await facts(work.session, [p.id for p in people], work.now)
    ordered = sorted(people, key=lambda p: glance[p.id].most_urgent)  # stable: joiners' order within
    lines = ["\n" + entry(work.services, p, glance[p.id], everyone) for p in ordered]  # a blank line between
    open_count = sum(1 for p in people if glance[p.id].open_items)
    heading = work.text(EN, "worker_tools.caseload_heading_all" if everyone else "worker_tools.caseload_heading",
                        count=len(people), open=open_count)
    return [page.strip() for page in paginate(heading, lines)]
