"""``checkin-bot demo``: a whole simulated programme, offline, in seconds.

The real bot runs against the in-process sandbox on a temporary SQLite database. A worker invites a
handful of simulated people with different habits; they join, get a baseline, weekly check-ins for
twelve weeks of support, an end-of-support check-in and follow-ups at 2 weeks, 1, 3 and 6 months.
In the third week one of them writes something alarming: the demo shows the risk path and the next
morning's digest (:mod:`bot.demo_safety`). The simulated clock jumps from one event to the next.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.demo_safety import safety_episode
from bot.sandbox.people import SimPerson
from bot.store.models import CheckIn, Person, Score
from bot.testing import Harness
from bot.usecases.programme import discharge

WORKER_CHAT = 9001
HABITS = [("Ada", "prompt"), ("Bryn", "late"), ("Cerys", "never"), ("Dev", "blocks"), ("Elin", "skipper")]
DAYS = ("Monday", "Tuesday", "Wednesday")
TIMES = ("10:00", "14:00", "18:00")


def _transcript(h: Harness, chat: int, start: int, stop: int | None) -> list[str]:
    lines: list[str] = []
    for message in h.messages(chat)[start:stop]:
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
        reminded = await session.scalar(select(func.count()).where(CheckIn.reminded_at.is_not(None)))
        unreachable = await session.scalar(select(func.count()).where(Person.status == "unreachable"))
        completed = await session.scalar(select(func.count()).where(Person.status == "completed"))
    sent = sum(n for status, n in by_status.items() if status in ("open", "answered", "expired", "failed"))
    return {"check-ins sent": sent, "answered": by_status.get("answered", 0),
            "missed": by_status.get("expired", 0), "reminders": reminded or 0,
            "unreachable people": unreachable or 0, "completed the programme": completed or 0}


async def _ucla(h: Harness, cast: list[SimPerson]) -> list[str]:
    assert h.services is not None
    async with h.services.db.session() as session:
        rows = (await session.execute(
            select(Person.telegram_user_id, Score.occasion, Score.total).join(Person, Person.id == Score.person_id)
            .where(Score.instrument == "ucla3")
        )).all()
    found = {(user, occasion): total for user, occasion, total in rows}
    lines = ["  person  habit      baseline  end  6 months"]
    for person in cast:
        cells = [found.get((person.user_id, occasion)) for occasion in ("baseline", "end", "6m")]
        shown = ["—" if c is None else str(c) for c in cells]
        lines.append(f"  {person.name:<7} {person.habit:<9} {shown[0]:>8}  {shown[1]:>3}  {shown[2]:>8}")
    return lines


async def run_demo(weeks: int = 12, people: int = 5, progress: bool = True) -> int:
    """Run the simulated programme (``weeks`` of support, then six months of follow-up) and print it."""
    out = sys.stdout
    async with Harness(programme={"baseline": True}) as h:
        assert h.services is not None
        await h.linked_worker(WORKER_CHAT, "Sam (link worker)")
        cast = [SimPerson(7001 + i, name, habit) for i, (name, habit) in
                enumerate((HABITS * (people // len(HABITS) + 1))[:people])]
        for i, person in enumerate(cast):
            token = await h.invite(WORKER_CHAT, person.name)
            await h.join(person.user_id, token, day=DAYS[i % 3], at=TIMES[i % 3])
        print(f"checkin-bot demo: 1 worker and {len(cast)} people "
              f"({', '.join(f'{p.name}: {p.habit}' for p in cast)});\n"
              f"{weeks} weeks of support, then 6 months of follow-up, on a simulated clock", file=out)
        start = h.clock.now()
        end_of_support = start + timedelta(weeks=weeks)
        finish = end_of_support + timedelta(days=200)
        step = timedelta(weeks=1)
        moment = start
        episode = start + timedelta(days=min(15, weeks * 7 - 3), hours=2)  # a Tuesday late morning in support
        while moment < finish:
            moment = min(finish, moment + step)
            if h.clock.now() < episode <= moment:
                await h.run_until(episode, cast)
                await safety_episode(h, cast, WORKER_CHAT, _transcript, out)
            if h.clock.now() < end_of_support <= moment:
                await h.run_until(end_of_support, cast)
                async with h.services.db.session() as session:
                    for member in (await session.execute(select(Person))).scalars():
                        await discharge(session, member, h.clock.now(), h.services.programme)
            await h.run_until(moment, cast)
            if progress:
                done = (moment - start) / (finish - start)
                bar = "#" * int(done * 40)
                print(f"\r  [{bar:<40}] {h.clock.now():%d %b %Y}", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        print(f"\nWhat {cast[0].name} saw (a real conversation, as shown on Telegram), first joining:", file=out)
        print("\n".join(_transcript(h, cast[0].user_id, 0, 6)), file=out)
        print("  …\nand at the six-month follow-up:", file=out)
        print("\n".join(_transcript(h, cast[0].user_id, -8, None)), file=out)
        print("\nWhat the link worker was told:", file=out)
        print("\n".join(_transcript(h, WORKER_CHAT, -2, None)), file=out)
        print("\nUCLA-3 loneliness (3 = least lonely, 9 = most; 6+ usually read as lonely):", file=out)
        print("\n".join(await _ucla(h, cast)), file=out)
        summary = await _summary(h)
        print("\nSummary: " + ", ".join(f"{key} {value}" for key, value in summary.items()), file=out)
        print(f"Bot API calls: {len(h.sandbox.state.calls)}; simulated time now {h.clock.now():%Y-%m-%d %H:%M} UTC",
              file=out)
    return 0
