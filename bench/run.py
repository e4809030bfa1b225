"""Benchmarks: the real bot against the in-process sandbox; one JSON object per scenario, one a line.

    python bench/run.py                     # SQLite
    python bench/run.py --postgres URL      # also on PostgreSQL (its public schema is reset)
    python bench/run.py --people 500

Scenarios and fields are described in bench/README.md. Figures are wall-clock on this machine; they are
for comparison between changes, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable without installing it
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.urgent import urgent_under_load
from bot.jobs.periodic import TickReport
from bot.sandbox.limits import Limits
from bot.store.models import CheckIn, OutboxMessage, Person, Worker
from bot.testing import LINK, Harness

BASE_USER = 100_000
LIMITED_PEOPLE = 150  # dispatch_limited: 150 messages at 30/s is about 5 s
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "sendAnimation", "sendVideo", "sendAudio",
                "sendVoice", "sendSticker", "sendMediaGroup", "sendLocation", "sendContact", "sendPoll"}
REPLY_METHODS = SEND_METHODS | {"editMessageText", "editMessageCaption", "editMessageReplyMarkup"}


def _percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0 < q <= 1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))]


def _chat(call: dict[str, Any]) -> int | None:
    chat = call["params"].get("chat_id")
    try:
        return int(chat)
    except (TypeError, ValueError):
        return None


class Waits:
    """The harness's waits, each followed by a check that nothing due is left unsent in the outbox.

    ``Harness.settle`` only waits for rows this process's drain has spawned; it can return while the drain's
    background loop holds a claim it has not spawned yet (seen on PostgreSQL, where the settling claim skips
    the rows locked by that claim). Each wait here goes on until the outbox is really empty, so figures stay
    honest and scenarios do not trip on a missing reply; ``early`` counts the harness waits that returned
    too soon.
    """

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.early = 0

    async def _unsent(self) -> int:
        assert self.h.services is not None
        async with self.h.services.db.session() as session:
            count = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.not_before <= self.h.clock.now()))
        return int(count or 0)

    async def drained(self, timeout: float = 60.0) -> None:
        """Wait until no outbox row that is due now is pending or being sent."""
        deadline = time.perf_counter() + timeout
        if not await self._unsent():
            return
        self.early += 1
        while await self._unsent():
            if time.perf_counter() > deadline:
                raise TimeoutError("the outbox did not drain")
            await self.h.settle()
            await asyncio.sleep(0.002)

    async def tick(self) -> TickReport:
        """``h.tick``, with ``delivery`` counting the drain's outcomes until the outbox is really empty."""
        assert self.h.runtime is not None
        stats = self.h.runtime.drain.stats
        before = dict(stats)
        report = await self.h.tick()
        await self.drained()
        report.delivery = {key: stats[key] - before.get(key, 0) for key in stats if stats[key] != before.get(key, 0)}
        return report

    async def press(self, user_id: int, message_id: int, data: str) -> None:
        await self.h.press(user_id, message_id, data)
        await self.drained()

    async def say(self, user_id: int, text: str) -> None:
        await self.h.say(user_id, text)
        await self.drained()

    async def tap(self, user_id: int, label: str) -> None:
        """Tap the button whose text contains ``label`` on the newest question (as ``Harness.tap``)."""
        message = self.h.open_question(user_id)
        for button in self.h.buttons(message):
            if label.lower() in button["text"].lower():
                await self.press(user_id, message["message_id"], button["callback_data"])
                return
        raise AssertionError(f"no button like {label!r} in {[b['text'] for b in self.h.buttons(message)]}")

    async def linked_worker(self, user_id: int) -> None:
        _, token = await self.h.add_worker("Bench Worker")
        await self.say(user_id, f"/start {token}")

    async def invite(self, worker_user: int, name: str) -> str:
        await self.say(worker_user, f"/invite {name}")
        for text in reversed(self.h.texts(worker_user)):
            found = LINK.search(text)
            if found:
                return found.group(1)
        raise AssertionError("no invite link in the worker's chat")

    async def join(self, user_id: int, token: str) -> None:
        """Redeem an invite and answer every joining question (as ``Harness.join``)."""
        await self.say(user_id, f"/start {token}")
        for label in ("Agree", "English", "Monday", "10:00"):
            await self.tap(user_id, label)


def _timed_jobs(h: Harness) -> list[float]:
    """Time the jobs part of ``h.tick`` (opening check-ins and queuing their questions); returns the list
    each tick's seconds are appended to."""
    assert h.runtime is not None
    jobs = h.runtime.jobs
    original = jobs.tick
    spent: list[float] = []

    async def timed() -> TickReport:
        started = time.perf_counter()
        try:
            return await original()
        finally:
            spent.append(time.perf_counter() - started)

    jobs.tick = timed  # type: ignore[method-assign]
    return spent


async def _population(h: Harness, people: int) -> list[int]:
    """``people`` active people, each with a weekly check-in due now (made directly, to measure dispatch
    alone); returns their chat ids."""
    assert h.services is not None
    now = h.clock.now()
    chats = [BASE_USER + i for i in range(people)]
    async with h.services.db.session() as session:
        worker = Worker(name="Bench Worker", is_supervisor=False, created_at=now)
        session.add(worker)
        await session.flush()
        for i, user_id in enumerate(chats):
            h.sandbox.state.remember_user({"id": user_id, "is_bot": False, "first_name": f"P{i}"})
            person = Person(worker_id=worker.id, display_name=f"Person {i}", telegram_user_id=user_id,
                            chat_id=user_id, status="active", created_at=now, joined_at=now)
            session.add(person)
            await session.flush()
            session.add(CheckIn(person_id=person.id, flow_id="weekly", status="scheduled", due_at=now))
    return chats


async def dispatch(people: int, database_url: str | None, limited: bool) -> dict[str, Any]:
    """``people`` check-ins due at once, from the tick that opens them until the drain has sent them all.

    limited: the sandbox enforces Telegram's limits and the bot paces itself; otherwise neither."""
    limits = Limits() if limited else Limits.unlimited()
    async with Harness(database_url, limits=limits, rate_limit=limited,
                       scheduler={"batch_size": max(1, min(people, 10_000))}) as h:
        chats = await _population(h, people)
        waits, jobs_seconds = Waits(h), _timed_jobs(h)
        first_call = len(h.sandbox.state.calls)
        started = time.perf_counter()
        report = await waits.tick()
        seconds = time.perf_counter() - started
        calls = h.sandbox.state.calls[first_call:]
    sends = [c for c in calls if c["method"] in SEND_METHODS]
    delivered = Counter(_chat(c) for c in sends if c["status"] == 200)
    sent = sum(delivered.values())
    result: dict[str, Any] = {
        "scenario": "dispatch_limited" if limited else "dispatch_unthrottled",
        "people": people,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(sent / seconds, 1),
    }
    if limited:
        result["ratio_to_limit"] = round(sent / seconds / limits.overall_rate, 3)
        # the fastest Telegram allows: a full burst at once, then the sustained rate
        fastest = max(0.0, sent - limits.overall_burst) / limits.overall_rate
        result["ceiling_msgs_per_s"] = round(sent / fastest, 1) if fastest else None
        result["http_429"] = sum(1 for c in calls if c["status"] == 429)
    result.update({
        "duplicates": sum(1 for chat in chats if delivered[chat] > 1),
        "missing": sum(1 for chat in chats if delivered[chat] == 0),
        "sent": sent,
        "open_seconds": round(sum(jobs_seconds), 3),
        "settle_early": waits.early,
        "opened": report.sent,
        "waiting": report.waiting,
        "failed": report.failed,
        "delivery": report.delivery,
    })
    return result


async def replies(people: int, database_url: str | None) -> dict[str, Any]:
    """Each person taps an answer on their open check-in, one after another; the latency is from the tap
    until the bot has processed it and sent what it queued (``h.press`` returns then, or should: see Waits)."""
    async with Harness(database_url, scheduler={"batch_size": max(1, min(people, 10_000))}) as h:
        chats = await _population(h, people)
        waits = Waits(h)
        await waits.tick()  # open every check-in and send the first question (not measured)
        waits.early = 0
        questions = {chat: h.open_question(chat) for chat in chats}
        latencies: list[float] = []
        unanswered = 0
        started = time.perf_counter()
        for chat in chats:
            question = questions[chat]
            buttons = h.buttons(question)
            before = len(h.sandbox.state.calls)
            tapped = time.perf_counter()
            await waits.press(chat, question["message_id"], buttons[min(3, len(buttons) - 1)]["callback_data"])
            latencies.append((time.perf_counter() - tapped) * 1000)
            if not any(c["method"] in REPLY_METHODS and c["status"] == 200 and _chat(c) == chat
                       for c in h.sandbox.state.calls[before:]):
                unanswered += 1
        seconds = time.perf_counter() - started
    return {"scenario": "replies", "people": people, "seconds": round(seconds, 3),
            "updates_per_s": round(people / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 1), "p99_ms": round(_percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies), 1), "unanswered": unanswered, "settle_early": waits.early}


async def enrolment(people: int, database_url: str | None) -> dict[str, Any]:
    """A worker's /invite and a person's whole joining conversation (/start and 4 taps), end to end."""
    async with Harness(database_url) as h:
        waits = Waits(h)
        await waits.linked_worker(9001)
        waits.early = 0
        durations: list[float] = []
        started = time.perf_counter()
        for i in range(people):
            begun = time.perf_counter()
            await waits.join(BASE_USER + i, await waits.invite(9001, f"Person {i}"))
            durations.append((time.perf_counter() - begun) * 1000)
        seconds = time.perf_counter() - started
    return {"scenario": "enrolment", "people": people, "seconds": round(seconds, 3),
            "p50_ms": round(statistics.median(durations), 1), "p95_ms": round(_percentile(durations, 0.95), 1),
            "max_ms": round(max(durations), 1), "settle_early": waits.early}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=300,
                        help=f"people per scenario (dispatch_limited uses at most {LIMITED_PEOPLE})")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on this PostgreSQL URL (its public schema is reset)")
    args = parser.parse_args()
    if args.people < 1:
        parser.error("--people must be at least 1")
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    for name, url in backends:
        runs = (
            partial(dispatch, min(args.people, LIMITED_PEOPLE), url, limited=True),
            partial(dispatch, args.people, url, limited=False),
            partial(replies, args.people, url),
            partial(enrolment, min(args.people, 30), url),
            partial(urgent_under_load, args.people, url, _population, Waits),
        )
        for run in runs:
            result = await run()
            print(json.dumps({"scenario": result.pop("scenario"), "database": name, **result}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
