"""The one notice that cannot go through the outbox: "the database is down", sent straight through the
sender (the outbox lives in that database). Used when an update cannot be stored or processed."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.delivery import sender
from bot.delivery.policy import classify
from bot.services import Services
from bot.store.models import OutboxMessage
from bot.telegram import taps
from bot.usecases.work import Tap

log = logging.getLogger("bot.telegram")


def _locale(update: Update) -> str:
    user = update.effective_user
    return "cy" if user is not None and (user.language_code or "").startswith("cy") else "en"


async def tell(bot: Bot, services: Services, update: Update, key: str) -> None:
    """Tell the person behind a private ``update`` the message ``key``: an alert on a tap, else a message."""
    chat = update.effective_chat
    if chat is None or chat.type != "private" or (update.effective_user and update.effective_user.is_bot):
        return
    text = services.text(_locale(update), key)
    if update.callback_query is not None:
        await taps.answer(update.callback_query, Tap(text, alert=True))
        return
    if update.message is None:
        return
    try:
        await sender.deliver(bot, OutboxMessage(chat_id=chat.id, method="send", text=text))
    except TelegramError as exc:
        log.warning("update %s: could not tell the person (%s)", update.update_id, classify(exc).reason)


async def database_down(bot: Bot, services: Services, update: Update) -> None:
    """Their message is safe with Telegram (or in the inbox) and will go through once the database is back."""
    await tell(bot, services, update, "common.db_unavailable")
