"""Check-in answers: button taps and typed replies. The use case commits before the tap is answered."""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.usecases import answers, incoming
from bot.usecases.work import Tap


async def tapped(update: Update, context: BotContext) -> None:
    """A tap on a check-in button (``ci:<check-in>:<step>:<choice>``)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    fields = buttons.decode(query.data, buttons.CHECKIN)
    if fields is None or not fields[0].isdigit() or not fields[1].isdigit() or query.message is None:
        await taps.answer(query, Tap(context.services.text("en", "common.unknown_button")))
        return
    tap = await context.run(answers.tap, query.from_user.id, chat.id, query.message.message_id,
                            taps.shown_html(query), int(fields[0]), int(fields[1]), fields[2])
    await taps.answer(query, tap)


async def typed(update: Update, context: BotContext) -> None:
    """Typed text: screened, then an answer if the open check-in's step takes one, else a gentle reply."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None or message.text is None:
        return
    await context.run(incoming.text, user.id, chat.id, message.text, user.username)
