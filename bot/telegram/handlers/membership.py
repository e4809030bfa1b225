"""The person blocked or unblocked the bot: ``my_chat_member`` updates in their private chat
(``bot.usecases.reach``).

``kicked`` means they blocked it: the same use case as a send Telegram refused. ``member`` after
``kicked`` means they unblocked it. Nothing else about the bot's membership matters in a private chat.
"""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.telegram.context import BotContext
from bot.usecases import reach


async def changed(update: Update, context: BotContext) -> None:
    """Handle the bot being blocked or unblocked by the person in a private chat."""
    change, chat = update.my_chat_member, update.effective_chat
    if change is None or chat is None:
        return
    now, before = change.new_chat_member.status, change.old_chat_member.status
    if now == ChatMember.BANNED:
        await context.run(reach.unreachable, chat.id, "blocked")
    elif now == ChatMember.MEMBER and before == ChatMember.BANNED:
        await context.run(reach.unblocked, chat.id)
