"""The command menus Telegram shows beside the message box: people's per language, workers' per chat."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.services import Services
from bot.telegram.context import SERVICES_KEY, BotApplication

WORKER_COMMANDS = ("caseload", "person", "ack", "invite", "people", "goal", "activity", "session", "missed",
                   "attended", "discharge", "away", "back", "done")
SUPERVISOR_COMMANDS = ("workload", "reassign")
COMMANDS = ("help", "start", "time", "pause", "resume", "language", "stop")


async def show_worker_commands(bot: Bot, services: Services, chat_id: int, supervisor: bool = False) -> None:
    """Give a linked worker's chat the workers' command menu (a supervisor's adds theirs; people keep theirs)."""
    names = WORKER_COMMANDS + (SUPERVISOR_COMMANDS if supervisor else ())
    commands = [BotCommand(name, services.text("en", f"commands.worker.{name}")) for name in names]
    await bot.set_my_commands([*commands, BotCommand("help", services.text("en", "commands.help"))],
                              scope=BotCommandScopeChat(chat_id))


async def announce(app: BotApplication) -> None:
    """Once initialised: learn the bot's username and register its commands."""
    services: Services = app.bot_data[SERVICES_KEY]
    services.bot_username = app.bot.username
    for locale in services.messages.locales:
        commands = [BotCommand(name, services.text(locale, f"commands.{name}")) for name in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if locale == "en" else locale)
