"""What a worker sees about each person at a glance: last reply, latest scores, open items, next session.

The last reply is the later of their last answer and ``Person.last_message_at`` (anything they wrote, captioned,
edited or tapped): someone who only typed a message has still replied.

Read in a few queries for a whole caseload (``facts``), and written out in the worker's words (``scores_text``,
``items_text``) by /caseload, /person and the handover summary of /reassign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.escalation import urgency
from bot.services import Services
from bot.store.models import Answer, Appointment, CheckIn, Escalation, Person, Score
from bot.usecases.appointments import UPCOMING
from bot.usecases.worker_lookup import WORKER_LOCALE as EN

ONS4_ITEMS = ("ons4_satisfied", "ons4_worthwhile", "ons4_happy", "ons4_anxious")


@dataclass
class Facts:
    """One person's glance: when they last replied or wrote, their latest score of each kind, open items, next
    session."""

    last_reply: datetime | None = None
    scores: dict[str, Score] = field(default_factory=dict)
    open_items: list[Escalation] = field(default_factory=list)
    next_session: datetime | None = None

    @property
    def most_urgent(self) -> int:
        """The urgency of their most urgent open item (lower is more urgent; none sorts last)."""
        return min((urgency(e.kind) for e in self.open_items), default=99)


async def facts(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> dict[int, Facts]:
    """The glance for each of ``person_ids`` (everyone in the list has an entry)."""
    found = {pid: Facts() for pid in person_ids}
    if not person_ids:
        return found
    ids = list(person_ids)
    replies = await session.execute(
        select(CheckIn.person_id, func.max(Answer.recorded_at)).join(Answer, Answer.checkin_id == CheckIn.id)
        .where(CheckIn.person_id.in_(ids)).group_by(CheckIn.person_id))
    for pid, at in replies.tuples():
        found[pid].last_reply = at
    wrote = await session.execute(select(Person.id, Person.last_message_at)
                                  .where(Person.id.in_(ids), Person.last_message_at.is_not(None)))
    for pid, wrote_at in wrote.tuples():
        answered = found[pid].last_reply
        if wrote_at is not None and (answered is None or wrote_at > answered):
            found[pid].last_reply = wrote_at
    scores = await session.execute(select(Score).where(Score.person_id.in_(ids))
                                   .order_by(Score.recorded_at, Score.id))
    for score in scores.scalars():
        found[score.person_id].scores[score.name] = score
    items = await session.execute(select(Escalation).where(Escalation.person_id.in_(ids),
                                                           Escalation.status == "open")
                                  .order_by(Escalation.opened_at, Escalation.id))
    for item in items.scalars():
        found[item.person_id].open_items.append(item)
    for entry in found.values():
        entry.open_items.sort(key=lambda e: urgency(e.kind))
    sessions = await session.execute(
        select(Appointment.person_id, func.min(Appointment.at)).where(
            Appointment.person_id.in_(ids), Appointment.at > now, Appointment.status.in_(UPCOMING))
        .group_by(Appointment.person_id))
    for pid, at in sessions.tuples():
        found[pid].next_session = at
    return found


def score_text(s: Services, score: Score) -> str:
    """One score in the worker's words: "UCLA-3 7/9" or "ONS4 satisfied 6, worthwhile 7, happy 5, anxious 4"."""
    if score.name == "ons4":
        parts = [s.text(EN, f"worker_tools.ons4_short.{key}", value=score.items[key])
                 for key in ONS4_ITEMS if score.items.get(key) is not None]
        return s.text(EN, "worker_tools.score.ons4", items=", ".join(parts))
    key = f"worker_tools.score.{score.name}"
    if not s.messages.has(key):
        return f"{score.name} {score.total}"
    return s.text(EN, key, total=score.total)


def scores_text(s: Services, scores: dict[str, Score]) -> str:
    """Every latest score, or "no scores yet"."""
    if not scores:
        return s.text(EN, "worker_tools.no_scores")
    return " · ".join(score_text(s, score) for score in scores.values())


def kind_label(s: Services, kind: str) -> str:
    """An escalation kind in the worker's words."""
    key = f"worker_tools.kinds.{kind}"
    return s.text(EN, key) if s.messages.has(key) else kind


def items_text(s: Services, items: Sequence[Escalation]) -> str:
    """The kinds of the open items, most urgent first, or "none"."""
    if not items:
        return s.text(EN, "worker_tools.no_items")
    return ", ".join(kind_label(s, item.kind) for item in items)
