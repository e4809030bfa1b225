"""Worker commands about their caseload: /people, /goal, /activity and /discharge (confirmed with a button).

Thin: each reads the update and runs one use case from ``bot.usecases.caseload_commands``.
"""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import caseload_commands, everyone_else


def asked(update: Update) -> tuple[int, int] | None:
    """(user id, chat id) of a worker's command."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or update.effective_message is None:
        return None
    return user.id, chat.id


async def list_people(update: Update, context: BotContext) -> None:
    """Handle /people: the caller's caseload (everyone's for a supervisor), most recent joiners last."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(caseload_commands.list_people, *asked_by)


async def set_goal(update: Update, context: BotContext) -> None:
    """Handle /goal <person> <text>: set (or ``clear``) the small goal the weekly check-in asks about."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(caseload_commands.set_detail, *asked_by, context.args or [], "goal")


async def set_activity(update: Update, context: BotContext) -> None:
    """Handle /activity <person> <text>: set (or ``clear``) the group or activity they were connected to."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(caseload_commands.set_detail, *asked_by, context.args or [], "activity")


async def discharge(update: Update, context: BotContext) -> None:
    """Handle /discharge <person>: ask the worker to confirm the end of support with a button."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(caseload_commands.ask_discharge, *asked_by, context.args or [])


async def confirm_discharge(update: Update, context: BotContext) -> None:
    """Handle the discharge confirmation buttons (``dc:<person>:y|n``)."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    chat_id = update.effective_chat.id if update.effective_chat is not None else query.from_user.id
    chosen = buttons.yes_no(query.data, buttons.DISCHARGE)
    if chosen is None:
        tap = await context.run(everyone_else.unknown_button)
    else:
        message_id = query.message.message_id if query.message is not None else None
        tap = await context.run(caseload_commands.confirm_discharge, query.from_user.id, chat_id, message_id,
                                *chosen)
    await taps.answer(query, tap)
