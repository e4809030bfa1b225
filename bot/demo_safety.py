"""The demo's safety episode: a risk message, the crisis numbers, the urgent alert, its acknowledgement with
the action taken, and the next morning's digest with the other kinds of item.

Run inside the demo's programme (:mod:`bot.demo`) on a working day, so the person's own worker is alerted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.sandbox.people import SimPerson
from bot.store.models import SafeguardingEntry
from bot.testing import Harness

RISK_MESSAGE = "thanks for the info about the walking group. honestly i cant go on anymore, i want to end it all"
DISTRESS_MESSAGE = "feeling really low this week and so lonely, haven't spoken to anyone in days"

Transcript = Callable[[Harness, int, int, int | None], list[str]]


def _next_working_morning(h: Harness, at: time) -> datetime:
    """The next weekday at ``at``, service time, after now."""
    assert h.services is not None
    zone = ZoneInfo(h.services.settings.service.timezone)
    local = h.clock.now().astimezone(zone)
    day = local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, zone)


async def safety_episode(h: Harness, cast: list[SimPerson], worker_chat: int, transcript: Transcript,
                         out: TextIO) -> None:
    """Play the episode and print what each side saw."""
    assert h.services is not None
    person, other = cast[1 % len(cast)], cast[-1]
    print(f"\nThe risk path ({h.clock.now():%A %d %b, %H:%M} UTC): {person.name} writes, outside a check-in:",
          file=out)
    print(f"  {person.name} │ {RISK_MESSAGE}", file=out)
    seen_person, seen_worker = len(h.messages(person.user_id)), len(h.messages(worker_chat))
    await h.say(person.user_id, RISK_MESSAGE)
    print(f"What {person.name} saw at once:", file=out)
    print("\n".join(transcript(h, person.user_id, seen_person, None)), file=out)
    print("What the link worker saw at the same moment (an urgent alert, ahead of everything else):", file=out)
    print("\n".join(transcript(h, worker_chat, seen_worker, None)), file=out)
    alert = next(m for m in reversed(h.messages(worker_chat)) if "Urgent" in (m.get("text") or ""))
    await h.tap(worker_chat, "Acknowledge", alert)
    await h.tap(worker_chat, "Spoke to them", h.messages(worker_chat)[seen_worker])
    print("The worker phones them, taps Acknowledge and says what was done; the alert now reads:", file=out)
    print("\n".join(transcript(h, worker_chat, seen_worker, seen_worker + 1)), file=out)
    async with h.services.db.session() as session:
        entries = (await session.execute(select(SafeguardingEntry))).scalars().all()
    print("Safeguarding log: " + "; ".join(f"{e.at:%d %b %H:%M} {e.action} (item {e.escalation_id})"
                                           for e in entries), file=out)
    await h.say(other.user_id, DISTRESS_MESSAGE)
    print(f"\nLater, {other.name} writes: {DISTRESS_MESSAGE!r}; the reply:", file=out)
    print("\n".join(transcript(h, other.user_id, -1, None)), file=out)
    morning = _next_working_morning(h, h.services.settings.escalation.digest_time)
    seen_worker = len(h.messages(worker_chat))
    await h.run_until(morning + timedelta(minutes=5), cast)
    digest = [m for m in h.messages(worker_chat)[seen_worker:] if "Urgent" not in (m.get("text") or "")]
    print(f"\nThe next morning's digest ({morning:%A %d %b, %H:%M} local), most urgent first:", file=out)
    start = h.messages(worker_chat).index(digest[0]) if digest else len(h.messages(worker_chat))
    print("\n".join(transcript(h, worker_chat, start, None)) or "  (nothing new)", file=out)
