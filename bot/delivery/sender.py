"""The one Telegram sender: turns an outbox row into its Bot API call (always HTML, no link previews)."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

from bot.store.models import OutboxMessage

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(keyboard: list[Any] | None) -> InlineKeyboardMarkup | None:
    """An inline keyboard from the outbox's stored rows of ``{"text", "data"}``."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row]
                                 for row in keyboard])


async def deliver(bot: Bot, row: OutboxMessage) -> int | None:
    """Make the row's Bot API call; returns the id of the message now showing it (None for edits).

    Raises Telegram's errors unchanged: ``bot.delivery.policy.classify`` reads them.
    """
    if row.method == "unbutton":
        assert row.target_message_id is not None
        await bot.edit_message_reply_markup(row.chat_id, row.target_message_id, reply_markup=None)
        return None
    text = row.text or ""
    if row.method == "edit":
        assert row.target_message_id is not None
        await bot.edit_message_text(text, row.chat_id, row.target_message_id, parse_mode=ParseMode.HTML,
                                    reply_markup=markup(row.keyboard), link_preview_options=NO_PREVIEW)
        return None
    sent: Message
    if row.photo is not None:
        sent = await bot.send_photo(row.chat_id, row.photo, caption=text, parse_mode=ParseMode.HTML,
                                    reply_markup=markup(row.keyboard))
    else:
        sent = await bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML,
                                      reply_markup=markup(row.keyboard), link_preview_options=NO_PREVIEW)
    return sent.message_id
