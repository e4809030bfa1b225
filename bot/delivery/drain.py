"""The outbox drain: claims due rows in batches, sends them at Telegram's pace, records what happened.

New messages to one chat go one at a time, in order (a row waits while an earlier message for its chat is
unsent); edits of messages already shown never hold anything up. Different chats go concurrently, up to
``concurrency`` in flight. What each Telegram error means is decided in ``bot.delivery.policy``; what the
drain does with each verdict is here, in ``_settle_row``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased
from telegram import Bot
from telegram.error import TelegramError

from bot.clock import Clock
from bot.config import DeliverySettings
from bot.delivery import sender
from bot.delivery.pacing import Pacer, Rate
from bot.delivery.policy import Verdict, classify
from bot.store.claims import claim_batch
from bot.store.db import UNAVAILABLE, Database
from bot.store.models import Appointment, CheckIn, OutboxMessage

log = logging.getLogger("bot.delivery")

Unreachable = Callable[[int, datetime], Awaitable[None]]


def backoff(attempts: int, first: float, most: float, rand: random.Random) -> timedelta:
    """How long before retrying a send that certainly failed: first, 2×, 4× … up to ``most``, ±25% jitter."""
    base = min(most, first * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * rand.uniform(0.75, 1.25))


AHEAD_SECONDS = 0.25
"""When pacing, rows are claimed only while less than this much of the overall rate is already reserved by
sends waiting their turn: an urgent row queued now waits behind at most that, not behind a whole claim."""


class Drain:
    """Sends the outbox through ``bot``; ``run`` in the service, ``settle`` in tests and the demo."""

    def __init__(self, db: Database, bot: Bot, clock: Clock, settings: DeliverySettings, *, paced: bool,
                 on_unreachable: Unreachable) -> None:
        self.db, self.bot, self.clock, self.settings = db, bot, clock, settings
        self.pacer = Pacer(Rate(settings.overall_rate, settings.burst),
                           Rate(settings.per_chat_per_second, settings.per_chat_burst), enabled=paced)
        self.on_unreachable = on_unreachable
        self.inflight: set[asyncio.Task[None]] = set()
        self.sending: set[int] = set()  # ids of the rows this process is sending now
        self.stats: Counter[str] = Counter()
        self.random = random.Random()
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop: asyncio.Task[None] | None = None
        self._claiming = asyncio.Lock()  # a claim and the spawning of its sends happen as one step

    def wake(self) -> None:
        """Something was queued: look for work now rather than at the next poll."""
        self._wake.set()

    # -- claiming -------------------------------------------------------------------------------------------
    async def claim(self, limit: int) -> list[OutboxMessage]:
        """Claim up to ``limit`` due rows whose chat has nothing earlier still unsent, urgent first."""
        if limit <= 0:
            return []
        now = self.clock.now()
        earlier = aliased(OutboxMessage)
        blocked = exists().where(earlier.chat_id == OutboxMessage.chat_id, earlier.id < OutboxMessage.id,
                                 earlier.status.in_(("pending", "sending")), earlier.method == "send")
        due = (select(OutboxMessage.id)
               .where(OutboxMessage.status == "pending", OutboxMessage.not_before <= now, ~blocked)
               .order_by(OutboxMessage.priority.desc(), OutboxMessage.id).limit(min(limit, self.settings.batch_size)))
        async with self.db.session() as session:
            ids = await claim_batch(session, OutboxMessage, due, [OutboxMessage.status == "pending"],
                                    {"status": "sending", "claimed_at": now, "attempts": OutboxMessage.attempts + 1})
            if not ids:
                return []
            rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                          .order_by(OutboxMessage.priority.desc(), OutboxMessage.id))).scalars()
            return list(rows)

    async def recover(self) -> int:
        """Take back rows claimed longer than the lease ago by a sender that died: their outcome is unknown."""
        now = self.clock.now()
        cutoff = now - timedelta(seconds=self.settings.lease_seconds)
        async with self.db.session() as session:
            stuck = [row for row in (await session.execute(select(OutboxMessage).where(
                OutboxMessage.status == "sending", OutboxMessage.claimed_at < cutoff))).scalars()
                     if row.id not in self.sending]
            for row in stuck:
                self._unknown(row, now, "sender stopped mid-send", delay=0.0)  # the lease was the delay
        if stuck:
            log.warning("took back %d outbox rows from a sender that stopped mid-send", len(stuck))
        return len(stuck)

    # -- sending --------------------------------------------------------------------------------------------
    async def _claim_and_spawn(self) -> None:
        async with self._claiming:
            paused = self.pacer.paused_until - self.pacer.clock()
            if paused > 0:  # after a 429 nothing is claimed, so no claim outlives its lease while waiting
                await asyncio.sleep(paused)
            limit = self.settings.concurrency - len(self.inflight)
            if self.pacer.enabled:  # claim no further ahead than AHEAD_SECONDS of the overall rate
                room = AHEAD_SECONDS - self.pacer.backlog()
                limit = min(limit, max(0, math.ceil(room * self.pacer.overall.rate.per_second)))
            self._spawn(await self.claim(limit))

    def _spawn(self, rows: list[OutboxMessage]) -> None:
        for row in rows:
            self.sending.add(row.id)
            task = asyncio.create_task(self._send(row), name=f"outbox-{row.id}")
            self.inflight.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.inflight.discard(task)
        self._wake.set()

    async def _send(self, row: OutboxMessage) -> None:
        delay = self.pacer.delay(row.chat_id)
        if delay > 0:
            await asyncio.sleep(delay)
        verdict: Verdict | None = None
        message_id: int | None = None
        try:
            message_id = await sender.deliver(self.bot, row)
        except TelegramError as exc:
            verdict = classify(exc)
        except asyncio.CancelledError:
            self.sending.discard(row.id)
            await asyncio.shield(self._record(row, None, Verdict("unknown", "stopped mid-send")))
            raise
        except Exception as exc:  # a bug or a library surprise must fail this row only; logged with traceback
            log.exception("outbox %s: unexpected error while sending", row.id)
            verdict = Verdict("failed", f"internal error: {type(exc).__name__}")
        try:
            await self._record(row, message_id, verdict)
        except UNAVAILABLE as exc:  # the lease brings the row back once the database answers again
            log.error("outbox %s: could not record the outcome (%s)", row.id, type(exc).__name__)
        finally:
            self.sending.discard(row.id)

    async def _record(self, row: OutboxMessage, message_id: int | None, verdict: Verdict | None) -> None:
        now = self.clock.now()
        async with self.db.session() as session:
            fresh = await session.get(OutboxMessage, row.id)
            if fresh is None or fresh.status != "sending":
                return
            row = fresh
            self._settle_row(row, now, message_id, verdict)
            if row.status == "sent" and row.method == "send" and row.keyboard and message_id is not None:
                if row.checkin_id is not None:
                    await session.execute(update(CheckIn).where(CheckIn.id == row.checkin_id)
                                          .values(message_id=message_id))
                if row.appointment_id is not None:
                    await session.execute(update(Appointment).where(Appointment.id == row.appointment_id)
                                          .values(message_id=message_id))
        if verdict is not None and verdict.action == "unreachable":
            await self.on_unreachable(row.chat_id, now)

    def _settle_row(self, row: OutboxMessage, now: datetime, message_id: int | None, verdict: Verdict | None) -> None:
        """Apply the error policy's verdict to a row (see ``bot.delivery.policy`` for the table)."""
        action = "done" if verdict is None else verdict.action
        self.stats[action] += 1
        if action == "done":
            row.status, row.sent_at, row.message_id, row.error = "sent", now, message_id, None
            return
        assert verdict is not None
        if action in ("failed", "unreachable"):
            row.status, row.error = "failed", verdict.reason
            log.warning("outbox %s to chat %s failed: %s", row.id, row.chat_id, verdict.reason)
        elif action == "wait":
            self.pacer.pause(verdict.wait_seconds)
            row.status, row.claimed_at, row.attempts = "pending", None, max(0, row.attempts - 1)
            log.info("Telegram asked to wait %.0f s; the drain pauses", verdict.wait_seconds)
        elif action == "retry":
            row.status, row.claimed_at, row.error = "pending", None, verdict.reason
            row.not_before = now + backoff(row.attempts, self.settings.retry_first_seconds,
                                           self.settings.retry_max_seconds, self.random)
        else:
            self._unknown(row, now, verdict.reason)

    def _unknown(self, row: OutboxMessage, now: datetime, reason: str, delay: float | None = None) -> None:
        """Telegram may or may not have shown it. A duplicate the person can ignore is better than a loss
        nobody sees, so it is sent once more after a short delay — and again, later each time, should that
        outcome be unknown too — up to ``unknown_resends`` times; every resend is counted and logged."""
        if row.unknown_outcomes < self.settings.unknown_resends:
            row.unknown_outcomes += 1
            row.status, row.claimed_at = "pending", None
            wait = self.settings.unknown_retry_seconds * 2 ** (row.unknown_outcomes - 1) if delay is None else delay
            row.not_before = now + timedelta(seconds=wait)
            self.stats["resent_after_unknown"] += 1
            log.warning("outbox %s to chat %s: outcome unknown (%s); sending once more", row.id, row.chat_id, reason)
        else:
            row.status, row.error = "failed", f"outcome unknown {row.unknown_outcomes + 1} times ({reason})"[:200]
            log.error("outbox %s to chat %s: outcome unknown %d times; given up", row.id, row.chat_id,
                      row.unknown_outcomes + 1)

    # -- loops ----------------------------------------------------------------------------------------------
    async def settle(self) -> None:
        """Send until nothing is due and nothing is in flight (tests and the demo use this to wait)."""
        while True:
            await self._claim_and_spawn()  # waits for a claim the background loop has in hand
            if not self.inflight:
                return
            await asyncio.wait(set(self.inflight), return_when=asyncio.FIRST_COMPLETED)

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Send for as long as the service runs: woken by new rows, finished sends, or every ``poll_seconds``."""
        failures = 0
        while not self._stopping:
            self._wake.clear()
            try:
                await self._claim_and_spawn()
                failures = 0
            except UNAVAILABLE as exc:
                failures += 1
                log.error("outbox: database unavailable (%s)", type(exc).__name__)
            timeout = poll_seconds * min(30, 2 ** failures) if failures else poll_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def start(self) -> None:
        """Start ``run`` in the background."""
        self._loop = asyncio.create_task(self.run(), name="drain")

    async def stop(self) -> None:
        """Stop claiming; let sends in flight finish (within the grace period), so nothing is lost or doubled."""
        self._stopping = True
        self._wake.set()
        if self._loop is not None:
            await self._loop  # claims nothing more once it returns
        if self.inflight:
            done, pending = await asyncio.wait(set(self.inflight), timeout=self.settings.stop_grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
