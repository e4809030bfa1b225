"""The one application-wide error handler: log with the traceback (ids only), tell the person kindly."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.delivery.policy import classify
from bot.store.db import UNAVAILABLE
from bot.telegram import notices
from bot.telegram.context import RETRY_KEY, BotContext
from bot.usecases.work import AlreadyHandled

log = logging.getLogger("bot.telegram")


async def on_error(update: object, context: BotContext) -> None:
    """Log an unhandled error (with its traceback unless it is an expected one); never text or names."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, AlreadyHandled):
        log.info("update %s was already processed; skipped", update_id)
        return
    if isinstance(error, TelegramError):
        log.warning("update %s: Telegram refused a call (%s)", update_id, classify(error).reason)
        return
    if not isinstance(update, Update) or not update.effective_chat or update.effective_chat.type != "private":
        log.error("update %s failed", update_id, exc_info=error)
        return
    if isinstance(error, UNAVAILABLE):
        # Nothing was saved. The update stays in the inbox and is processed again once the database answers.
        log.error("update %s: database unavailable (%s)", update_id, type(error).__name__)
        context.bot_data.setdefault(RETRY_KEY, set()).add(update.update_id)
        key = "common.db_unavailable"
    else:
        log.error("update %s failed", update_id, exc_info=error)
        key = "common.something_wrong"
    told: set[int] = context.bot_data.setdefault("told", set())
    if update.update_id in told:  # an update retried from the inbox: the person has heard already
        return
    if len(told) > 10_000:
        told.clear()
    told.add(update.update_id)
    await notices.tell(context.bot, context.services, update, key)
