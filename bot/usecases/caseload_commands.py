"""A worker's caseload commands: /people, /goal, /activity and /discharge (confirmed with a button).

Every command checks the caller's role on every call; replies go to the chat the command came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from bot.core import buttons
from bot.delivery.outbox import grid
from bot.store.models import Worker
from bot.usecases import access, caseload
from bot.usecases.work import Tap, Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import Named, lookup, paginate, short_when, status_label

Detail = Literal["goal", "activity"]
LIMITS: dict[Detail, int] = {"goal": caseload.GOAL_LIMIT, "activity": caseload.ACTIVITY_LIMIT}


def _pages(work: Work, worker: Worker, entries: Sequence[caseload.Entry]) -> list[str]:
    if not entries:
        return [work.text(EN, "caseload.empty")]
    heading = "caseload.heading_all" if worker.is_supervisor else "caseload.heading"
    line_key = "caseload.line_all" if worker.is_supervisor else "caseload.line"
    lines = [work.text(EN, line_key, id=entry.person.id, name=entry.person.display_name,
                       status=status_label(work.services, entry.person.status),
                       next=short_when(work.services, entry.next_due), worker=entry.worker_name)
             for entry in entries]
    return paginate(work.text(EN, heading, count=len(entries)), lines)


async def list_people(work: Work, user_id: int, chat_id: int) -> None:
    """/people: the caller's caseload (everyone's for a supervisor), most recent joiners last, in pages."""
    worker = await access.worker(work, user_id, "people")
    if isinstance(worker, str):
        work.send(chat_id, worker)
        return
    for page in _pages(work, worker, await caseload.caseload(work.session, worker)):
        work.send(chat_id, page)
    caseload.audit_worker(work.session, worker, "caseload_viewed", work.now)


async def set_detail(work: Work, user_id: int, chat_id: int, words: Sequence[str], detail: Detail) -> None:
    """/goal or /activity <person> <text>: set it, or with ``clear`` remove it (at most 200 characters)."""
    work.send(chat_id, await _set_detail(work, user_id, words, detail))


async def _set_detail(work: Work, user_id: int, words: Sequence[str], detail: Detail) -> str:
    usage = f"caseload.{detail}_usage"
    named = await lookup(work, user_id, words, detail, usage)
    if isinstance(named, str):
        return named
    text, limit = " ".join(named.rest).strip(), LIMITS[detail]
    if not text:
        return work.text(EN, usage)
    if len(text) > limit:
        return work.text(EN, f"caseload.{detail}_too_long", length=len(text), limit=limit)
    setter = caseload.set_goal if detail == "goal" else caseload.set_activity
    value = None if caseload.cleared(text) else text
    await setter(work.session, named.worker, named.person, value, work.now, work.services.programme)
    if value is None:
        return work.text(EN, f"caseload.{detail}_cleared", name=named.person.display_name)
    return work.text(EN, f"caseload.{detail}_set", name=named.person.display_name, **{detail: text})


async def ask_discharge(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/discharge <person>: ask the worker to confirm the end of support with a button."""
    named = await lookup(work, user_id, words, "discharge", "caseload.discharge_usage")
    if isinstance(named, str):
        work.send(chat_id, named)
        return
    person = named.person
    caseload.audit_worker(work.session, named.worker, "discharge_asked", work.now, person)
    if not caseload.can_discharge(person):
        work.send(chat_id, _not_possible(work, named))
        return
    keyboard = grid([(work.text(EN, "caseload.discharge_yes"), buttons.discharge(person.id, "y")),
                     (work.text(EN, "caseload.discharge_no"), buttons.discharge(person.id, "n"))], per_row=2)
    work.send(chat_id, work.text(EN, "caseload.discharge_confirm", name=person.display_name, id=person.id),
              keyboard)


async def confirm_discharge(work: Work, user_id: int, chat_id: int, message_id: int | None, person_id: int,
                            end: bool) -> Tap:
    """The discharge confirmation's buttons; a second, stale or someone else's tap changes nothing.

    A tap that changes nothing says why in the notice and takes the buttons away, leaving the text.
    """
    named = await lookup(work, user_id, [f"#{person_id}"], "discharge", "caseload.discharge_usage")
    if isinstance(named, str):  # not in their caseload (or no longer a worker)
        work.unbutton(chat_id, message_id)
        return Tap(named)
    person = named.person
    if not end and not caseload.can_discharge(person):  # "Cancel" after "Yes" already ended support
        work.unbutton(chat_id, message_id)
        return Tap(_not_possible(work, named))
    if not end:
        reply = work.text(EN, "caseload.discharge_cancelled", name=person.display_name)
    elif await caseload.discharge(work.session, person, work.now, work.services.programme):
        if named.worker.id != person.worker_id:  # the programme records it as the assigned worker's
            caseload.audit_worker(work.session, named.worker, "discharged", work.now, person)
        reply = work.text(EN, "caseload.discharged", name=person.display_name)
    else:  # already ended (a second tap)
        work.unbutton(chat_id, message_id)
        return Tap(_not_possible(work, named))
    if message_id is not None:
        work.edit(chat_id, message_id, reply)
    return Tap()


def _not_possible(work: Work, named: Named) -> str:
    return work.text(EN, "caseload.discharge_not_possible", name=named.person.display_name,
                     status=status_label(work.services, named.person.status))
