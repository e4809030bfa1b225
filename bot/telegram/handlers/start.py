"""/start: redeem a deep link, or greet someone who is already known."""

from __future__ import annotations

from telegram import Update

from bot.telegram.commands import show_worker_commands
from bot.telegram.context import BotContext
from bot.telegram.handlers.controls import welcome_back
from bot.telegram.handlers.onboarding import ask_step
from bot.usecases import enrolment


async def start(update: Update, context: BotContext) -> None:
    """Handle /start with or without a deep-link token."""
    s = context.services
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return
    now = s.clock.now()
    token = context.args[0] if context.args else None
    if token:
        redeemed = await enrolment.redeem(s.db, token, user.id, chat.id, now)
        if redeemed.outcome == "person" and redeemed.person is not None:
            person = redeemed.person
            await message.reply_html(s.text(person.locale, "onboarding.welcome",
                                            name=person.display_name, worker=person.worker.name))
            await ask_step(context, chat.id, person)
            return
        if redeemed.outcome == "worker" and redeemed.worker is not None:
            worker = redeemed.worker
            role = "supervisor" if worker.is_supervisor else "link worker"
            await message.reply_html(s.text("en", "worker.linked", name=worker.name, role=role))
            await show_worker_commands(context.bot, s, chat.id)
            return
        if redeemed.outcome in ("unknown", "expired", "used"):
            await message.reply_html(s.text("en", f"enrol.{redeemed.outcome}"))
            return
    await greet_known(update, context)


async def greet_known(update: Update, context: BotContext) -> None:
    """Answer a bare /start: resume joining, reassure a member, or explain how to join."""
    s = context.services
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return
    async with s.db.session() as session:
        person = await enrolment.person_for_user(session, user.id)
        worker = None if person else await enrolment.worker_for_user(session, user.id)
    if person is not None and person.onboarding is not None:
        if person.onboarding == "consent":
            await message.reply_html(s.text(person.locale, "onboarding.consent.again"))
        await ask_step(context, chat.id, person)
    elif person is not None:
        if person.status == "stopped" and await welcome_back(update, context):
            return
        await message.reply_html(s.text(person.locale, "onboarding.finish.already"))
    elif worker is not None:
        await message.reply_html(s.text("en", "worker.already_linked"))
    else:
        await message.reply_html(s.text("en", "enrol.not_enrolled"))
