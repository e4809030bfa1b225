"""The composition root: settings → database → content → application → periodic jobs, in that order."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Mapping
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, SystemClock
from bot.config import Settings, require_token
from bot.flowfiles import load_flows
from bot.messages import Messages
from bot.services import Services
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.telegram.application import build_application
from bot.telegram.commands import announce
from bot.telegram.context import BotApplication
from bot.usecases.dispatch import Dispatcher
from bot.usecases.programme import rules_from

log = logging.getLogger("bot")


def load_content(settings: Settings) -> tuple[Messages, Mapping[str, Any]]:
    """Load and validate messages and flows (raises with file and key on any problem)."""
    messages = Messages.load(settings.service.messages_dir)
    flows = load_flows(settings.service.flows_dir, messages)
    return messages, flows


async def build_services(settings: Settings, clock: Clock, db: Database | None = None) -> Services:
    """Everything the edges need, with the database migrated to the newest schema."""
    messages, flows = load_content(settings)
    db = db or Database.from_url(settings.database.url)
    await upgrade(db)
    return Services(settings=settings, db=db, messages=messages, flows=flows, clock=clock,
                    programme=rules_from(settings))


def build_scheduler(dispatcher: Dispatcher, settings: Settings) -> AsyncIOScheduler:
    """The handful of periodic jobs; per-person schedules live in the database, not here."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(dispatcher.tick, "interval", seconds=settings.scheduler.tick_seconds, id="dispatch",
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    return scheduler


async def serve(settings: Settings) -> None:
    """Run the service until SIGINT/SIGTERM: Telegram updates in, due check-ins out."""
    token = require_token(settings)
    services = await build_services(settings, SystemClock())
    app: BotApplication = build_application(services, token, settings.telegram.base_url,
                                            rate_limit=settings.telegram.rate_limit)
    dispatcher = Dispatcher(services, app.bot)
    scheduler = build_scheduler(dispatcher, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await announce(app)
        await app.start()
        if settings.telegram.mode == "webhook":
            secret = settings.telegram.webhook_secret
            assert settings.telegram.webhook_url is not None and secret is not None
            assert app.updater is not None
            await app.updater.start_webhook(
                listen=settings.telegram.webhook_listen, port=settings.telegram.webhook_port,
                webhook_url=settings.telegram.webhook_url, secret_token=secret.get_secret_value(),
            )
        else:
            assert app.updater is not None
            await app.updater.start_polling(timeout=30, drop_pending_updates=False)
        scheduler.start()
        await dispatcher.tick()
        log.info("checkin-bot is running as @%s (%s mode)", services.bot_username, settings.telegram.mode)
        await stop.wait()
        log.info("stopping")
        scheduler.shutdown(wait=False)
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()
    await services.db.dispose()
