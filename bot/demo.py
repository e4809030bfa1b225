"""``checkin-bot demo``: a whole simulated programme, offline, in seconds.

The real bot runs against the in-process sandbox on a temporary SQLite database; a simulated clock
moves an hour at a time while simulated people with different habits answer (or don't).
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import func, select

from bot.sandbox.people import SimPerson
from bot.store.models import CheckIn, Person
from bot.testing import Harness

WORKER_CHAT = 9001
HABITS = [("Ada", "prompt"), ("Bryn", "late"), ("Cerys", "never"), ("Dev", "blocks"), ("Elin", "skipper")]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _bar(done: int, total: int, width: int = 32) -> str:
    filled = width * done // total
    return f"\r  [{'#' * filled}{'.' * (width - filled)}] week {done * 1.0 / (7 * 24):4.1f}"


def _transcript(h: Harness, person: SimPerson, limit: int = 14) -> list[str]:
    lines: list[str] = []
    for message in h.messages(person.user_id)[-limit:]:
        text = (message.get("text") or message.get("caption") or "").strip()
        lines.append("  bot │ " + text.replace("\n", "\n      │ "))
        labels = [b["text"] for b in h.buttons(message)]
        if labels:
            lines.append("      │ [" + "] [".join(labels) + "]")
    return lines


async def _summary(h: Harness) -> dict[str, Any]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = await session.execute(select(CheckIn.status, func.count()).group_by(CheckIn.status))
        by_status = {status: count for status, count in rows.all()}
        unreachable = await session.scalar(select(func.count()).where(Person.status == "unreachable"))
    sent = sum(n for status, n in by_status.items() if status in ("open", "answered", "expired", "failed"))
    return {"sent": sent, "answered": by_status.get("answered", 0), "missed": by_status.get("expired", 0),
            "still open": by_status.get("open", 0), "unreachable people": unreachable or 0}


async def run_demo(weeks: int = 4, people: int = 5, progress: bool = True) -> int:
    """Run the simulated programme and print what happened; returns the exit code."""
    out = sys.stdout
    async with Harness() as h:
        await h.linked_worker(WORKER_CHAT, "Sam (link worker)")
        cast = [SimPerson(7001 + i, name, habit) for i, (name, habit) in
                enumerate((HABITS * (people // len(HABITS) + 1))[:people])]
        for i, person in enumerate(cast):
            token = await h.invite(WORKER_CHAT, person.name)
            await h.join(person.user_id, token, day=DAYS[i % 3], at=("10:00", "14:00", "18:00")[i % 3])
        print(f"checkin-bot demo: 1 worker, {len(cast)} people "
              f"({', '.join(f'{p.name}: {p.habit}' for p in cast)}), {weeks} simulated weeks", file=out)
        hours = weeks * 7 * 24
        for hour in range(1, hours + 1):
            await h.advance(hours=1)
            for person in cast:
                await person.act(h, h.clock.now())
            if progress and (hour % 12 == 0 or hour == hours):
                print(_bar(hour, hours), end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        shown = cast[0]
        print(f"\nWhat {shown.name} saw (the last messages of a real conversation):", file=out)
        print("\n".join(_transcript(h, shown)), file=out)
        print("\nWhat the link worker saw:", file=out)
        print("\n".join(_transcript(h, SimPerson(WORKER_CHAT, "worker", "never"), limit=4)), file=out)
        summary = await _summary(h)
        print("\nSummary: " + ", ".join(f"{key} {value}" for key, value in summary.items()), file=out)
        calls = len(h.sandbox.state.calls)
        print(f"Bot API calls made: {calls}; simulated time {h.clock.now():%Y-%m-%d %H:%M} UTC", file=out)
    return 0
