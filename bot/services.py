"""The values every edge needs, built once by the composition root and passed in explicitly."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.config import DAYS, Settings
from bot.core.programme import Rules
from bot.core.screening import Screener
from bot.messages import Messages
from bot.store.db import Database


@dataclass
class Services:
    """Settings, database, content and clock for one running service."""

    settings: Settings
    db: Database
    messages: Messages
    flows: Mapping[str, Any]
    clock: Clock
    programme: Rules
    screener: Screener
    bot_username: str = field(default="")
    wake: Callable[[], None] = field(default=lambda: None)
    """Called after a transaction that queued messages commits: the composition root points it at the drain."""

    @property
    def default_day(self) -> int:
        """The configured default check-in weekday (0 = Monday)."""
        return DAYS.index(self.settings.checkins.default_day)

    def text(self, locale: str, key: str, /, **variables: Any) -> str:
        """Render a message for a person or worker, with the service name always available."""
        return self.messages.render(locale, key, service=self.settings.service.name, **variables)
