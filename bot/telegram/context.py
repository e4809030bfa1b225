"""A CallbackContext that carries the service's values and runs use cases for the update it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import Services
from bot.usecases.work import Work, perform_update

SERVICES_KEY = "services"
RETRY_KEY = "inbox_retry"  # updates whose handler met a database that was down: processed again later
P = ParamSpec("P")
R = TypeVar("R")


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context handed to every handler; ``context.services`` is the composition root's Services."""

    update_id: int | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> BotContext:
        """The usual context, remembering which update it serves (its use case marks it processed)."""
        context: BotContext = super().from_update(update, application)
        context.update_id = update.update_id if isinstance(update, Update) else None
        return context

    @property
    def services(self) -> Services:
        """The running service's settings, database, messages, flows and clock."""
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    async def run(self, case: Callable[Concatenate[Work, P], Awaitable[R]], /, *args: P.args,
                  **kwargs: P.kwargs) -> R:
        """Run the one use case this update leads to, in the transaction that marks the update processed."""
        return await perform_update(self.services, self.update_id, case, *args, **kwargs)


CONTEXT_TYPES = ContextTypes(context=BotContext)
BotApplication = Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
