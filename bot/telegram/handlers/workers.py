"""Worker commands: /invite creates a person's deep link and QR code."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.caseload import asked
from bot.usecases import invites


async def invite(update: Update, context: BotContext) -> None:
    """Handle /invite <name>: create a single-use invite and send its link and QR code."""
    asked_by = asked(update)
    if asked_by is not None:
        await context.run(invites.invite, *asked_by, context.args or [])
