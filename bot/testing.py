"""Helpers for tests, benchmarks and the demo: a real bot against the sandbox on a simulated clock.

``Harness`` starts the Bot API sandbox in this event loop, builds the real python-telegram-bot
Application against it over HTTP (long polling, as in production), and gives the service a
``SimClock``. Nothing is mocked: updates travel through the sandbox's ``getUpdates``, replies are real
Bot API calls, data lands in a real database. Updates go through the inbox and replies through the
outbox, as in production. Waiting is event-driven (no sleeps): ``say`` and ``press`` return once the
bot has processed that update and sent everything it queued; ``tick`` runs the periodic jobs once.

    async with Harness() as h:
        worker_id, token = await h.add_worker("Sam")
        await h.say(WORKER, f"/start {token}")
        link = await h.invite(WORKER, "Alex")
        await h.join(PERSON, link)          # consent, language, day, time
        await h.advance(days=7)              # the weekly check-in goes out
        await h.tap(PERSON, "Good")
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import func, select

from bot.app import Runtime, build_runtime
from bot.clock import SimClock
from bot.jobs.periodic import TickReport
from bot.sandbox.limits import Limits
from bot.sandbox.people import SimPerson
from bot.sandbox.server import RunningSandbox
from bot.services import Services
from bot.store.models import CheckIn, Person
from bot.testing_setup import START, TOKEN, inbox_status, reset_postgres, test_settings, unsent
from bot.usecases import enrolment

__all__ = ["LINK", "START", "TOKEN", "Harness", "reset_postgres", "test_settings"]

LINK = re.compile(r"start=([A-Za-z0-9_\-]+)")
SETTLE_ROUNDS = 100


class Harness:
    """A running bot, its sandbox and its simulated clock (see the module docstring)."""

    def __init__(self, database_url: str | None = None, start: datetime = START,
                 limits: Limits | None = None, rate_limit: bool = False, **settings: Any) -> None:
        # rate_limit=True makes the drain keep to Telegram's limits (real time), as in production
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.database_url = database_url
        self.clock = SimClock(start)
        self.limits = limits or Limits.unlimited()
        self.rate_limit = rate_limit
        self.settings_overrides = settings
        self.sandbox = RunningSandbox(limits=self.limits)
        self.runtime: Runtime | None = None
        self.services: Services | None = None

    async def __aenter__(self) -> Harness:
        if self.database_url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="checkin-test-")
            self.database_url = f"sqlite:///{Path(self._tmp.name) / 'test.sqlite'}"
        elif self.database_url.startswith("postgres"):
            await reset_postgres(self.database_url)
        await self.sandbox.__aenter__()
        self.settings_overrides.setdefault("telegram", {})["rate_limit"] = self.rate_limit
        self.settings = test_settings(self.database_url, **self.settings_overrides)
        await self.start_bot()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop_bot()
        await self.sandbox.__aexit__(exc_type, exc, tb)
        if self._tmp is not None:
            self._tmp.cleanup()

    # -- the bot process ---------------------------------------------------------------------------
    async def start_bot(self) -> None:
        """Build the service and start it with long polling, as ``checkin-bot run`` does (jobs run on ``tick``)."""
        self.runtime = await build_runtime(self.settings, self.clock, TOKEN, self.sandbox.bot_base_url)
        self.services = self.runtime.services
        await self.runtime.start(polling=True, poll_timeout=1)

    async def stop_bot(self) -> None:
        """Stop polling, let sends in flight finish, close the database (a normal process exit)."""
        if self.runtime is not None:
            await self.runtime.stop()
        self.runtime = None
        self.services = None

    async def restart(self) -> None:
        """Stop the bot and start a fresh one on the same database and sandbox."""
        await self.stop_bot()
        await self.start_bot()

    @property
    def app(self) -> Any:
        """The running python-telegram-bot Application."""
        assert self.runtime is not None
        return self.runtime.app

    async def settle(self) -> None:
        """Wait until everything queued so far has been sent (or failed) and no due row is left unsent (the
        drain's ``settle`` alone was seen returning early on PostgreSQL); bounded: another process's rows."""
        assert self.runtime is not None and self.services is not None
        for _ in range(SETTLE_ROUNDS):
            await self.runtime.drain.settle()
            if not await unsent(self.services, self.clock.now()):
                return
            await asyncio.sleep(0.01)

    async def inbox_status(self, update_id: int) -> str | None:
        """Where an update stands in the inbox: ``pending``, ``done``, or None if it was never stored."""
        assert self.services is not None
        return await inbox_status(self.services, update_id)

    # -- people talking to the bot -------------------------------------------------------------------
    async def _delivered(self, update: dict[str, Any]) -> dict[str, Any]:
        assert self.runtime is not None
        await self.runtime.receiver.wait_processed(int(update["update_id"]))
        await self.settle()
        return update

    async def say(self, user_id: int, text: str, **fields: Any) -> dict[str, Any]:
        """A private message from ``user_id``; returns once the bot has handled it."""
        return await self._delivered(await self.sandbox.client.say(user_id, text, **fields))

    async def send_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver a raw Update; returns once the bot has handled it."""
        return await self._delivered(await self.sandbox.client.post_update(update))

    async def press(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """Tap a button with ``data`` on a message; returns once the bot has handled it."""
        result = await self.sandbox.client.press(user_id, message_id, data)
        update: dict[str, Any] = result["update"]
        return await self._delivered(update)

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot shows in ``chat_id`` now, oldest first."""
        messages: list[dict[str, Any]] = self.sandbox.state.chat_messages(chat_id)
        return messages

    def texts(self, chat_id: int) -> list[str]:
        """The text (or caption) of every message shown in ``chat_id``."""
        return [m.get("text") or m.get("caption") or "" for m in self.messages(chat_id)]

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        """The inline buttons of a message, row by row flattened."""
        markup: dict[str, Any] = message.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def open_question(self, chat_id: int) -> dict[str, Any]:
        """The newest message in the chat that still has buttons."""
        shown = self.messages(chat_id)
        for message in reversed(shown):
            if self.buttons(message):
                return dict(message)
        raise AssertionError(f"no message with buttons in chat {chat_id}: {self.texts(chat_id)[-3:]}")

    async def tap(self, user_id: int, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Tap the button whose text contains ``label`` on the newest question (or on ``message``)."""
        message = message or self.open_question(user_id)
        for button in self.buttons(message):
            if label.lower() in button["text"].lower():
                return await self.press(user_id, message["message_id"], button["callback_data"])
        names = [b["text"] for b in self.buttons(message)]
        raise AssertionError(f"no button like {label!r} in {names}")

    # -- enrolment shortcuts --------------------------------------------------------------------------
    async def add_worker(self, name: str = "Sam Worker", supervisor: bool = False) -> tuple[int, str]:
        """Create a worker as ``checkin-bot worker add`` does; returns (id, link token)."""
        assert self.services is not None
        worker, token = await enrolment.add_worker(self.services.db, name, None, supervisor,
                                                   self.clock.now(), 7)
        return worker.id, token

    async def linked_worker(self, user_id: int, name: str = "Sam Worker") -> int:
        """A worker whose Telegram account ``user_id`` is linked; returns the worker id."""
        worker_id, token = await self.add_worker(name)
        await self.say(user_id, f"/start {token}")
        return worker_id

    async def invite(self, worker_user: int, name: str) -> str:
        """Ask for an invite with ``/invite`` as the worker; returns the token from the link."""
        await self.say(worker_user, f"/invite {name}")
        for text_ in reversed(self.texts(worker_user)):
            found = LINK.search(text_)
            if found:
                return found.group(1)
        raise AssertionError("no invite link in the worker's chat")

    async def join(self, user_id: int, token: str, language: str = "English", day: str = "Monday",
                   at: str = "10:00") -> None:
        """Redeem an invite and answer every joining question."""
        await self.say(user_id, f"/start {token}")
        await self.tap(user_id, "Agree")
        await self.tap(user_id, language)
        await self.tap(user_id, day)
        await self.tap(user_id, at)

    # -- time ------------------------------------------------------------------------------------------
    async def tick(self) -> TickReport:
        """Run every periodic job once at the simulated time, then wait until what they queued is sent."""
        assert self.runtime is not None
        before = dict(self.runtime.drain.stats)
        report = await self.runtime.jobs.tick()
        await self.settle()
        after = self.runtime.drain.stats
        report.delivery = {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}
        return report

    async def next_wake(self, until: datetime, people: Sequence[SimPerson] = ()) -> datetime:
        """The next moment anything can happen: a check-in due, a reminder, an expiry, a pause ending,
        or a simulated person ready to tap (never later than ``until``, always after now)."""
        assert self.services is not None
        now, rules = self.clock.now(), self.services.programme
        async with self.services.db.session() as session:
            moments: list[datetime | None] = [
                await session.scalar(select(func.min(CheckIn.due_at)).where(CheckIn.status == "scheduled")),
                await session.scalar(select(func.min(CheckIn.closes_at)).where(CheckIn.status == "open")),
                await session.scalar(select(func.min(Person.paused_until)).where(Person.status == "paused")),
            ]
            sent = await session.scalar(select(func.min(CheckIn.sent_at)).where(
                CheckIn.status == "open", CheckIn.reminded_at.is_(None)))
        moments.append(None if sent is None else sent + timedelta(hours=rules.reminder_after_hours))
        moments.extend(person.next_action(self, now) for person in people)
        future = [m if m > now else now + timedelta(hours=1) for m in moments if m is not None]
        return min([*future, until])

    async def run_until(self, until: datetime, people: Sequence[SimPerson] = ()) -> None:
        """Live until ``until``: the clock jumps from one event to the next, the jobs run at
        each, and simulated ``people`` answer when their habits say so."""
        while self.clock.now() < until:
            self.clock.set(max(await self.next_wake(until, people), self.clock.now() + timedelta(minutes=1)))
            await self.tick()
            for person in people:
                await person.act(self, self.clock.now())

    async def advance(self, step: timedelta | None = None, **kwargs: float) -> TickReport:
        """Move the simulated clock forward (``advance(days=7)``) and run a dispatch pass."""
        self.clock.advance(step or timedelta(**kwargs))
        return await self.tick()
