"""Answering a button press (Telegram's small notice above the chat), tolerating queries that are too old."""

from __future__ import annotations

import html
import logging
import re

from telegram import CallbackQuery, Message
from telegram.error import TelegramError

from bot.delivery.policy import classify, is_stale_query
from bot.usecases.work import Tap

log = logging.getLogger("bot.telegram")


def shown_html(query: CallbackQuery) -> str:
    """The tapped message's text as HTML (entities kept, anything typed escaped), for the use case to
    rewrite with the chosen answer."""
    message = query.message
    return message.text_html if isinstance(message, Message) and message.text else ""


def plain(text: str) -> str:
    """Plain text for a callback notice (which cannot carry HTML), at most Telegram's 200 characters."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))[:200]


async def answer(query: CallbackQuery, tap: Tap | None = None) -> None:
    """Answer the press with ``tap``'s notice (or silently). Never raises: the work is already committed."""
    tap = tap or Tap()
    try:
        await query.answer(plain(tap.toast) if tap.toast else None, show_alert=tap.alert)
    except TelegramError as exc:
        if is_stale_query(exc):
            log.info("callback query %s was too old to answer", query.id)
        else:
            log.warning("callback query %s not answered: %s", query.id, classify(exc).reason)
