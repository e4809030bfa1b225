"""A unit of work: the database session, the time, and the content a use case needs, plus the outbox.

Every use case takes a ``Work``. It changes state through ``work.session`` and says what people must be
shown with ``work.send`` / ``work.edit`` / ``work.unbutton``; both commit together when ``perform`` ends,
and only then does the drain send. ``perform`` is the one way edges (Telegram handlers, jobs, the CLI) run
a use case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import inbox, mail, outbox
from bot.delivery.outbox import ROUTINE, Keyboard
from bot.services import Services

P = ParamSpec("P")
R = TypeVar("R")


class AlreadyHandled(Exception):
    """The update this work answers was already processed (by an earlier run or another instance)."""


@dataclass(frozen=True)
class Tap:
    """What a button press should show as Telegram's little notice (``toast``), if anything."""

    toast: str | None = None
    alert: bool = False


@dataclass
class Work:
    """One transaction's worth of use case: read and change state, queue messages."""

    session: AsyncSession
    services: Services
    now: datetime

    def text(self, locale: str, key: str, /, **variables: Any) -> str:
        """A rendered message (see ``Services.text``)."""
        return self.services.text(locale, key, **variables)

    def send(self, chat_id: int, text: str, keyboard: Keyboard | None = None, *, priority: int = ROUTINE,
             checkin_id: int | None = None, appointment_id: int | None = None,
             not_before: datetime | None = None, photo: bytes | None = None) -> None:
        """Queue a message to ``chat_id`` (sent once this work commits)."""
        outbox.queue(self.session, self.now, chat_id, text, keyboard, priority=priority, checkin_id=checkin_id,
                     appointment_id=appointment_id, not_before=not_before, photo=photo)

    def edit(self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        """Queue replacing a shown message's text; without ``keyboard`` its buttons go."""
        outbox.queue_edit(self.session, self.now, chat_id, message_id, text, keyboard)

    def email(self, to_addr: str | None, subject: str, text: str, html: str | None = None) -> bool:
        """Queue an email (sent by the mailer once this work commits); False, and nothing queued, when email
        is not configured or there is no address."""
        if not to_addr or not self.services.settings.email.enabled:
            return False
        mail.queue(self.session, self.now, to_addr, subject, text, html)
        return True

    def unbutton(self, chat_id: int, message_id: int | None) -> None:
        """Queue taking the buttons off a shown message (nothing when it was never shown)."""
        if message_id is not None:
            outbox.queue_unbutton(self.session, self.now, chat_id, message_id)


async def perform(services: Services, case: Callable[Concatenate[Work, P], Awaitable[R]], /,
                  *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``case`` in one transaction and wake the drain once it has committed."""
    return await perform_update(services, None, case, *args, **kwargs)


async def perform_update(services: Services, update_id: int | None,
                         case: Callable[Concatenate[Work, P], Awaitable[R]], /, *args: P.args,
                         **kwargs: P.kwargs) -> R:
    """``perform`` for a Telegram update: the update is marked processed in the same transaction.

    If it already was (a redelivery, or another instance got there first), ``AlreadyHandled`` is raised
    and nothing changes.
    """
    now = services.clock.now()
    async with services.db.session() as session:
        if update_id is not None and not await inbox.claim(session, update_id, now):
            raise AlreadyHandled(update_id)
        result = await case(Work(session, services, now), *args, **kwargs)
    services.wake()
    return result
