"""Digests: one a working day per worker, at their time, listing every open item of the people they cover.

- **When:** at the worker's ``digest_time`` (else ``escalation.digest_time``), service time zone, on working
  days. The day is claimed first in the ``digests`` table (unique worker and day, inserted with ``ON CONFLICT
  DO NOTHING``), in the transaction that queues the digest: a restart or a second instance never sends twice.
- **What:** every open item of the people assigned to the worker, and to every worker they cover for (away,
  deactivated or gone: ``routing.covering``), most urgent first, snoozed items left out. Sent only when some
  item is new (or has new evidence since it was last digested), is back from a snooze, or is urgent and still
  unacknowledged (``core.digest.select``); otherwise nothing is sent, and the day is done.
- **How:** in Telegram, a header, then one message per item with its buttons (the most urgent
  ``core.digest.SHOWN``; the rest counted in one message); by email too, when the worker has an address and
  email is configured (plain text and HTML, the same order).
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import distinct, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core import digest as rules
from bot.core.escalation import digest_due
from bot.store.models import Digest, Escalation, Person, Worker
from bot.usecases import digest_items, routing
from bot.usecases.digest_items import EN, Item
from bot.usecases.item_buttons import item_keyboard
from bot.usecases.wording import local_date
from bot.usecases.work import Work


def digest_time(work: Work, worker: Worker) -> time:
    """The worker's chosen time, else the service's."""
    if worker.digest_time:
        try:
            return time.fromisoformat(worker.digest_time)
        except ValueError:
            pass
    return work.services.settings.escalation.digest_time


async def due(work: Work) -> list[int]:
    """The ids of present workers whose digest is due now and not yet done today (cheap: no items read)."""
    settings = work.services.settings
    local_now = routing.local(settings, work.now)
    working = routing.working_time(settings)
    if not working.is_working_day(local_now.date()):
        return []
    today = local_now.date().isoformat()
    done = set((await work.session.execute(select(Digest.worker_id).where(Digest.day == today))).scalars())
    workers = (await work.session.execute(select(Worker).where(Worker.active.is_(True)).order_by(Worker.id))).scalars()
    return [w.id for w in workers if w.id not in done and routing.is_present(w, work.now)
            and digest_due(local_now, digest_time(work, w), working, None)]


async def _claim_day(work: Work, worker_id: int, day: str) -> Digest | None:
    """Write today's digest row; None when it already exists (sent earlier, or by another instance)."""
    dialect = work.session.bind.dialect.name if work.session.bind is not None else ""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (insert(Digest).values(worker_id=worker_id, day=day, sent_at=work.now, items=0)
                 .on_conflict_do_nothing(index_elements=["worker_id", "day"]).returning(Digest.id))
    created = (await work.session.execute(statement)).scalar_one_or_none()
    return None if created is None else await work.session.get(Digest, created)


async def covered(work: Work, worker: Worker) -> dict[int, Worker | None]:
    """Whose people's items ``worker`` sees: their own (None), and each absent worker they cover for."""
    holders = (await work.session.execute(
        select(distinct(Person.worker_id)).join(Escalation, Escalation.person_id == Person.id)
        .where(Escalation.status == "open", Person.worker_id != worker.id))).scalars().all()
    cover: dict[int, Worker | None] = {worker.id: None}
    for holder_id in holders:
        holder = await work.session.get(Worker, holder_id)
        if holder is None or routing.is_present(holder, work.now):
            continue
        covering = await routing.covering(work.session, work.services.settings, holder, work.now)
        if covering is not None and covering.id == worker.id:
            cover[holder.id] = holder
    return cover


async def send(work: Work, worker_id: int) -> int:
    """Send ``worker_id``'s digest for today if due; how many items it listed (0: nothing new, or not due)."""
    worker = await work.session.get(Worker, worker_id)
    settings = work.services.settings
    local_now = routing.local(settings, work.now)
    if worker is None or not routing.is_present(worker, work.now) or not digest_due(
            local_now, digest_time(work, worker), routing.working_time(settings), None):
        return 0
    day = await _claim_day(work, worker.id, local_now.date().isoformat())
    if day is None:
        return 0
    items = await digest_items.open_items(work, await covered(work, worker))
    by_id = {item.escalation.id: item for item in items}
    chosen = [by_id[entry.id] for entry in rules.select((i.entry for i in items), work.now)]
    if not chosen or (worker.telegram_user_id is None and not worker.email):
        return 0
    await _deliver(work, worker, chosen)
    for item in chosen:
        item.escalation.digested_at = work.now
    day.items = len(chosen)
    return len(chosen)


async def _deliver(work: Work, worker: Worker, chosen: list[Item]) -> None:
    """Queue the Telegram messages and the email."""
    shown, rest = rules.split(chosen)
    new = sum(1 for item in chosen if rules.is_new(item.entry))
    day = local_date(work, EN, work.now, work.services.settings.service.timezone)
    header = work.text(EN, "digest.header", day=day, count=len(chosen), new=new)
    bodies = [(item, await digest_items.render(work, item, rules.label(item.entry, work.now))) for item in shown]
    more = digest_items.summary(work, rest) if rest else None
    if worker.telegram_user_id is not None:
        chat = worker.telegram_user_id
        work.send(chat, header)
        for item, body in bodies:
            work.send(chat, body, item_keyboard(work, item.escalation, item.person))
        if more is not None:
            work.send(chat, more)
    parts = [header, *(body for _, body in bodies), *([more] if more else []), work.text(EN, "digest.email_actions")]
    subject = rules.plain(work.text(EN, "digest.subject", count=len(chosen), day=day))
    work.email(worker.email, subject, "\n\n".join(rules.plain(part) for part in parts), _html(parts))


def _html(parts: list[str]) -> str:
    """The email's HTML: each rendered (already escaped) part a paragraph, its lines kept."""
    paragraphs = "\n".join(f"<p>{part.replace(chr(10), '<br>' + chr(10))}</p>" for part in parts)
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
            f'<body style="font-family: sans-serif; line-height: 1.4">\n{paragraphs}\n</body></html>\n')

