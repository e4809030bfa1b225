"""What the command line's sub-commands share: loading settings, running a use case, the bot's username."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from telegram import Bot

from bot.app import build_services
from bot.clock import SystemClock
from bot.config import Settings, load_settings, parse_settings, require_token
from bot.usecases.work import Work, perform

EXIT_BAD_CONFIG = 2
P = ParamSpec("P")
R = TypeVar("R")


def settings_from(path: str | None) -> Settings:
    """The settings in ``path``, or the built-in defaults when no file is given."""
    return load_settings(Path(path)) if path else parse_settings({}, source="(defaults)")


async def perform_configured(settings: Settings, case: Callable[Concatenate[Work, P], Awaitable[R]], /,
                             *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one use case against the configured database (migrated first), as the service would."""
    services = await build_services(settings, SystemClock())
    try:
        return await perform(services, case, *args, **kwargs)
    finally:
        await services.db.dispose()


async def bot_username(settings: Settings) -> str:
    """The bot's @username, asked of the Telegram Bot API with the configured token."""
    bot = Bot(require_token(settings), base_url=settings.telegram.base_url)
    async with bot:
        return bot.username
