"""/start: redeem a deep link, or greet someone who is already known (``bot.usecases.start``)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.commands import show_worker_commands
from bot.telegram.context import BotContext
from bot.usecases import start as starting


async def start(update: Update, context: BotContext) -> None:
    """Handle /start with or without a deep-link token; a newly linked worker gets the workers' menu."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    token = context.args[0] if context.args else None
    started = await context.run(starting.start, user.id, chat.id, token)
    if started.worker_linked:
        await show_worker_commands(context.bot, context.services, chat.id, started.supervisor)
