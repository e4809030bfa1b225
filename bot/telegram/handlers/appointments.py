"""Sessions with the worker: /session, /missed and /attended for workers; the reminder's buttons for people."""

from __future__ import annotations

from typing import Literal

from telegram import Update

from bot.core.when import WhenError, split_when
from bot.telegram import edits, keyboards
from bot.telegram.context import BotContext
from bot.telegram.handlers.caseload import lookup
from bot.usecases import appointments

REMINDER = appointments.CALLBACK


async def book_session(update: Update, context: BotContext) -> None:
    """Handle /session <person> <when> [where]: record the person's next session."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    now, zone = s.clock.now(), s.settings.service.timezone
    async with s.db.session() as session:
        found = await lookup(s, session, user.id, context.args or [], "session", "appointments.usage")
        if isinstance(found, str):
            reply = found
        else:
            worker, person, rest = found
            try:
                when = split_when(" ".join(rest), now, zone) if rest else None
            except WhenError as exc:
                when, reply = None, s.text("en", f"appointments.{exc.reason}")
            else:
                reply = s.text("en", "appointments.usage")
            if when is not None and len(when.rest) > appointments.PLACE_LIMIT:
                reply = s.text("en", "appointments.place_too_long", limit=appointments.PLACE_LIMIT)
            elif when is not None:
                booked, replaced = await appointments.book(session, worker, person, when.at, when.rest, now,
                                                           s.programme)
                key = "booked" if appointments.reminder_time(booked, person, s.programme) else "booked_no_reminder"
                reply = s.text("en", f"appointments.{key}", name=person.display_name,
                               when=appointments.describe(s, "en", booked.at, zone, booked.place))
                if replaced is not None:
                    reply += "\n" + s.text("en", "appointments.replaces",
                                           when=appointments.describe(s, "en", replaced.at, zone))
    await message.reply_html(reply)


async def _mark(update: Update, context: BotContext, outcome: Literal["missed", "attended"]) -> None:
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with s.db.session() as session:
        found = await lookup(s, session, user.id, context.args or [], outcome, f"appointments.{outcome}_usage")
        if isinstance(found, str):
            reply = found
        else:
            worker, person, _ = found
            marked = await appointments.mark(session, worker, person, outcome, s.clock.now(), s.programme)
            if marked is None:
                reply = s.text("en", "appointments.nothing_to_mark", name=person.display_name)
            else:
                when = appointments.describe(s, "en", marked.at, s.settings.service.timezone)
                reply = s.text("en", f"appointments.{outcome}", name=person.display_name, when=when)
    await message.reply_html(reply)


async def mark_missed(update: Update, context: BotContext) -> None:
    """Handle /missed <person>: their latest past session was missed (a disengagement signal)."""
    await _mark(update, context, "missed")


async def mark_attended(update: Update, context: BotContext) -> None:
    """Handle /attended <person>: their latest past session took place."""
    await _mark(update, context, "attended")


async def answer_reminder(update: Update, context: BotContext) -> None:
    """Handle "I can make it" / "I need to change it" on a session reminder (``ap:<appointment>:y|n``)."""
    s, query = context.services, update.callback_query
    if query is None or query.from_user is None:
        return
    parts = keyboards.parse(query.data, 3)
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ("y", "n"):
        await query.answer(s.text("en", "common.unknown_button"))
        return
    done = await appointments.reply(s, query.from_user.id, int(parts[1]), parts[2] == "y", s.clock.now())
    if done.outcome == "not_found":
        await edits.changes_nothing(query, s.text("en", "common.unknown_button"))
        return
    if done.outcome in ("already", "passed", "replaced"):
        await edits.changes_nothing(query, s.text(done.locale, f"appointments.{done.outcome}"))
        return
    assert done.person is not None and done.appointment is not None
    await query.answer()
    if done.outcome == "confirmed":
        ack = s.text(done.locale, "appointments.confirmed")
    else:
        ack = s.text(done.locale, "appointments.change_noted", worker=done.person.worker.name)
    await edits.close_with(query, f"{edits.shown_html(query)}\n\n{ack}")
    if done.outcome == "change_requested":
        await appointments.tell_worker_of_change(s, context.bot, done.person, done.appointment)
