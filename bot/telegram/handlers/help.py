"""/help: what the service is, how to reach the link worker, and the crisis numbers."""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update

from bot.telegram.context import BotContext
from bot.usecases import enrolment


async def show_help(update: Update, context: BotContext) -> None:
    """Handle /help for anyone: members see their worker's name, strangers how to join."""
    s, user, message = context.services, update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with s.db.session() as session:
        person = await enrolment.person_for_user(session, user.id)
        worker_name = person.worker.name if person is not None else None
    locale = person.locale if person is not None else "en"
    crisis = Markup(s.text(locale, "help.crisis"))
    if worker_name is None:
        await message.reply_html(s.text(locale, "help.stranger", crisis=crisis))
    else:
        await message.reply_html(s.text(locale, "help.member", worker=worker_name, crisis=crisis))
