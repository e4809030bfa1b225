"""The composition root: settings → database → content → application → delivery → jobs, in that order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, SystemClock
from bot.config import Settings, require_token
from bot.delivery.drain import Drain
from bot.flowfiles import load_flows
from bot.jobs.periodic import Jobs
from bot.messages import Messages
from bot.screening_rules import Screener, load_rules
from bot.services import Services
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.telegram.application import build_application
from bot.telegram.commands import announce
from bot.telegram.context import BotApplication
from bot.telegram.receive import Receiver
from bot.telegram.webhook import webhook_app
from bot.usecases import reach
from bot.usecases.programme import rules_from
from bot.usecases.work import perform

log = logging.getLogger("bot")


def load_content(settings: Settings) -> tuple[Messages, Mapping[str, Any]]:
    """Load and validate messages and flows (raises with file and key on any problem)."""
    messages = Messages.load(settings.service.messages_dir)
    flows = load_flows(settings.service.flows_dir, messages)
    return messages, flows


def load_screener(settings: Settings) -> Screener:
    """Load the screening rules and check every rule's examples (raises with file and key on any problem)."""
    return load_rules(settings.service.screening_dir)


async def build_services(settings: Settings, clock: Clock, db: Database | None = None) -> Services:
    """Everything the edges need, with the database migrated to the newest schema."""
    messages, flows = load_content(settings)
    screener = load_screener(settings)
    db = db or Database.from_url(settings.database.url)
    await upgrade(db)
    return Services(settings=settings, db=db, messages=messages, flows=flows, clock=clock,
                    programme=rules_from(settings), screener=screener)


@dataclass
class Runtime:
    """One running service: its values, the Telegram application, the inbox receiver, the outbox drain
    and the periodic jobs."""

    services: Services
    app: BotApplication
    receiver: Receiver
    drain: Drain
    jobs: Jobs
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, *, polling: bool, poll_timeout: int = 30) -> None:
        """Initialise the bot, then process the inbox and drain the outbox (and poll, in polling mode)."""
        await self.app.initialize()
        await announce(self.app)
        await self.drain.recover()
        self.drain.start()
        self.tasks = [asyncio.create_task(self.receiver.run(), name="inbox")]
        if polling:
            await self.app.bot.delete_webhook(drop_pending_updates=False)
            self.tasks.append(asyncio.create_task(self.receiver.poll(poll_timeout), name="polling"))

    async def stop(self) -> None:
        """Stop polling, finish the round of stored updates in hand, let sends in flight finish, then close."""
        self.receiver.stop()
        for task in self.tasks:
            if task.get_name() == "polling":
                task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.drain.stop()
        await self.app.shutdown()
        await self.services.db.dispose()


async def build_runtime(settings: Settings, clock: Clock, token: str, base_url: str,
                        db: Database | None = None) -> Runtime:
    """Wire one service together, in order; nothing runs until ``Runtime.start``."""
    services = await build_services(settings, clock, db)
    app = build_application(services, token, base_url)

    async def unreachable(chat_id: int, _: datetime) -> None:
        await perform(services, reach.unreachable, chat_id)

    drain = Drain(services.db, app.bot, clock, settings.delivery, paced=settings.telegram.rate_limit,
                  on_unreachable=unreachable)
    services.wake = drain.wake
    return Runtime(services, app, Receiver(app, services), drain, Jobs(services))


def build_scheduler(runtime: Runtime, settings: Settings) -> AsyncIOScheduler:
    """The handful of periodic jobs, each run once at start-up (work missed while down is overdue now).

    The drain is not among them: it runs for as long as the service does, woken whenever a transaction
    queues a message (``services.wake``), so the tick interval never caps how fast messages go out.
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    # A job still running when its next run comes simply runs again at the one after: not worth a warning.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    every, now = settings.scheduler.tick_seconds, datetime.now(UTC)
    jobs: dict[str, Callable[[], Awaitable[object]]] = {
        "pauses": runtime.jobs.pauses, "sweep": runtime.jobs.sweep, "dispatch": runtime.jobs.dispatch,
        "outbox-recover": runtime.drain.recover, "purge": runtime.jobs.purge,
        "disengagement": runtime.jobs.disengagement, "followup": runtime.jobs.followup,
    }
    intervals = {"outbox-recover": settings.delivery.lease_seconds / 2, "purge": 3600.0}
    for name, job in jobs.items():
        seconds = intervals.get(name, every)
        scheduler.add_job(runtime.jobs.guard(job), "interval", seconds=seconds, id=name, max_instances=1,
                          coalesce=True, misfire_grace_time=None, next_run_time=now)
    return scheduler


async def serve(settings: Settings) -> None:
    """Run the service until SIGINT/SIGTERM: Telegram updates in, due check-ins and replies out."""
    stop = asyncio.Event()  # first, so a stop asked for while starting up is a clean one too
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    token = require_token(settings)
    runtime = await build_runtime(settings, SystemClock(), token, settings.telegram.base_url)
    webhook = settings.telegram.mode == "webhook"
    await runtime.start(polling=not webhook)
    server: uvicorn.Server | None = None
    serving: asyncio.Task[None] | None = None
    if webhook:
        secret, url = settings.telegram.webhook_secret, settings.telegram.webhook_url
        assert secret is not None and url is not None
        web = webhook_app(runtime.receiver, urlsplit(url).path, secret.get_secret_value())
        server = uvicorn.Server(uvicorn.Config(web, host=settings.telegram.webhook_listen,
                                               port=settings.telegram.webhook_port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        await runtime.app.bot.set_webhook(url, secret_token=secret.get_secret_value())
    scheduler = build_scheduler(runtime, settings)
    scheduler.start()
    log.info("checkin-bot is running as @%s (%s mode)", runtime.services.bot_username, settings.telegram.mode)
    await stop.wait()
    log.info("stopping")
    await runtime.jobs.stop()  # first: the scheduler's shutdown would cancel a job mid-row
    scheduler.shutdown(wait=False)
    if server is not None and serving is not None:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await serving
    await runtime.stop()
    log.info("stopped; delivery: %s", dict(runtime.drain.stats))
