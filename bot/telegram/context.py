"""A CallbackContext that carries the service's values, so handlers need no globals."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import Services

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context handed to every handler; ``context.services`` is the composition root's Services."""

    @property
    def services(self) -> Services:
        """The running service's settings, database, messages, flows and clock."""
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext)
BotApplication = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
