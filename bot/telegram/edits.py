"""Editing a tapped message: show what was chosen and take the buttons away, tolerating repeats."""

from __future__ import annotations

from telegram import CallbackQuery, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest


def _unchanged(exc: BadRequest) -> bool:
    return "not modified" in exc.message or "message to edit not found" in exc.message


def shown_html(query: CallbackQuery) -> str:
    """The tapped message's text as HTML (entities kept, anything typed escaped)."""
    message = query.message
    return message.text_html if isinstance(message, Message) and message.text else ""


async def close_with(query: CallbackQuery, text: str) -> None:
    """Replace the tapped message's text and remove its keyboard."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise


async def drop_keyboard(query: CallbackQuery) -> None:
    """Remove the tapped message's keyboard, leaving its text."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise


async def changes_nothing(query: CallbackQuery, text: str) -> None:
    """Answer a tap that changes nothing (stale, repeated or unknown) and take its buttons away."""
    await query.answer(text)
    await drop_keyboard(query)
