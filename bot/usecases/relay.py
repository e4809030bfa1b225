""""Message them": a conversation a worker opens with a person through the bot, until the worker ends it.

A tap on ``rl:<person>:o`` (an alert, a digest item, /ack) opens it: a ``Relay`` row (one open per person, the
database's rule) and ``Worker.awaiting = "relay:<person>"``. While it is open the worker's typed texts go to
the person as from their worker, and the person's texts (screened first by the caller) reach the worker.
``rl:<person>:c`` or /done closes it and tells both. Only the person's worker or a supervisor may open or
close one, checked on every call; the person's texts go to whoever holds the open relay.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core import buttons
from bot.delivery.outbox import grid
from bot.store.models import Person, Relay, Worker
from bot.usecases import access, caseload
from bot.usecases.work import Tap, Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN

PREFIX = "relay:"
REACHABLE = ("active", "paused", "followup", "completed")


def can_message(person: Person) -> bool:
    """Whether the bot can carry a message to ``person`` (joined, on Telegram, not stopped or unreachable)."""
    return person.chat_id is not None and person.onboarding is None and person.status in REACHABLE


def end_button(work: Work, person_id: int) -> list[list[tuple[str, str]]]:
    """The End button under every relayed message."""
    return grid([(work.text(EN, "worker_tools.relay_end_button"), buttons.relay(person_id, "c"))], per_row=1)


async def open_relay(work: Work, person_id: int) -> Relay | None:
    """The person's open relay, if any."""
    return (await work.session.execute(
        select(Relay).where(Relay.person_id == person_id, Relay.closed_at.is_(None))
        .execution_options(populate_existing=True))).scalar_one_or_none()


async def tap(work: Work, user_id: int, chat_id: int, person_id: int, choice: str) -> Tap:
    """``rl:<person>:o`` opens the conversation, ``rl:<person>:c`` ends it; others are refused."""
    action = "relay_open" if choice == "o" else "relay_close"
    caller = await access.worker(work, user_id, action)
    if isinstance(caller, str):
        return Tap(caller, alert=True)
    person = await work.session.get(Person, person_id)
    if person is None or not access.allowed(caller, person):
        return Tap(access.worker_refusal(work, caller, action, "worker_tools.relay_not_yours",
                                         None if person is None else person.id), alert=True)
    if choice == "o":
        return await _open(work, caller, chat_id, person)
    await close(work, caller, chat_id, person)
    return Tap()


async def _open(work: Work, caller: Worker, chat_id: int, person: Person) -> Tap:
    if not can_message(person):
        return Tap(work.text(EN, "worker_tools.relay_cannot", name=person.display_name), alert=True)
    current = await open_relay(work, person.id)
    if current is not None and current.worker_id != caller.id:
        holder = await work.session.get(Worker, current.worker_id)
        return Tap(work.text(EN, "worker_tools.relay_taken", name=person.display_name,
                             worker=holder.name if holder else "?"), alert=True)
    if current is None:
        await _end_other(work, caller)
        if not await _insert(work, caller, person):
            return Tap(work.text(EN, "worker_tools.relay_taken", name=person.display_name, worker="?"), alert=True)
        caseload.audit_worker(work.session, caller, "relay_opened", work.now, person)
    caller.awaiting = f"{PREFIX}{person.id}"
    work.send(chat_id, work.text(EN, "worker_tools.relay_opened", name=person.display_name),
              end_button(work, person.id))
    return Tap()


async def _insert(work: Work, caller: Worker, person: Person) -> bool:
    """Insert the open row; False when another one opened meanwhile (the database keeps one per person)."""
    dialect = work.session.bind.dialect.name if work.session.bind is not None else ""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(Relay).values(worker_id=caller.id, person_id=person.id, opened_at=work.now)
                 .on_conflict_do_nothing(index_elements=["person_id"], index_where=Relay.closed_at.is_(None))
                 .returning(Relay.id))
    return (await work.session.execute(statement)).scalar_one_or_none() is not None


async def _end_other(work: Work, caller: Worker) -> None:
    """A worker holds one conversation at a time: opening another ends the one they had."""
    other = relay_person_id(caller)
    if other is not None:
        person = await work.session.get(Person, other)
        if person is not None:
            await close(work, caller, caller.telegram_user_id, person)


def relay_person_id(worker: Worker) -> int | None:
    """The person the worker's typed texts go to, if a conversation is open."""
    awaiting = worker.awaiting or ""
    digits = awaiting[len(PREFIX):] if awaiting.startswith(PREFIX) else ""
    return int(digits) if digits.isdigit() else None


async def resumed(work: Work, worker: Worker) -> str | None:
    """What ``worker.awaiting`` goes back to after something else used it: their open conversation, if any."""
    row = (await work.session.execute(
        select(Relay).where(Relay.worker_id == worker.id, Relay.closed_at.is_(None)).order_by(Relay.id.desc()).limit(1)
    )).scalar_one_or_none()
    return f"{PREFIX}{row.person_id}" if row is not None else None


async def close(work: Work, caller: Worker, chat_id: int | None, person: Person) -> bool:
    """End the conversation with ``person`` and tell both sides; False when none was open."""
    current = await open_relay(work, person.id)
    if caller.awaiting == f"{PREFIX}{person.id}":
        caller.awaiting = None
    if current is None:
        if chat_id is not None:
            work.send(chat_id, work.text(EN, "worker_tools.relay_not_open", name=person.display_name))
        return False
    current.closed_at = work.now
    holder = caller if current.worker_id == caller.id else await work.session.get(Worker, current.worker_id)
    if holder is not None and holder.awaiting == f"{PREFIX}{person.id}":
        holder.awaiting = None
    caseload.audit_worker(work.session, caller, "relay_closed", work.now, person)
    if chat_id is not None:
        work.send(chat_id, work.text(EN, "worker_tools.relay_closed", name=person.display_name))
    if can_message(person) and person.chat_id is not None:
        work.send(person.chat_id, work.text(person.locale, "worker_tools.relay_closed_person",
                                            worker=(holder or caller).name))
    return True


async def done(work: Work, user_id: int, chat_id: int) -> None:
    """/done: end the caller's open conversation."""
    caller = await access.worker(work, user_id, "relay_close")
    if isinstance(caller, str):
        work.send(chat_id, caller)
        return
    person_id = relay_person_id(caller)
    person = None if person_id is None else await work.session.get(Person, person_id)
    if person is None:
        if person_id is not None:
            caller.awaiting = None
        work.send(chat_id, work.text(EN, "worker_tools.relay_none"))
        return
    await close(work, caller, chat_id, person)


async def from_worker(work: Work, worker: Worker, chat_id: int, text: str) -> None:
    """A worker's typed text while a conversation is open: to the person, as from their worker."""
    person_id = relay_person_id(worker)
    person = None if person_id is None else await work.session.get(Person, person_id)
    current = None if person is None else await open_relay(work, person.id)
    if person is None or current is None or current.worker_id != worker.id or not access.allowed(worker, person):
        worker.awaiting = None
        work.send(chat_id, work.text(EN, "worker_tools.relay_none"))
        return
    if not can_message(person) or person.chat_id is None:
        work.send(chat_id, work.text(EN, "worker_tools.relay_cannot", name=person.display_name))
        return
    work.send(person.chat_id, work.text(person.locale, "worker_tools.relay_to_person", worker=worker.name,
                                        text=text))
    caseload.audit_worker(work.session, worker, "relay_sent", work.now, person)


async def from_person(work: Work, person: Person, chat_id: int, text: str) -> bool:
    """A person's text (already screened): True when an open conversation took it to the worker."""
    current = await open_relay(work, person.id)
    if current is None:
        return False
    holder = await work.session.get(Worker, current.worker_id)
    if holder is None or not holder.active or holder.telegram_user_id is None or not access.allowed(holder, person):
        current.closed_at = work.now  # the worker left or no longer has the person: the conversation is over
        return False
    work.send(holder.telegram_user_id, work.text(EN, "worker_tools.relay_from_person", name=person.display_name,
                                                 text=text), end_button(work, person.id))
    return True
