"""``urgent_under_load``: a risk message while hundreds of routine check-ins are queued behind Telegram's limits.

The sandbox enforces Telegram's limits and the bot paces itself, so ``people`` routine questions take about
``people / 30`` seconds to drain. Once a third of them (at most 60) have gone, an enrolled person writes a
risk message. Urgent
rows (the crisis numbers, the worker's alert) go ahead of routine ones, so both should arrive in about the
time one reply takes, not after the queue.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.sandbox.limits import Limits
from bot.testing import Harness

WORKER_CHAT, PERSON_CHAT = 9001, 9002
EXTRA: dict[str, Any] = {}
RISK = "honestly i cant go on anymore, i want to end it all"


def _delivered_at(h: Harness, chat: int, needle: str, start: int) -> bool:
    for call in h.sandbox.state.calls[start:]:
        params = call["params"]
        if call["method"] == "sendMessage" and call["status"] == 200 and str(params.get("chat_id")) == str(chat) \
                and needle in str(params.get("text", "")):
            return True
    return False


async def urgent_under_load(people: int, database_url: str | None, population: Any, waits: Any) -> dict[str, Any]:
    """See the module docstring. ``population`` and ``waits`` are bench/run.py's helpers."""
    async with Harness(database_url, limits=Limits(), rate_limit=True,
                       scheduler={"batch_size": max(1, min(people, 10_000))}, **EXTRA) as h:
        helper = waits(h)
        await helper.linked_worker(WORKER_CHAT)
        await helper.join(PERSON_CHAT, await helper.invite(WORKER_CHAT, "Alex"))
        await population(h, people)
        first = len(h.sandbox.state.calls)
        ticking = asyncio.create_task(h.tick())
        while sum(1 for c in h.sandbox.state.calls[first:] if c["method"] == "sendMessage") < min(people // 3, 60):
            await asyncio.sleep(0.01)  # past the first burst: the routine queue drains at Telegram's pace
        queued_at = len(h.sandbox.state.calls)
        started = time.perf_counter()
        await h.sandbox.client.say(PERSON_CHAT, RISK)
        signposting = alert = None
        while (signposting is None or alert is None) and time.perf_counter() - started < 120:
            if signposting is None and _delivered_at(h, PERSON_CHAT, "116 123", queued_at):
                signposting = (time.perf_counter() - started) * 1000
            if alert is None and _delivered_at(h, WORKER_CHAT, "Urgent", queued_at):
                alert = (time.perf_counter() - started) * 1000
            await asyncio.sleep(0.005)
        routine_left = sum(1 for c in h.sandbox.state.calls[first:queued_at] if c["method"] == "sendMessage")
        await ticking
        await helper.drained(timeout=600)
        seconds = time.perf_counter() - started
        calls = h.sandbox.state.calls[first:]
    return {"scenario": "urgent_under_load", "routine_queued": people,
            "alert_latency_ms": None if alert is None else round(alert, 1),
            "signposting_latency_ms": None if signposting is None else round(signposting, 1),
            "routine_sent_before_risk": routine_left, "drain_seconds": round(seconds, 3),
            "http_429": sum(1 for c in calls if c["status"] == 429)}
