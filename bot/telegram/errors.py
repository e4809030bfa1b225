"""The one application-wide error handler: log with the traceback (ids only), tell the person kindly."""

from __future__ import annotations

import html
import logging
import re

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

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
    if not isinstance(update, Update) or not update.effective_chat or update.effective_chat.type != "private":
        log.error("update %s failed", update_id, exc_info=error)
        return
    if isinstance(error, DBAPIError | OSError):
        # The database is unreachable: nothing was saved, and the person can simply try again.
        log.error("update %s: database unavailable (%s)", update_id, type(error).__name__)
        key = "common.db_unavailable"
    else:
        log.error("update %s failed", update_id, exc_info=error)
        key = "common.something_wrong"
    user = update.effective_user
    locale = "cy" if user is not None and (user.language_code or "").startswith("cy") else "en"
    text = context.services.text(locale, key)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(strip_tags(text), show_alert=True)
        else:
            await send_html(context.bot, update.effective_chat.id, text)
    except (NetworkError, Forbidden, BadRequest):
        log.warning("update %s: could not tell the person about the failure", update_id)


def strip_tags(text: str) -> str:
    """Plain text for a callback alert (which cannot carry HTML), at most Telegram's 200 characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:200]
