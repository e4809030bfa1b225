"""Disengagement: someone in support or follow-up who has stopped answering their check-ins (design §5).

Since their last reply (any answer to a check-in), a person is *silent* from the first check-in sent to
them that they left unanswered. They get a ``disengaged`` escalation when, in that silence,

- ``escalation.missed_in_a_row`` check-ins in a row have expired without an answer, or
- ``escalation.no_reply_days`` days have passed since that first unanswered check-in went out (silence
  starts then, so a pause or a gap between follow-ups before it does not count; one after it does).

People paused, stopped, unreachable or finished are not flagged. Evidence attaches to the one open item
only when something new has happened (another check-in missed, the other rule now holding, a new
silence); answering a check-in to the end closes the item (``checkins.answer``).

The job does not look at everyone on every pass: only at people something happened to since the last
completed pass (a check-in of theirs expired, or the ``no_reply_days`` mark of one they were sent passed).
The last pass's time is kept in ``meta``; with no pass on record (or after the rules changed in the
config), everyone with a past check-in is looked at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.config import Settings
from bot.store.models import Answer, CheckIn, Meta, Person
from bot.usecases.escalations import open_escalation, raise_escalation
from bot.usecases.work import Work

KIND = "disengaged"
SIGNAL = "check-ins unanswered"
ELIGIBLE = ("active", "followup")
LAST_PASS = "job:disengagement"
OVERLAP = timedelta(minutes=5)
"""Each pass looks this far back before the last one, for changes whose transaction began before that pass
started but committed after it had looked (a sweep running alongside, another instance)."""


@dataclass(frozen=True)
class Silence:
    """What someone has left unanswered since their last reply."""

    missed: int
    """Check-ins that expired without an answer since the last reply."""
    since: datetime | None
    """When the first check-in they left unanswered was sent (None: nothing unanswered)."""
    last_reply: datetime | None
    latest_missed: int | None

    def rules(self, settings: Settings, now: datetime) -> list[str]:
        """The rules (config keys) that hold: ``missed_in_a_row``, ``no_reply_days``."""
        limits = settings.escalation
        held = []
        if limits.missed_in_a_row and self.missed >= limits.missed_in_a_row:
            held.append("missed_in_a_row")
        if limits.no_reply_days and self.since is not None and now - self.since >= timedelta(
                days=limits.no_reply_days):
            held.append("no_reply_days")
        return held

    def evidence(self, rules: list[str], now: datetime) -> dict[str, Any]:
        """The evidence item: which rules, how many missed, since when, the last reply."""
        assert self.since is not None
        return {"signal": SIGNAL, "rules": rules, "missed": self.missed, "since": self.since.isoformat(),
                "days_unanswered": (now - self.since).days, "checkin": self.latest_missed,
                "last_reply": None if self.last_reply is None else self.last_reply.isoformat()}


def _news(item: dict[str, Any]) -> tuple[Any, ...]:
    """What makes an evidence item new: not the days, which grow on their own."""
    return item.get("rules"), item.get("missed"), item.get("since")


async def silence(work: Work, person_id: int) -> Silence:
    """Measure the person's silence (see the module docstring)."""
    session = work.session
    mine = CheckIn.person_id == person_id
    replied = select(Answer.id).where(Answer.checkin_id == CheckIn.id).exists()
    replied_sent = await session.scalar(select(func.max(CheckIn.sent_at)).where(
        mine, CheckIn.sent_at.is_not(None), or_(CheckIn.status == "answered", replied)))
    after = [] if replied_sent is None else [CheckIn.sent_at > replied_sent]
    expired = CheckIn.status == "expired"
    missed, since, latest = (await session.execute(
        select(func.count(CheckIn.id).filter(expired), func.min(CheckIn.sent_at), func.max(CheckIn.id).filter(expired))
        .where(mine, CheckIn.sent_at.is_not(None), CheckIn.status.in_(("open", "expired")), *after)
    )).one()
    last_reply = await session.scalar(select(func.max(Answer.recorded_at)).join(
        CheckIn, CheckIn.id == Answer.checkin_id).where(mine))
    return Silence(int(missed or 0), since, last_reply, latest)


async def assess(work: Work, person_id: int) -> bool:
    """Flag the person as disengaged if a rule holds and there is news; True when evidence was added."""
    session = work.session
    person = (await session.execute(select(Person).where(Person.id == person_id).with_for_update(of=Person)
                                    .execution_options(populate_existing=True))).scalar_one_or_none()
    if person is None or person.status not in ELIGIBLE or await _answering(work, person_id):
        return False
    measured = await silence(work, person_id)
    rules = measured.rules(work.services.settings, work.now)
    if not rules:
        return False
    evidence = measured.evidence(rules, work.now)
    current = await open_escalation(session, person_id, KIND, lock=True)
    if current is not None:
        mine = [item for item in current.evidence.get("items", []) if item.get("signal") == SIGNAL]
        if mine and _news(mine[-1]) == _news(evidence):
            return False
    await raise_escalation(session, person, KIND, evidence, work.now)
    return True


async def _answering(work: Work, person_id: int) -> bool:
    """Whether another transaction holds one of the person's open check-ins (they are answering it now).

    Their answer may end the silence, and it closes the item when the check-in is done; so the person is
    left for a later pass. Taking the check-ins' locks here (skipping, never waiting) also means an answer
    that comes after this transaction waits for it, and then closes what it raised.
    """
    open_ = [CheckIn.person_id == person_id, CheckIn.status == "open"]
    ids = list((await work.session.execute(select(CheckIn.id).where(*open_))).scalars())
    if not ids:
        return False
    locked = (await work.session.execute(select(CheckIn.id).where(CheckIn.id.in_(ids), *open_)
                                         .with_for_update(skip_locked=True))).scalars().all()
    return len(locked) < len(ids)


async def next_batch(work: Work, started: datetime, after: int, limit: int) -> list[int]:
    """The next people (ids above ``after``) to assess in the pass that began at ``started``; none left means
    the pass is complete, and that is recorded in the same transaction (so a quiet pass is one transaction)."""
    people = await candidates(work, await last_pass(work), started, after, limit)
    if not people:
        await record_pass(work, started)
    return people


async def candidates(work: Work, last_pass: datetime | None, until: datetime, after: int, limit: int) -> list[int]:
    """People (ids above ``after``, at most ``limit``, in order) something happened to since ``last_pass``."""
    limits = work.services.settings.escalation
    if not (limits.missed_in_a_row or limits.no_reply_days):
        return []
    start = None if last_pass is None else last_pass - OVERLAP
    happened: list[ColumnElement[bool]] = [Person.id.in_(select(CheckIn.person_id).where(
        CheckIn.status == "expired", CheckIn.closed_at <= until,
        *([] if start is None else [CheckIn.closed_at > start])))]
    if limits.no_reply_days:
        days = timedelta(days=limits.no_reply_days)
        happened.append(Person.id.in_(select(CheckIn.person_id).where(
            CheckIn.sent_at <= until - days, *([] if start is None else [CheckIn.sent_at > start - days]))))
    query = (select(Person.id).where(Person.status.in_(ELIGIBLE), Person.id > after, or_(*happened))
             .order_by(Person.id).limit(limit))
    return list((await work.session.execute(query)).scalars())


def _rules_key(settings: Settings) -> str:
    return f"{settings.escalation.missed_in_a_row}/{settings.escalation.no_reply_days}"


async def last_pass(work: Work) -> datetime | None:
    """When the last complete pass started; None if never, or if the rules have changed since."""
    row = await work.session.get(Meta, LAST_PASS)
    if row is None:
        return None
    at, _, rules = row.value.partition(" ")
    return datetime.fromisoformat(at) if rules == _rules_key(work.services.settings) else None


async def record_pass(work: Work, started: datetime) -> None:
    """Note that a pass that started at ``started`` has looked at everyone it had to."""
    value = f"{started.isoformat()} {_rules_key(work.services.settings)}"
    dialect = work.session.bind.dialect.name if work.session.bind is not None else ""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await work.session.execute(insert(Meta).values(key=LAST_PASS, value=value)
                               .on_conflict_do_update(index_elements=["key"], set_={"value": value}))
