"""Worker commands: /invite creates a person's deep link and QR code."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.qr import qr_png
from bot.telegram.context import BotContext
from bot.usecases import enrolment


async def invite(update: Update, context: BotContext) -> None:
    """Handle /invite <name>: create a single-use invite and send its link and QR code."""
    s = context.services
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    async with s.db.session() as session:
        worker = await enrolment.worker_for_user(session, user.id)
    if worker is None:
        await message.reply_html(s.text("en", "worker.not_a_worker"))
        return
    name = " ".join(context.args or []).strip()[:200]
    if not name:
        await message.reply_html(s.text("en", "worker.invite_usage"))
        return
    cfg = s.settings
    _, token = await enrolment.create_invite(
        s.db, worker.id, name, s.clock.now(), cfg.enrolment.invite_ttl_days, cfg.service.timezone,
        default_day=s.default_day, default_time=cfg.checkins.default_time.strftime("%H:%M"),
    )
    link = enrolment.deep_link(s.bot_username, token)
    await message.reply_html(s.text("en", "worker.invite_created", person=name, link=link,
                                    days=cfg.enrolment.invite_ttl_days))
    await message.reply_photo(qr_png(link), caption=s.text("en", "worker.invite_qr_caption", person=name),
                              parse_mode=ParseMode.HTML)
