"""The dispatch tick: close expired check-ins, then claim and send the ones that are due.

All schedule state is in the database; a tick after a restart picks up overdue work by the same query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services import Services
from bot.store.models import CheckIn, Person
from bot.telegram import prompts
from bot.telegram.send import send_html
from bot.usecases import checkins
from bot.usecases.appointments import remind_appointments
from bot.usecases.escalations import raise_escalation
from bot.usecases.programme import replan, resume_finished_pauses
from bot.usecases.reminders import remind

log = logging.getLogger("bot.dispatch")


@dataclass
class TickReport:
    """What one tick did, for logs, the demo and benchmarks."""

    sent: int = 0
    expired: int = 0
    deferred: int = 0
    unreachable: int = 0
    failed: int = 0
    unknown: int = 0
    reminded: int = 0
    appointment_reminders: int = 0


def certainly_unsent(exc: NetworkError) -> bool:
    """Whether a failed send certainly did not reach Telegram (so sending again cannot duplicate it)."""
    cause = exc.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    # No transport error underneath: Telegram answered with a server error (5xx), so nothing was sent.
    return cause is None and not isinstance(exc, TimedOut)


def backoff(attempts: int) -> timedelta:
    """How long to wait before retrying a send that certainly failed: 1, 2, 4 … up to 30 minutes."""
    return timedelta(minutes=min(30, 2 ** max(0, attempts - 1)))


class Dispatcher:
    """Sends due check-ins through ``bot`` on the service's clock."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self.services = services
        self.bot = bot

    async def tick(self) -> TickReport:
        """Run one pass: end finished pauses, expire, remind, then send everything due now."""
        now = self.services.clock.now()
        async with self.services.db.session() as session:
            await resume_finished_pauses(session, now, self.services.programme)
        report = TickReport(expired=await self.expire(now))
        report.reminded = await remind(self.services, self.bot, now)
        report.appointment_reminders = await remind_appointments(self.services, self.bot, now)
        for checkin_id in await self._due(now):
            await self._send(checkin_id, now, report)
        return report

    async def _due(self, now: datetime) -> list[int]:
        limit = self.services.settings.scheduler.batch_size
        async with self.services.db.session() as session:
            rows = await session.execute(
                select(CheckIn.id).where(CheckIn.status == "scheduled", CheckIn.due_at <= now)
                .order_by(CheckIn.due_at).limit(limit)
            )
            return list(rows.scalars())

    async def expire(self, now: datetime) -> int:
        """Close open check-ins past their closing time (they count as missed) and schedule the next."""
        async with self.services.db.session() as session:
            rows = (await session.execute(
                select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id)
                .where(CheckIn.status == "open", CheckIn.closes_at <= now)
            )).all()
            for checkin, person in rows:
                checkin.status = "expired"
                checkin.closed_at = now
                await session.flush()
                await replan(session, person, now, self.services.programme)
            return len(rows)

    async def _send(self, checkin_id: int, now: datetime, report: TickReport) -> None:
        s = self.services
        opened = await checkins.claim(s.db, s.flows, checkin_id, now, s.settings.checkins.expire_after_hours)
        if opened is None:
            return
        messages = prompts.render(s, opened.locale, opened.checkin_id, opened.flow, opened.effects,
                                  opened.context)
        try:
            for out in messages:
                sent = await send_html(self.bot, opened.chat_id, out.text, out.markup)
                if out.asks:
                    await checkins.shown(s.db, opened.checkin_id, sent.message_id)
        except Forbidden:
            report.unreachable += 1
            await self._unreachable(opened.person_id, checkin_id, now)
            return
        except RetryAfter as exc:
            report.deferred += 1
            await checkins.requeue(s.db, checkin_id, now + retry_delay(exc))
            return
        except NetworkError as exc:
            if not certainly_unsent(exc):
                # Telegram has no idempotency key: the message may have arrived, so it is not sent again.
                report.unknown += 1
                log.warning("check-in %s: send outcome unknown (%s); not repeated", checkin_id, type(exc).__name__)
                return
            report.deferred += 1
            await checkins.requeue(s.db, checkin_id, now + backoff(opened.attempts))
            return
        except BadRequest as exc:
            report.failed += 1
            log.error("check-in %s: Telegram refused the message (%s)", checkin_id, exc.message)
            await self._close(checkin_id, "failed", now)
            return
        report.sent += 1

    async def _close(self, checkin_id: int, status: str, now: datetime) -> None:
        async with self.services.db.session() as session:
            await session.execute(update(CheckIn).where(CheckIn.id == checkin_id)
                                  .values(status=status, closed_at=now))

    async def _unreachable(self, person_id: int, checkin_id: int, now: datetime) -> None:
        s = self.services
        async with s.db.session() as session:
            person = await session.get(Person, person_id)
            if person is None:
                return
            person.status = "unreachable"
            await session.execute(update(CheckIn).where(CheckIn.id == checkin_id)
                                  .values(status="failed", closed_at=now))
            await raise_escalation(session, person, "unreachable", {"checkin": checkin_id}, now)
            worker_chat, name = person.worker.telegram_user_id, person.display_name
        log.info("person %s blocked the bot; marked unreachable", person_id)
        if worker_chat is not None:
            try:
                await send_html(self.bot, worker_chat, s.text("en", "worker.unreachable", name=name))
            except (Forbidden, BadRequest, NetworkError):
                log.warning("could not tell worker about unreachable person %s", person_id)


def retry_delay(exc: RetryAfter) -> timedelta:
    """Telegram's retry_after as a timedelta (python-telegram-bot is moving it from seconds to timedelta)."""
    value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)
