"""Sessions with the worker: /session, /missed and /attended for workers; the reminder's buttons for people.

Thin: each reads the update and runs one use case (``bot.usecases.sessions``, ``bot.usecases.appointments``).
"""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.telegram.handlers.caseload import asked
from bot.usecases import appointments, everyone_else, sessions


async def book_session(update: Update, context: BotContext) -> None:
    """Handle /session <person> <when> [where]: record the person's next session."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(sessions.book_session, *asked_by, context.args or [])


async def mark_missed(update: Update, context: BotContext) -> None:
    """Handle /missed <person>: their latest past session was missed (a disengagement signal)."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(sessions.mark_session, *asked_by, context.args or [], "missed")


async def mark_attended(update: Update, context: BotContext) -> None:
    """Handle /attended <person>: their latest past session took place."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(sessions.mark_session, *asked_by, context.args or [], "attended")


async def answer_reminder(update: Update, context: BotContext) -> None:
    """Handle "I can make it" / "I need to change it" on a session reminder (``ap:<appointment>:y|n``)."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    chat_id = update.effective_chat.id if update.effective_chat is not None else query.from_user.id
    chosen = buttons.yes_no(query.data, buttons.SESSION)
    if chosen is None:
        tap = await context.run(everyone_else.unknown_button)
    else:
        message_id = query.message.message_id if query.message is not None else None
        tap = await context.run(appointments.answer_reminder, query.from_user.id, chat_id, message_id,
                                taps.shown_html(query), *chosen)
    await taps.answer(query, tap)
