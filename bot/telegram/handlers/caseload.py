"""Worker commands about their caseload: /people, /goal, /activity and /discharge (confirmed with a button).

Every command checks the caller's role on every call, and names a person as ``#id``, ``id`` or a unique
name prefix within the caller's caseload; anyone outside it is simply "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update

from bot.services import Services
from bot.store.models import Person, Worker
from bot.telegram import edits, keyboards
from bot.telegram.context import BotContext
from bot.usecases import caseload, enrolment

DISCHARGE = "dc"
PAGE_CHARS = 3500


def _asked(update: Update) -> tuple[int, Message] | None:
    user, message = update.effective_user, update.effective_message
    return None if user is None or message is None else (user.id, message)


async def lookup(s: Services, session: AsyncSession, user_id: int, words: Sequence[str], command: str,
                 usage_key: str) -> tuple[Worker, Person, list[str]] | str:
    """The calling worker and the person their command names, or the reply to send instead."""
    worker = await enrolment.worker_for_user(session, user_id)
    if worker is None:
        return s.text("en", "worker.not_a_worker")
    found = await caseload.find(session, worker, words)
    if found.kind == "missing":
        return s.text("en", usage_key)
    if found.kind == "unknown":
        return s.text("en", "caseload.not_found", ref=found.ref)
    if found.kind == "ambiguous":
        matches = [{"id": p.id, "name": p.display_name} for p in found.matches]
        return s.text("en", "caseload.ambiguous", ref=found.ref, command=command, matches=matches)
    assert found.person is not None
    return worker, found.person, found.rest


def short_when(s: Services, at: datetime | None) -> str:
    """A scannable local time for workers ("Mon 9 Mar 10:00"), in the service's time zone."""
    if at is None:
        return s.text("en", "caseload.no_next")
    local = at.astimezone(ZoneInfo(s.settings.service.timezone))
    return s.text("en", "caseload.short_when", day=s.text("en", f"caseload.short_days.{local.weekday()}"),
                  date=local.day, month=s.text("en", f"caseload.short_months.{local.month}"),
                  time=local.strftime("%H:%M"))


def status_label(s: Services, status: str) -> str:
    """A person's status in the worker's words."""
    key = f"caseload.status.{status}"
    return s.text("en", key) if s.messages.has(key) else status


def _pages(s: Services, worker: Worker, entries: Sequence[caseload.Entry]) -> list[str]:
    if not entries:
        return [s.text("en", "caseload.empty")]
    heading = "caseload.heading_all" if worker.is_supervisor else "caseload.heading"
    line_key = "caseload.line_all" if worker.is_supervisor else "caseload.line"
    pages = [s.text("en", heading, count=len(entries))]
    for entry in entries:
        line = s.text("en", line_key, id=entry.person.id, name=entry.person.display_name,
                      status=status_label(s, entry.person.status), next=short_when(s, entry.next_due),
                      worker=entry.worker_name)
        if len(pages[-1]) + len(line) + 1 > PAGE_CHARS:
            pages.append(line)
        else:
            pages[-1] += "\n" + line
    return pages


async def list_people(update: Update, context: BotContext) -> None:
    """Handle /people: the caller's caseload (everyone's for a supervisor), most recent joiners last."""
    s, asked = context.services, _asked(update)
    if asked is None:
        return
    user_id, message = asked
    async with s.db.session() as session:
        worker = await enrolment.worker_for_user(session, user_id)
        if worker is None:
            pages = [s.text("en", "worker.not_a_worker")]
        else:
            pages = _pages(s, worker, await caseload.caseload(session, worker))
            caseload.audit_worker(session, worker, "caseload_viewed", s.clock.now())
    for page in pages:
        await message.reply_html(page)


async def _set_detail(update: Update, context: BotContext, detail: Literal["goal", "activity"]) -> None:
    s, asked = context.services, _asked(update)
    if asked is None:
        return
    user_id, message = asked
    limit = caseload.GOAL_LIMIT if detail == "goal" else caseload.ACTIVITY_LIMIT
    async with s.db.session() as session:
        found = await lookup(s, session, user_id, context.args or [], detail, f"caseload.{detail}_usage")
        if isinstance(found, str):
            reply = found
        else:
            worker, person, rest = found
            text = " ".join(rest).strip()
            setter = caseload.set_goal if detail == "goal" else caseload.set_activity
            if not text:
                reply = s.text("en", f"caseload.{detail}_usage")
            elif len(text) > limit:
                reply = s.text("en", f"caseload.{detail}_too_long", length=len(text), limit=limit)
            elif caseload.cleared(text):
                await setter(session, worker, person, None, s.clock.now(), s.programme)
                reply = s.text("en", f"caseload.{detail}_cleared", name=person.display_name)
            else:
                await setter(session, worker, person, text, s.clock.now(), s.programme)
                reply = s.text("en", f"caseload.{detail}_set", name=person.display_name, **{detail: text})
    await message.reply_html(reply)


async def set_goal(update: Update, context: BotContext) -> None:
    """Handle /goal <person> <text>: set (or ``clear``) the small goal the weekly check-in asks about."""
    await _set_detail(update, context, "goal")


async def set_activity(update: Update, context: BotContext) -> None:
    """Handle /activity <person> <text>: set (or ``clear``) the group or activity they were connected to."""
    await _set_detail(update, context, "activity")


def discharge_data(person_id: int, choice: Literal["y", "n"]) -> str:
    """Callback data for the discharge confirmation: ``dc:<person>:y`` or ``dc:<person>:n``."""
    return f"{DISCHARGE}:{person_id}:{choice}"


async def discharge(update: Update, context: BotContext) -> None:
    """Handle /discharge <person>: ask the worker to confirm the end of support with a button."""
    s, asked = context.services, _asked(update)
    if asked is None:
        return
    user_id, message = asked
    async with s.db.session() as session:
        found = await lookup(s, session, user_id, context.args or [], "discharge", "caseload.discharge_usage")
        if isinstance(found, str):
            await message.reply_html(found)
            return
        worker, person, _ = found
        caseload.audit_worker(session, worker, "discharge_asked", s.clock.now(), person)
    if not caseload.can_discharge(person):
        await message.reply_html(s.text("en", "caseload.discharge_not_possible", name=person.display_name,
                                        status=status_label(s, person.status)))
        return
    markup = keyboards.grid([(s.text("en", "caseload.discharge_yes"), discharge_data(person.id, "y")),
                             (s.text("en", "caseload.discharge_no"), discharge_data(person.id, "n"))], per_row=2)
    await message.reply_html(s.text("en", "caseload.discharge_confirm", name=person.display_name, id=person.id),
                             reply_markup=markup)


async def confirm_discharge(update: Update, context: BotContext) -> None:
    """Handle the discharge confirmation buttons; a second or stale tap changes nothing."""
    s, query = context.services, update.callback_query
    if query is None or query.from_user is None:
        return
    parts = keyboards.parse(query.data, 3)
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ("y", "n"):
        await query.answer(s.text("en", "common.unknown_button"))
        return
    now = s.clock.now()
    stale = False
    async with s.db.session() as session:
        found = await lookup(s, session, query.from_user.id, [f"#{parts[1]}"], "discharge",
                             "caseload.discharge_usage")
        if isinstance(found, str):
            stale, reply = True, found
        else:
            worker, person, _ = found
            if parts[2] == "n":
                reply = s.text("en", "caseload.discharge_cancelled", name=person.display_name)
            elif await caseload.discharge(session, person, now, s.programme):
                if worker.id != person.worker_id:  # the programme records it as the assigned worker's
                    caseload.audit_worker(session, worker, "discharged", now, person)
                reply = s.text("en", "caseload.discharged", name=person.display_name)
            else:
                stale = True
                reply = s.text("en", "caseload.discharge_not_possible", name=person.display_name,
                               status=status_label(s, person.status))
    if stale:  # not theirs, or already ended (a second tap): say so, keep what the message shows
        await edits.changes_nothing(query, reply)
        return
    await query.answer()
    await edits.close_with(query, reply)
