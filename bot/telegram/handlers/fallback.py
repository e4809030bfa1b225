"""Everything else: group chats and channels, text and commands nothing waits for, media, unknown buttons
(``bot.usecases.everyone_else``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import everyone_else, incoming


async def ignore_non_private(update: Update, context: BotContext) -> None:
    """Stop every update that does not come from a private chat (groups and channels are never processed)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private" or update.channel_post or update.edited_channel_post:
        raise ApplicationHandlerStop
    if update.effective_user is None or update.effective_user.is_bot:
        raise ApplicationHandlerStop


async def reply_to_text(update: Update, context: BotContext) -> None:
    """Answer a command (or text) that no other handler took; strangers learn how to join."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await context.run(everyone_else.reply_to_text, user.id, chat.id)


async def reply_to_media(update: Update, context: BotContext) -> None:
    """Stickers, voice notes, photos and files: a caption is screened like text; the reply says politely
    that only text and taps are read."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None:
        return
    caption = message.caption if message is not None else None
    await context.run(incoming.caption, user.id, chat.id, caption, user.username)


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answer a tap on a button whose data we do not recognise."""
    query = update.callback_query
    if query is None:
        return
    tap = await context.run(everyone_else.unknown_button)
    await taps.answer(query, tap)


async def edited(update: Update, context: BotContext) -> None:
    """An edited message: screened like a new one, never taken as a new answer or command."""
    user, chat, message = update.effective_user, update.effective_chat, update.edited_message
    if user is None or chat is None or message is None:
        return
    await context.run(incoming.edited, user.id, chat.id, message.text or message.caption, user.username)
