"""Updates in: long polling or a webhook stores each update in the inbox before Telegram is told it
arrived, and the processor hands stored updates to the Application, in order per chat, once each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError

from bot.delivery import inbox
from bot.services import Services
from bot.store.db import UNAVAILABLE
from bot.store.models import InboxUpdate
from bot.telegram import notices
from bot.telegram.context import RETRY_KEY, BotApplication
from bot.telegram.transport import TolerantBot, fetch_updates, parses

log = logging.getLogger("bot.telegram")


class DatabaseDown(OSError):
    """An update could not be processed because the database was unavailable; the round stops there."""


class Receiver:
    """The inbox's two halves for one Application: ``poll`` (or the webhook) stores, ``run`` processes."""

    def __init__(self, app: BotApplication, services: Services, *, concurrency: int = 16, batch: int = 200) -> None:
        self.app, self.services = app, services
        self.concurrency, self.batch = concurrency, batch
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._finished: OrderedDict[int, None] = OrderedDict()  # recently processed ids, for waiters
        self._told: OrderedDict[int, None] = OrderedDict()  # updates whose sender heard the database is down
        self._changed = asyncio.Condition()
        self._chats: dict[int | str, asyncio.Task[None]] = {}  # the chats whose updates are in hand
        self._limit = asyncio.Semaphore(concurrency)
        self._failures = 0

    def wake(self) -> None:
        """New updates were stored: process them now."""
        self._wake.set()

    def stop(self) -> None:
        """Stop polling and processing after the current round."""
        self._stopping.set()
        self._wake.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- storing ------------------------------------------------------------------------------------------
    async def poll(self, timeout: int = 30) -> None:
        """Long polling: store each batch, and only then move the offset past it (confirming it)."""
        bot = self.app.bot
        assert isinstance(bot, TolerantBot)
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            try:
                raw = await fetch_updates(bot, offset, timeout)
                if raw:
                    await inbox.store(self.services.db, raw, self.services.clock.now())
                    offset = max(int(u["update_id"]) for u in raw) + 1
                    self.wake()
                failures = 0
            except InvalidToken:
                log.error("Telegram rejected the bot token; polling stops")
                raise
            except Conflict:
                failures += 1
                log.warning("another process is polling this bot (409); waiting")
            except TelegramError as exc:
                failures += 1
                log.warning("polling failed (%s); retrying", type(exc).__name__)
            except UNAVAILABLE as exc:
                failures += 1
                log.error("could not store updates: database unavailable (%s); Telegram keeps them",
                          type(exc).__name__)
                await self._tell_waiting(raw)
            if failures:
                await self._pause(min(30.0, 0.5 * 2 ** failures))

    async def _tell_waiting(self, raw: list[dict[str, Any]]) -> None:
        """Tell each person once that their message will go through when the database is back."""
        for update in raw:
            update_id = update.get("update_id")
            if not isinstance(update_id, int) or update_id in self._told:
                continue
            self._told[update_id] = None
            while len(self._told) > 10_000:
                self._told.popitem(last=False)
            parsed = Update.de_json(update, self.app.bot) if inbox_ready(self.app, update) else None
            if parsed is not None:
                await notices.database_down(self.app.bot, self.services, parsed)

    async def accept(self, raw: dict[str, Any]) -> None:
        """Store one update that arrived by webhook (committed when this returns)."""
        if not inbox_ready(self.app, raw):
            log.warning("skipped a malformed update (update_id %s)", raw.get("update_id"))
            raw = {"update_id": raw["update_id"]}
        await inbox.store(self.services.db, [raw], self.services.clock.now())
        self.wake()

    # -- processing ---------------------------------------------------------------------------------------
    async def run(self, poll_seconds: float = 2.0) -> None:
        """Process stored updates until stopped: woken by new ones (or finished chats), or every ``poll_seconds``.

        Each chat's updates are handled in order by one task at a time; chats do not wait for each other,
        so one slow call for one person never holds up another.
        """
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self._start_chats(await inbox.pending(self.services.db, self.batch))
            except UNAVAILABLE as exc:
                self._failures += 1
                log.error("inbox: database unavailable (%s); will retry", type(exc).__name__)
            timeout = min(30.0, poll_seconds * 2 ** self._failures)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
        if self._chats:
            await asyncio.gather(*self._chats.values(), return_exceptions=True)

    def _start_chats(self, rows: list[InboxUpdate]) -> list[asyncio.Task[None]]:
        """Start a task for each chat with stored updates and none in hand (its later ones wait their turn)."""
        groups: dict[int | str, list[InboxUpdate]] = {}
        for row in rows:
            key = row.chat_id if row.chat_id is not None else f"u{row.update_id}"
            if key not in self._chats:
                groups.setdefault(key, []).append(row)
        for key, group in groups.items():
            self._chats[key] = asyncio.create_task(self._in_order(key, group), name=f"inbox-{key}")
        return [self._chats[key] for key in groups]

    async def _in_order(self, key: int | str, rows: list[InboxUpdate]) -> None:
        try:
            async with self._limit:
                for row in rows:
                    await self.process(row)
            self._failures = 0
            self._wake.set()  # its later updates, if any, can start now
        except UNAVAILABLE as exc:  # this chat's update stays stored and is tried again after a pause
            self._failures += 1
            log.error("inbox: database unavailable (%s); will retry", type(exc).__name__)
        finally:
            del self._chats[key]

    async def process_pending(self) -> int:
        """Process what is stored now and wait for it (tests use this; the service runs ``run``)."""
        rows = await inbox.pending(self.services.db, self.batch)
        await asyncio.gather(*self._start_chats(rows))
        return len(rows)

    async def process(self, row: InboxUpdate) -> None:
        """Hand one stored update to the Application; mark it processed if its handler did not."""
        update = Update.de_json(row.payload, self.app.bot) if inbox_ready(self.app, row.payload) else None
        if update is not None:
            await self.app.process_update(update)
        retry: set[int] = self.app.bot_data.setdefault(RETRY_KEY, set())
        if row.update_id in retry:  # its handler met a database that was down: leave it for the next round
            retry.discard(row.update_id)
            raise DatabaseDown(row.update_id)
        await inbox.finish(self.services.db, row.update_id, self.services.clock.now())
        async with self._changed:
            self._finished[row.update_id] = None
            while len(self._finished) > 10_000:
                self._finished.popitem(last=False)
            self._changed.notify_all()

    async def wait_processed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until ``update_id`` has been processed here (tests and the demo); TimeoutError otherwise."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: update_id in self._finished)


def inbox_ready(app: BotApplication, raw: dict[str, Any]) -> bool:
    """Whether a stored update can be read (a malformed one is kept as its bare id and skipped)."""
    return len(raw) > 1 and parses(app.bot, raw)
