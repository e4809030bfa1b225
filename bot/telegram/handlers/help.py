"""/help: what the service is, how to reach the link worker, and the crisis numbers (``bot.usecases.help``)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.usecases.help import show_help as help_for


async def show_help(update: Update, context: BotContext) -> None:
    """Handle /help for anyone: members see their worker's name, strangers how to join."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await context.run(help_for, user.id, chat.id)
