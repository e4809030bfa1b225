"""Everything else: people who are not enrolled, media we cannot read, buttons we no longer know."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import BotContext
from bot.usecases import enrolment


async def ignore_non_private(update: Update, context: BotContext) -> None:
    """Stop every update that does not come from a private chat (groups and channels are never processed)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private" or update.channel_post or update.edited_channel_post:
        raise ApplicationHandlerStop
    if update.effective_user is None or update.effective_user.is_bot:
        raise ApplicationHandlerStop


async def _locale(context: BotContext, user_id: int) -> str | None:
    async with context.services.db.session() as session:
        person = await enrolment.person_for_user(session, user_id)
        if person is not None:
            return person.locale
        worker = await enrolment.worker_for_user(session, user_id)
    return "en" if worker is not None else None


async def reply_to_text(update: Update, context: BotContext) -> None:
    """Answer free text that no check-in is waiting for; strangers learn how to join, nothing is stored."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale = await _locale(context, user.id)
    if locale is None:
        await message.reply_html(s.text("en", "enrol.not_enrolled"))
        return
    await message.reply_html(s.text(locale, "common.help_hint"))


async def reply_to_media(update: Update, context: BotContext) -> None:
    """Answer stickers, voice notes, photos and files politely: only text and taps are read."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    locale = await _locale(context, user.id)
    await message.reply_html(s.text(locale or "en", "common.media_only"))


async def unknown_button(update: Update, context: BotContext) -> None:
    """Answer a tap on a button whose data we do not recognise."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.services.text("en", "common.unknown_button"))
