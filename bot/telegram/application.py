"""Builds the python-telegram-bot Application: transport, rate limiting and every handler."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import buttons
from bot.services import Services
from bot.telegram.context import CONTEXT_TYPES, SERVICES_KEY, BotApplication
from bot.telegram.errors import on_error
from bot.telegram.handlers import (
    appointments,
    caseload,
    checkin,
    controls,
    fallback,
    help,
    items,
    joining,
    membership,
    relay,
    start,
    worker_tools,
    workers,
)
from bot.telegram.transport import build_bot

PRIVATE = filters.ChatType.PRIVATE
MEDIA = (
    filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Document.ALL | filters.LOCATION | filters.CONTACT | filters.ANIMATION | filters.POLL
)


def build_application(
    services: Services, token: str, base_url: str,
) -> BotApplication:
    """A ready-to-initialise Application wired to ``services``; updates reach it from the inbox
    (``bot.telegram.receive``), never from python-telegram-bot's own Updater."""
    bot = build_bot(token, base_url, services.settings.delivery.send_timeout_seconds)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder().bot(bot).context_types(CONTEXT_TYPES).updater(None)
    )
    app: BotApplication = builder.build()
    app.bot_data[SERVICES_KEY] = services
    add_handlers(app)
    return app


def add_handlers(app: BotApplication) -> None:
    """Register every handler: groups and channels are stopped first, then one handler per concern."""
    app.add_handler(TypeHandler(Update, fallback.ignore_non_private), group=-1)
    app.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, fallback.edited))
    app.add_handler(CommandHandler("start", start.start, filters=PRIVATE))
    app.add_handler(CommandHandler("help", help.show_help, filters=PRIVATE))
    app.add_handler(CommandHandler("invite", workers.invite, filters=PRIVATE))
    app.add_handler(CommandHandler("people", caseload.list_people, filters=PRIVATE))
    app.add_handler(CommandHandler("goal", caseload.set_goal, filters=PRIVATE))
    app.add_handler(CommandHandler("activity", caseload.set_activity, filters=PRIVATE))
    app.add_handler(CommandHandler("discharge", caseload.discharge, filters=PRIVATE))
    app.add_handler(CommandHandler("session", appointments.book_session, filters=PRIVATE))
    app.add_handler(CommandHandler("missed", appointments.mark_missed, filters=PRIVATE))
    app.add_handler(CommandHandler("attended", appointments.mark_attended, filters=PRIVATE))
    app.add_handler(CommandHandler("caseload", worker_tools.caseload, filters=PRIVATE))
    app.add_handler(CommandHandler("person", worker_tools.person, filters=PRIVATE))
    app.add_handler(CommandHandler("ack", worker_tools.ack, filters=PRIVATE))
    app.add_handler(CommandHandler("workload", worker_tools.workload, filters=PRIVATE))
    app.add_handler(CommandHandler("reassign", worker_tools.reassign, filters=PRIVATE))
    app.add_handler(CommandHandler("away", worker_tools.away, filters=PRIVATE))
    app.add_handler(CommandHandler("back", worker_tools.back, filters=PRIVATE))
    app.add_handler(CommandHandler("done", relay.done, filters=PRIVATE))
    app.add_handler(CommandHandler("time", controls.ask_time, filters=PRIVATE))
    app.add_handler(CommandHandler("pause", controls.ask_pause, filters=PRIVATE))
    app.add_handler(CommandHandler("resume", controls.resume, filters=PRIVATE))
    app.add_handler(CommandHandler("language", controls.ask_language, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", controls.ask_stop, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(joining.choose, pattern=buttons.pattern(buttons.ONBOARDING)))
    app.add_handler(CallbackQueryHandler(checkin.tapped, pattern=buttons.pattern(buttons.CHECKIN)))
    app.add_handler(CallbackQueryHandler(controls.choose, pattern=buttons.pattern(buttons.CONTROL)))
    app.add_handler(CallbackQueryHandler(caseload.confirm_discharge, pattern=buttons.pattern(buttons.DISCHARGE)))
    app.add_handler(CallbackQueryHandler(appointments.answer_reminder, pattern=buttons.pattern(buttons.SESSION)))
    app.add_handler(CallbackQueryHandler(items.acted, pattern=buttons.pattern(buttons.ITEM)))
    app.add_handler(CallbackQueryHandler(relay.tapped, pattern=buttons.pattern(buttons.RELAY)))
    app.add_handler(CallbackQueryHandler(fallback.unknown_button))
    app.add_handler(ChatMemberHandler(membership.changed, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & filters.Regex(controls.STOP_WORD), controls.ask_stop))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & filters.Regex(controls.PLEASE_STOP), controls.ask_if_stop))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, checkin.typed))
    app.add_handler(MessageHandler(PRIVATE & MEDIA, fallback.reply_to_media))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, fallback.reply_to_text))
    app.add_error_handler(on_error)
