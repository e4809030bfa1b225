"""A worker's buttons on an urgent alert or a digest item (``es:<escalation>:<action>``)."""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import acknowledge, everyone_else


async def acted(update: Update, context: BotContext) -> None:
    """Acknowledge, say what was done, "I've contacted them" or "Remind me tomorrow"."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    chosen = buttons.item_action(query.data)
    if chosen is None or query.message is None:
        tap = await context.run(everyone_else.unknown_button)
    else:
        chat_id = update.effective_chat.id if update.effective_chat is not None else query.from_user.id
        tap = await context.run(acknowledge.act, query.from_user.id, chat_id, query.message.message_id,
                                taps.shown_html(query), *chosen)
    await taps.answer(query, tap)
