"""Escalation rules that need the person's history (design §5, "low score"): the earlier answers and the
baseline score are read here; whether they make a trend is decided by the pure :mod:`bot.core.trends`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core import trends
from bot.core.flows.effects import Escalate
from bot.store.models import Answer, CheckIn, Person, Score
from bot.usecases.work import Work


async def trend_evidence(work: Work, person: Person, checkin: CheckIn, effect: Escalate) -> dict[str, Any] | None:
    """The evidence of the trend ``effect`` needs, or None when the person's history does not show it (then
    nothing is raised). An effect without a trend needs none: its evidence is empty."""
    trend = effect.trend
    if trend is None:
        return {}
    now = trends.Reading(effect.evidence.get("value", effect.evidence.get("total")), work.now, checkin.id)
    if trend.times_running is not None and effect.when is not None:
        result = str(effect.evidence["result"])
        earlier = await _earlier_answers(work, person, checkin, result, trend.times_running - 1)
        readings = trends.running(effect.when, trend.times_running, now, earlier)
        return None if readings is None else trends.running_evidence(result, trend.times_running, readings)
    if trend.rise_from_baseline is not None:
        instrument = str(effect.evidence["instrument"])
        baseline = await _baseline(work, person, checkin, instrument)
        rise = trends.risen(baseline, now, trend.rise_from_baseline)
        if baseline is None or rise is None:
            return None
        return trends.rise_evidence(str(effect.evidence["score"]), instrument, baseline, now, rise)
    return None


async def _earlier_answers(work: Work, person: Person, checkin: CheckIn, result: str,
                           limit: int) -> list[trends.Reading]:
    """The person's answered values of ``result`` in their other check-ins, newest first."""
    rows = (await work.session.execute(
        select(Answer.value, Answer.recorded_at, Answer.checkin_id)
        .join(CheckIn, CheckIn.id == Answer.checkin_id)
        .where(CheckIn.person_id == person.id, CheckIn.id != checkin.id, Answer.result == result,
               Answer.value.is_not(None))
        .order_by(Answer.recorded_at.desc(), Answer.id.desc()).limit(limit))).all()
    return [trends.Reading(trends.stored_value(value), at, checkin_id) for value, at, checkin_id in rows]


async def _baseline(work: Work, person: Person, checkin: CheckIn, instrument: str) -> trends.Reading | None:
    """The person's first complete score of ``instrument`` (from another check-in): their baseline."""
    row = (await work.session.execute(
        select(Score.total, Score.recorded_at, Score.checkin_id)
        .where(Score.person_id == person.id, Score.instrument == instrument, Score.total.is_not(None),
               Score.checkin_id != checkin.id)
        .order_by(Score.recorded_at, Score.id).limit(1))).first()
    return None if row is None else trends.Reading(row.total, row.recorded_at, row.checkin_id)
