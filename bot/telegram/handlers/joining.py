"""Joining taps (``ob:<step>:<value>``): consent, language, day and time (``bot.usecases.joining``)."""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import everyone_else, joining


async def choose(update: Update, context: BotContext) -> None:
    """Handle a tap on a joining button; the use case edits the tapped message, then the tap is answered."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.from_user is None:
        return
    fields = buttons.decode(query.data, buttons.ONBOARDING)
    if fields is None:
        tap = await context.run(everyone_else.unknown_button)
    else:
        step, value = fields
        message_id = query.message.message_id if query.message is not None else None
        tap = await context.run(joining.answer, query.from_user.id, chat.id, message_id, taps.shown_html(query),
                                step, value)
    await taps.answer(query, tap)
