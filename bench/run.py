"""Benchmarks: the real bot against the in-process sandbox; one JSON object per scenario, one a line.

    python bench/run.py                     # SQLite
    python bench/run.py --postgres URL      # also on PostgreSQL
    python bench/run.py --people 500

Figures are wall-clock on this machine; they are for comparison between changes, never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import timedelta
from typing import Any

from bot.sandbox.limits import Limits
from bot.store.models import CheckIn, Person, Worker
from bot.testing import Harness

BASE_USER = 100_000


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _population(h: Harness, people: int) -> None:
    """``people`` active people, each with a check-in due now (made directly, to measure dispatch alone)."""
    assert h.services is not None
    now = h.clock.now()
    async with h.services.db.session() as session:
        worker = Worker(name="Bench Worker", is_supervisor=False, created_at=now)
        session.add(worker)
        await session.flush()
        for i in range(people):
            user_id = BASE_USER + i
            h.sandbox.state.remember_user({"id": user_id, "is_bot": False, "first_name": f"P{i}"})
            person = Person(worker_id=worker.id, display_name=f"Person {i}", telegram_user_id=user_id,
                            chat_id=user_id, status="active", created_at=now, joined_at=now)
            session.add(person)
            await session.flush()
            session.add(CheckIn(person_id=person.id, flow_id="weekly", status="scheduled", due_at=now))


async def dispatch(people: int, database_url: str | None, telegram_limits: bool) -> dict[str, Any]:
    """Send ``people`` due check-ins in one go; with Telegram's limits the bot must pace itself."""
    limits = Limits() if telegram_limits else Limits.unlimited()
    async with Harness(database_url, limits=limits, rate_limit=telegram_limits,
                       scheduler={"batch_size": people}) as h:
        await _population(h, people)
        started = time.perf_counter()
        report = await h.tick()
        seconds = time.perf_counter() - started
        refused = sum(1 for call in h.sandbox.state.calls if call["status"] == 429)
    return {"scenario": "dispatch_with_telegram_limits" if telegram_limits else "dispatch_unlimited",
            "people": people, "sent": report.sent, "deferred": report.deferred, "seconds": round(seconds, 3),
            "per_second": round(report.sent / seconds, 1), "telegram_429s": refused}


async def answers(taps: int, database_url: str | None) -> dict[str, Any]:
    """Tap an answer on an open check-in and wait for the thanks: the time a person waits."""
    async with Harness(database_url) as h:
        await h.linked_worker(9001)
        latencies: list[float] = []
        for i in range(taps):
            user = BASE_USER + i
            await h.join(user, await h.invite(9001, f"Person {i}"))
        await h.advance(timedelta(days=7))
        for i in range(taps):
            question = h.open_question(BASE_USER + i)
            started = time.perf_counter()
            await h.press(BASE_USER + i, question["message_id"], h.buttons(question)[3]["callback_data"])
            latencies.append((time.perf_counter() - started) * 1000)
    return {"scenario": "answer_tap_to_thanks", "taps": taps,
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(_percentile(latencies, 0.95), 1),
            "max_ms": round(max(latencies), 1)}


async def enrolment(people: int, database_url: str | None) -> dict[str, Any]:
    """A worker's /invite and a person's whole joining conversation (5 updates), end to end."""
    async with Harness(database_url) as h:
        await h.linked_worker(9001)
        durations: list[float] = []
        for i in range(people):
            started = time.perf_counter()
            await h.join(BASE_USER + i, await h.invite(9001, f"Person {i}"))
            durations.append((time.perf_counter() - started) * 1000)
    return {"scenario": "enrolment_invite_to_joined", "people": people,
            "p50_ms": round(statistics.median(durations), 1), "p95_ms": round(_percentile(durations, 0.95), 1)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (its public schema is reset)")
    args = parser.parse_args()
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        backends.append(("postgresql", args.postgres))
    for name, url in backends:
        for result in (
            await dispatch(args.people, url, telegram_limits=False),
            await dispatch(min(args.people, 150), url, telegram_limits=True),
            await answers(50, url),
            await enrolment(30, url),
        ):
            print(json.dumps({**result, "database": name}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
