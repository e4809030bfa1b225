""""Message them": the ``rl:<person>:o|c`` buttons and /done (``bot.usecases.relay``). The texts themselves
are routed by ``bot.usecases.incoming``."""

from __future__ import annotations

from telegram import Update

from bot.core import buttons
from bot.telegram import taps
from bot.telegram.context import BotContext
from bot.telegram.handlers.caseload import asked
from bot.usecases import everyone_else, relay


async def tapped(update: Update, context: BotContext) -> None:
    """Open (``o``) or end (``c``) a conversation with a person."""
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    fields = buttons.decode(query.data, buttons.RELAY)
    if fields is None or not fields[0].isdigit() or len(fields[0]) > buttons.ID_DIGITS or fields[1] not in ("o", "c"):
        tap = await context.run(everyone_else.unknown_button)
    else:
        chat_id = update.effective_chat.id if update.effective_chat is not None else query.from_user.id
        tap = await context.run(relay.tap, query.from_user.id, chat_id, int(fields[0]), fields[1])
    await taps.answer(query, tap)


async def done(update: Update, context: BotContext) -> None:
    """Handle /done: end the worker's open conversation."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(relay.done, *asked_by)
