"""A digest's items: the open escalations of the people a worker covers, and each one rendered with its
evidence (what they wrote or missed and why it was flagged, the answers, scores against their baseline, when
they last replied or wrote), since when, and a suggested next step. Used by ``bot.usecases.digests``.

Everything is rendered through the messages (HTML, autoescaped), so nothing a person typed is interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from bot.core import digest as rules
from bot.core.screening.excerpt import excerpt
from bot.store.models import Answer, CheckIn, Escalation, Person, Score, Worker
from bot.usecases.reasons import reasons_text
from bot.usecases.wording import local_date, local_when
from bot.usecases.work import Work
from bot.usecases.worker_lookup import short_when

EN = "en"
TYPED_LIMIT = 600
"""Typed words longer than this are shortened in a digest, keeping every flagged sentence (the whole text is
in the record); Telegram allows 4,096."""


@dataclass(frozen=True)
class Item:
    """One open escalation of a covered person, with who it is covered for (None: the recipient's own)."""

    escalation: Escalation
    person: Person
    covering: Worker | None

    @property
    def entry(self) -> rules.Entry:
        """The item as the pure digest rules see it."""
        row = self.escalation
        return rules.Entry(row.id, row.kind, row.opened_at, _changed(row), row.digested_at, row.snoozed_until,
                           acknowledged=row.acknowledged_at is not None)


def _changed(row: Escalation) -> datetime | None:
    """When evidence last arrived: the row's ``updated_at`` or its newest evidence item, whichever is later."""
    times = [row.updated_at] if row.updated_at is not None else []
    for entry in (row.evidence or {}).get("items", []):
        try:
            times.append(datetime.fromisoformat(str(entry.get("at"))))
        except (TypeError, ValueError):
            continue
    return max(times) if times else None


async def open_items(work: Work, workers: dict[int, Worker | None]) -> list[Item]:
    """Every open escalation of the people assigned to ``workers`` (id → the worker they are covered for, or
    None for the recipient's own people)."""
    rows = (await work.session.execute(
        select(Escalation, Person).join(Person, Person.id == Escalation.person_id)
        .where(Escalation.status == "open", Person.worker_id.in_(tuple(workers)))
        .execution_options(populate_existing=True)
    )).all()
    return [Item(escalation, person, workers[person.worker_id]) for escalation, person in rows]


def _when(work: Work, moment: datetime) -> str:
    return local_date(work, EN, moment, work.services.settings.service.timezone)


def typed(work: Work, text: str, limit: int = TYPED_LIMIT) -> str:
    """A person's words within ``limit`` characters for a worker: the start, every sentence the screener flags,
    and the end (``bot.core.screening.excerpt``); whole when short enough."""
    return excerpt(work.services.screener, text, limit)


def _times(count: int) -> int | str:
    """How many times an item was raised, shown only when more than once."""
    return count if count > 1 else ""


def _key(work: Work, group: str, kind: str) -> str:
    key = f"digest.{group}.{kind}"
    return key if work.services.messages.has(key) else f"digest.{group}.other"


def kind_label(work: Work, kind: str) -> str:
    """What happened, in plain words."""
    return work.text(EN, _key(work, "kind", kind))


async def _answers(work: Work, checkin_id: Any) -> str | None:
    if not isinstance(checkin_id, int):
        return None
    rows = (await work.session.execute(select(Answer).where(Answer.checkin_id == checkin_id)
                                       .order_by(Answer.recorded_at, Answer.id))).scalars().all()
    shown = [{"name": a.result, "value": typed(work, a.text or a.value or "")} for a in rows if a.text or a.value]
    return work.text(EN, "digest.answers", answers=shown) if shown else None


WORDS_SHOWN = 5
"""At most this many of a person's messages are quoted in one item (the newest), so nothing they wrote since
the last digest is left out unless there are more, and then the count says so."""


def _words(work: Work, item: Item, entries: list[dict[str, Any]]) -> list[str]:
    """What the person wrote: every message since the item was last in a digest (the newest if none is new)."""
    said = [e for e in entries if isinstance(e.get("text") or e.get("message"), str) and (e.get("text") or
                                                                                          e.get("message"))]
    seen = item.escalation.digested_at
    new = [e for e in said if seen is None or str(e.get("at", "")) > seen.isoformat()] or said[-1:]
    shown = new[-WORDS_SHOWN:]
    if not shown:
        return []
    limit = TYPED_LIMIT if len(shown) == 1 else max(200, 2 * TYPED_LIMIT // len(shown))
    lines = []
    if len(new) > len(shown):
        lines.append(work.text(EN, "digest.evidence.earlier", count=len(new) - len(shown)))
    for entry in shown:
        words = str(entry.get("text") or entry.get("message"))
        lines.append(work.text(EN, "digest.evidence.message", text=typed(work, words, limit),
                               when=_when_said(work, entry.get("at")) if len(shown) > 1 else None))
    return lines


def _when_said(work: Work, at: Any) -> str | None:
    try:
        return short_when(work.services, datetime.fromisoformat(str(at))) if at else None
    except ValueError:
        return None


async def _evidence(work: Work, item: Item) -> list[str]:
    """Lines from the newest piece of evidence (and the answers of the check-in it came from)."""
    entries = (item.escalation.evidence or {}).get("items", [])
    latest: dict[str, Any] = entries[-1] if entries and isinstance(entries[-1], dict) else {}
    lines = _words(work, item, [e for e in entries if isinstance(e, dict)])
    reasons = latest.get("reasons")
    if isinstance(reasons, list) and reasons:
        lines.append(work.text(EN, "digest.evidence.reasons", reasons=Markup(reasons_text(work, reasons))))
    if "missed" in latest:
        lines.append(work.text(EN, "digest.evidence.missed", missed=latest.get("missed"),
                               days=latest.get("days_unanswered", 0)))
    if latest.get("signal") == "missed appointment":
        lines.append(work.text(EN, "digest.evidence.appointment"))
    if isinstance(latest.get("reason"), str):
        lines.append(work.text(EN, "digest.evidence.reason", reason=latest["reason"]))
    if isinstance(latest.get("rule"), str):
        lines.append(work.text(EN, "digest.evidence.rule", rule=latest["rule"]))
    if item.escalation.kind == "unreachable" and latest.get("chat"):
        lines.append(work.text(EN, "digest.evidence.unreachable", how=str(latest["chat"])))
    if item.escalation.kind == "stopped":
        lines.append(work.text(EN, "digest.evidence.stopped"))
    answers = await _answers(work, latest.get("checkin"))
    if answers:
        lines.append(answers)
    return lines


async def _scores(work: Work, person_id: int) -> list[str]:
    """Each instrument's latest total against the first (their baseline)."""
    rows = (await work.session.execute(select(Score).where(Score.person_id == person_id, Score.total.is_not(None))
                                       .order_by(Score.recorded_at, Score.id))).scalars().all()
    first: dict[str, Score] = {}
    last: dict[str, Score] = {}
    for score in rows:
        first.setdefault(score.instrument, score)
        last[score.instrument] = score
    lines = []
    for instrument, latest in last.items():
        baseline = first[instrument]
        change = None if baseline.id == latest.id else rules.trend(baseline.total, latest.total)
        trend = "first" if change is None else "up" if change > 0 else "down" if change < 0 else "same"
        lines.append(work.text(EN, "digest.score", name=latest.name, total=latest.total, baseline=baseline.total,
                               change=abs(change or 0), trend=trend))
    return lines


async def _last_reply(work: Work, person: Person) -> str:
    """Their latest answer, quoted; or, when they wrote (or captioned, or edited) anything later, just when:
    free text is not kept except as an item's evidence."""
    answer = (await work.session.execute(
        select(Answer).join(CheckIn, CheckIn.id == Answer.checkin_id).where(CheckIn.person_id == person.id)
        .order_by(Answer.recorded_at.desc(), Answer.id.desc()).limit(1))).scalar_one_or_none()
    wrote = person.last_message_at
    if wrote is not None and (answer is None or wrote > answer.recorded_at):
        zone = work.services.settings.service.timezone
        return work.text(EN, "digest.last_wrote", when=Markup(local_when(work, EN, wrote, zone)))
    if answer is None:
        return work.text(EN, "digest.no_reply")
    said = answer.text or f"{answer.result}: {answer.value or ''}"
    return work.text(EN, "digest.last_reply", when=Markup(_when(work, answer.recorded_at)), text=typed(work, said))


async def render(work: Work, item: Item, label: rules.Label | None) -> str:
    """One item as a Telegram (HTML) message (rendered pieces go in as ``Markup``: escaped once, not twice);
    ``label`` says why it is worth a look today (new evidence, a reminder, still unacknowledged)."""
    row, person = item.escalation, item.person
    covering = work.text(EN, "digest.covering", name=item.covering.name) if item.covering is not None else ""
    return work.text(
        EN, "digest.item", kind=Markup(kind_label(work, row.kind)),
        label=Markup(work.text(EN, f"digest.label.{label}")) if label else "", name=person.display_name, id=person.id,
        covering=Markup(covering), since=Markup(_when(work, row.opened_at)),
        raised=_times(len((row.evidence or {}).get("items", []))),
        evidence=[Markup(line) for line in await _evidence(work, item)],
        scores=[Markup(line) for line in await _scores(work, person.id)],
        last_reply=Markup(await _last_reply(work, person)),
        step=Markup(work.text(EN, _key(work, "step", row.kind))))


def summary(work: Work, rest: list[Item]) -> str:
    """The items beyond those shown in full: a count per kind."""
    kinds = [{"label": Markup(kind_label(work, kind)), "count": count}
             for kind, count in rules.count_by_kind(i.entry for i in rest)]
    return work.text(EN, "digest.more", count=len(rest), kinds=kinds)
