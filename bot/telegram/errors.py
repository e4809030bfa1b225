"""The one application-wide error handler: log with the traceback (ids only), tell the person kindly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError

from bot.telegram.context import BotContext
from bot.telegram.send import send_html

log = logging.getLogger("bot.telegram")


async def on_error(update: object, context: BotContext) -> None:
    """Log an unhandled error with its traceback; never the message text or names."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.warning("update %s: bot is blocked or cannot write to the chat", update_id)
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("network error while polling: %s", type(error).__name__)
        return
    log.error("update %s failed", update_id, exc_info=error)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        try:
            await send_html(context.bot, update.effective_chat.id,
                                           context.services.text("en", "common.something_wrong"))
        except (NetworkError, Forbidden):
            log.warning("update %s: could not tell the person about the failure", update_id)
