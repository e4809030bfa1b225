"""The periodic jobs. Each works in bounded batches and claims its rows, so two instances, or a run after a
restart, never do the same work twice; work missed while the process was down is simply overdue."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bot.delivery import inbox, outbox
from bot.jobs.followup import FollowUp
from bot.services import Services
from bot.store.db import UNAVAILABLE
from bot.store.models import CheckIn
from bot.usecases import appointments, checkins, disengagement, reminders
from bot.usecases.programme import resume_finished_pauses
from bot.usecases.work import Work, perform

log = logging.getLogger("bot.jobs")


@dataclass
class TickReport:
    """What one pass of the jobs did, for logs, the demo and benchmarks."""

    sent: int = 0
    waiting: int = 0
    failed: int = 0
    expired: int = 0
    reminded: int = 0
    appointment_reminders: int = 0
    resumed: int = 0
    disengaged: int = 0
    forwarded: int = 0
    digests: int = 0
    emails: int = 0
    delivery: dict[str, int] = field(default_factory=dict)


class Jobs:
    """Dispatch, the sweep (pauses, expiry, reminders, session reminders) and disengagement for one service."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.follow_up = FollowUp(services)
        self.stopping = False
        self._running = 0
        self._idle = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def _job(self) -> AsyncIterator[None]:
        async with self._idle:
            self._running += 1
        try:
            yield
        finally:
            async with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def guard(self, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """``job`` as the scheduler runs it: counted as running (so ``stop`` waits for it), skipped once
        stopping."""
        async def guarded() -> None:
            if self.stopping:
                return
            async with self._job():
                await job()
        guarded.__name__ = getattr(job, "__name__", "job")
        return guarded

    async def stop(self) -> None:
        """Let running jobs finish the row in hand and return (each row is its own transaction)."""
        self.stopping = True
        async with self._idle:
            await self._idle.wait_for(lambda: self._running == 0)

    @property
    def batch(self) -> int:
        """The most rows one job claims per transaction."""
        return self.services.settings.scheduler.batch_size

    async def dispatch(self, report: TickReport | None = None) -> TickReport:
        """Open every due check-in and queue its first question (each in its own transaction)."""
        report = report or TickReport()
        skipped: set[int] = set()
        async with self._job():
            while not self.stopping and await self._dispatch_batch(report, skipped):
                pass
        return report

    async def _dispatch_batch(self, report: TickReport, skipped: set[int]) -> bool:
        """One batch of due check-ins; False when there is nothing more to do now."""
        async with self.services.db.session() as session:
            query = (select(CheckIn.id).where(CheckIn.status == "scheduled",
                                              CheckIn.due_at <= self.services.clock.now())
                     .order_by(CheckIn.due_at, CheckIn.id).limit(self.batch + len(skipped)))
            due = [i for i in (await session.execute(query)).scalars() if i not in skipped]
        if not due:
            return False
        for checkin_id in due:
            if self.stopping:
                return False
            try:
                outcome = await perform(self.services, checkins.open_due, checkin_id)
            except UNAVAILABLE:
                raise  # the database is down: this pass ends, the next one retries
            except Exception:  # one bad row must not stop everyone else's check-ins; logged with traceback
                log.exception("check-in %s could not be opened; marked failed", checkin_id)
                outcome = await perform(self.services, checkins.fail, checkin_id)
            if outcome == "opened":
                report.sent += 1
            elif outcome == "waiting":
                report.waiting += 1
                skipped.add(checkin_id)
            elif outcome == "failed":
                report.failed += 1
        return True

    async def pauses(self, report: TickReport | None = None) -> TickReport:
        """Bring back everyone whose pause has ended (their next check-in is planned from now)."""
        report = report or TickReport()
        async with self._job():
            report.resumed = await perform(self.services, _resume)
        return report

    async def sweep(self, report: TickReport | None = None) -> TickReport:
        """Close expired check-ins, queue reminders and session reminders."""
        report = report or TickReport()
        async with self._job():
            report.expired = await self._until_done(reminders.expire_due)
            report.reminded = await perform(self.services, reminders.remind_due, self.batch)
            report.appointment_reminders = await perform(self.services, appointments.remind_sessions, self.batch)
        return report

    async def _until_done(self, case: Callable[[Work, int], Awaitable[int]]) -> int:
        total = 0
        while not self.stopping:
            done = await perform(self.services, case, self.batch)
            total += done
            if done < self.batch:
                break
        return total

    async def disengagement(self, report: TickReport | None = None) -> TickReport:
        """Flag people who have stopped answering (``[escalation]``), looking only at those something happened
        to since the last complete pass; each person in their own transaction."""
        report = report or TickReport()
        async with self._job():
            started, after = self.services.clock.now(), 0
            while not self.stopping:  # the batch that comes back empty records the pass as complete
                people = await perform(self.services, disengagement.next_batch, started, after, self.batch)
                if not people:
                    break
                for person_id in people:
                    if self.stopping:
                        return report
                    try:
                        if await perform(self.services, disengagement.assess, person_id):
                            report.disengaged += 1
                    except UNAVAILABLE:
                        raise  # the database is down: this pass ends unrecorded, the next one looks again
                    except Exception:  # one bad row must not hide everyone else; logged with traceback
                        log.exception("person %s could not be assessed for disengagement", person_id)
                after = people[-1]
        return report

    async def followup(self, report: TickReport | None = None) -> TickReport:
        """Forward unacknowledged urgent alerts, send due digests, send due emails (``bot.jobs.followup``)."""
        report = report or TickReport()
        async with self._job():
            done = await self.follow_up.run(self.batch, lambda: self.stopping)
        report.forwarded, report.digests, report.emails = done.forwarded, done.digests, done.emails
        return report

    async def purge(self) -> int:
        """Delete handled updates and finished outbox rows older than ``delivery.keep_hours``."""
        async with self._job():
            return await perform(self.services, _purge)

    async def tick(self) -> TickReport:
        """Every job once, in order: pauses and the sweep first (expiry frees people for their next check-in),
        then disengagement (on what has just expired, before new check-ins go out), then following up (alerts
        forwarded, digests, emails), then dispatch."""
        report = await self.sweep(await self.pauses())
        return await self.dispatch(await self.followup(await self.disengagement(report)))


async def _purge(work: Work) -> int:
    before = work.now - timedelta(hours=work.services.settings.delivery.keep_hours)
    return await inbox.purge(work.session, before) + await outbox.purge(work.session, before)


async def _resume(work: Work) -> int:
    return await resume_finished_pauses(work.session, work.now, work.services.programme)
