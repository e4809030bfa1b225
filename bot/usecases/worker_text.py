"""A worker's free text: a note the bot asked for, a message for the person they are talking to, or a hint.

``Worker.awaiting`` says what the next typed text is for: ``note:<escalation id>`` (why no action was needed
on an urgent alert: ``acknowledge.record_note``) or ``relay:<person id>`` (an open "Message them"
conversation). Anything else gets the workers' hint, never the person's "I can only pass on answers" text.
"""

from __future__ import annotations

from bot.store.models import Worker
from bot.usecases import acknowledge, relay
from bot.usecases.work import Work
from bot.usecases.worker_lookup import WORKER_LOCALE as EN


def hint(work: Work, chat_id: int) -> None:
    """The workers' hint: what they can do here."""
    work.send(chat_id, work.text(EN, "worker_tools.hint"))


async def typed(work: Work, worker: Worker, chat_id: int, text: str) -> None:
    """Route a worker's typed text (the caller has the worker, freshly read, in this transaction)."""
    awaiting = worker.awaiting or ""
    note = awaiting.removeprefix(acknowledge.NOTE)
    if awaiting.startswith(acknowledge.NOTE) and note.isdigit():
        await acknowledge.record_note(work, worker, int(note), text)
    elif relay.relay_person_id(worker) is not None:
        await relay.from_worker(work, worker, chat_id, text)
    else:
        hint(work, chat_id)
