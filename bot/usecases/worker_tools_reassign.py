"""/reassign (supervisors): move one person, or a whole caseload, to another worker, keeping the history.

``/reassign <person> to <worker>`` or ``/reassign all from <worker> to <worker>``. Answers, scores and sessions
stay with the person; their open items move to the new worker; an open "Message them" conversation ends.
Both workers are told (the new one with a short summary of each person), and every move is audited with
the supervisor as the actor.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select, update

from bot.store.models import AuditEvent, Escalation, Person, Worker
from bot.usecases import access, caseload, relay
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN
from bot.usecases.worker_lookup import paginate
from bot.usecases.worker_tools import entry, people_of
from bot.usecases.worker_tools_facts import facts

USAGE = "worker_tools.reassign_usage"


async def reassign(work: Work, user_id: int, chat_id: int, words: Sequence[str]) -> None:
    """/reassign: check the caller is a supervisor, read the command, move, tell everyone."""
    caller = await access.supervisor(work, user_id, "reassign")
    if isinstance(caller, str):
        work.send(chat_id, caller)
        return
    lowered = [w.casefold() for w in words]
    if "to" not in lowered:
        work.send(chat_id, work.text(EN, USAGE))
        return
    split = len(lowered) - 1 - lowered[::-1].index("to")
    target = await find_worker(work, words[split + 1:])
    if isinstance(target, str):
        work.send(chat_id, target)
        return
    if lowered[:2] == ["all", "from"]:
        source = await find_worker(work, words[2:split])
        if isinstance(source, str):
            work.send(chat_id, source)
            return
        people = await people_of(work, source)
    else:
        named = await find_person(work, caller, words[:split])
        if isinstance(named, str):
            work.send(chat_id, named)
            return
        people = [named]
    people = [p for p in people if p.worker_id != target.id]
    if not people:
        work.send(chat_id, work.text(EN, "worker_tools.reassign_nothing", worker=target.name))
        return
    await move(work, caller, chat_id, people, target)


async def find_person(work: Work, caller: Worker, words: Sequence[str]) -> Person | str:
    """The person a supervisor names (they search everyone, so "not found" means nobody by that name), or the
    reply to send instead."""
    found = await caseload.find(work.session, caller, words)
    if found.kind == "missing":
        return work.text(EN, USAGE)
    if found.kind == "unknown":
        return work.text(EN, "worker_tools.person_not_found", ref=found.ref)
    if found.kind == "ambiguous" or found.person is None:
        return work.text(EN, "caseload.ambiguous", ref=found.ref, command="reassign",
                         matches=[{"id": p.id, "name": p.display_name} for p in found.matches])
    return found.person


async def find_worker(work: Work, words: Sequence[str]) -> Worker | str:
    """An active worker named by ``#id``, ``id`` or a unique name prefix, or the reply to send instead."""
    ref = " ".join(words).strip()
    if not ref:
        return work.text(EN, USAGE)
    digits = ref.removeprefix("#")
    name = func.lower(Worker.name)
    match = Worker.id == int(digits) if digits.isdigit() and len(digits) < 12 else or_(
        name == ref.lower(), name.startswith(ref.lower(), autoescape=True))
    found = list((await work.session.execute(
        select(Worker).where(match, Worker.active.is_(True)).order_by(Worker.id))).scalars())
    exact = [w for w in found if w.name.casefold() == ref.casefold()]
    found = exact or found
    if len(found) == 1:
        return found[0]
    if not found:
        return work.text(EN, "worker_tools.worker_not_found", ref=ref)
    return work.text(EN, "worker_tools.worker_ambiguous", ref=ref,
                     matches=[{"id": w.id, "name": w.name} for w in found])


async def move(work: Work, caller: Worker, chat_id: int, people: Sequence[Person], target: Worker) -> None:
    """Move ``people`` to ``target``: items follow, conversations end, everyone is told, each move audited."""
    previous: dict[int, list[Person]] = {}
    for person in people:
        old = person.worker
        previous.setdefault(old.id, []).append(person)
        current = await relay.open_relay(work, person.id)
        if current is not None:
            holder = await work.session.get(Worker, current.worker_id)
            await relay.close(work, holder or caller, None if holder is None else holder.telegram_user_id, person)
        await work.session.execute(update(Escalation).where(
            Escalation.person_id == person.id, Escalation.status == "open").values(worker_id=target.id)
            .execution_options(synchronize_session="fetch"))
        person.worker_id = target.id
        person.worker = target
        work.session.add(AuditEvent(at=work.now, actor=f"worker:{caller.id}", action=f"reassigned_from:{old.id}",
                                    worker_id=target.id, person_id=person.id))
    await work.session.flush()
    await _tell(work, caller, chat_id, previous, target)


async def _tell(work: Work, caller: Worker, chat_id: int, previous: dict[int, list[Person]], target: Worker) -> None:
    moved = [p for group in previous.values() for p in group]
    names = ", ".join(p.display_name for p in moved)
    work.send(chat_id, work.text(EN, "worker_tools.reassigned", count=len(moved), names=names, worker=target.name))
    for old_id, group in previous.items():
        old = await work.session.get(Worker, old_id)
        if old is not None and old.active and old.telegram_user_id is not None and old.id != caller.id:
            work.send(old.telegram_user_id, work.text(EN, "worker_tools.reassigned_old", worker=target.name,
                                                      names=", ".join(p.display_name for p in group),
                                                      count=len(group), by=caller.name))
    if target.telegram_user_id is None or target.id == caller.id:
        return
    glance = await facts(work.session, [p.id for p in moved], work.now)
    lines = ["\n" + entry(work.services, p, glance[p.id], False) for p in moved]
    heading = work.text(EN, "worker_tools.reassigned_new", count=len(moved), by=caller.name)
    for page in paginate(heading, lines):
        work.send(target.telegram_user_id, page.strip())

