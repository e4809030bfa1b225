"""Sending rendered messages: always Telegram HTML (templates are autoescaped), no link previews."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_html(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send one rendered message, with optional inline buttons."""
    return await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                  link_preview_options=NO_PREVIEW)
