"""A flow's scores (instrument totals over results) and its escalation rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.flows.conditions import TESTS, Scale, check_against_scale, condition_fields
from bot.core.flows.fields import Report, is_int, read_name, read_string, table_list, unknown_keys
from bot.core.flows.instruments import Instrument
from bot.core.flows.model import ESCALATION_KINDS, Condition, EscalationRule, Score, Trend

SCORE_KEYS = ("name", "instrument", "items")
ESCALATION_KEYS = ("kind", "result", "score", *TESTS, "times_running", "rise_from_baseline")
MAX_RUNNING = 10
"""``times_running`` is at least 2 (1 is the plain rule) and at most this."""


def build_scores(
    report: Report, raw: object, scales: Mapping[str, Scale], instruments: Mapping[str, Instrument]
) -> list[Score]:
    """The ``[[scores]]`` tables; names must be unique."""
    scores: list[Score] = []
    for index, table in enumerate(table_list(report, "scores", raw)):
        where = f"scores[{index}]"
        score = _score(report, where, table, scales, instruments)
        if score is None:
            continue
        if any(s.name == score.name for s in scores):
            report.add(f"{where}.name", f"duplicate score name {score.name!r}")
            continue
        scores.append(score)
    return scores


def build_escalations(
    report: Report,
    raw: object,
    scores: list[Score],
    instruments: Mapping[str, Instrument],
    conditions: list[tuple[str, Condition]],
) -> list[EscalationRule]:
    """The ``[[escalations]]`` tables; conditions on results are appended to ``conditions`` to check later."""
    score_ranges = {s.name: instruments[s.instrument].total_range for s in scores}
    escalations: list[EscalationRule] = []
    for index, table in enumerate(table_list(report, "escalations", raw)):
        where = f"escalations[{index}]"
        unknown_keys(report, where, table, ESCALATION_KEYS)
        kind = read_string(report, where, table, "kind", required=True)
        if kind is not None and kind not in ESCALATION_KINDS:
            report.add(f"{where}.kind", f"unknown escalation kind {kind!r} "
                                        f"(expected one of: {', '.join(sorted(ESCALATION_KINDS))})")
            kind = None
        condition = condition_fields(report, where, table, ("result", "score"))
        trend = _trend(report, where, table, condition)
        if condition is None:
            continue
        if condition.subject == "score":
            known = {s.name: s for s in scores}
            if condition.name not in known:
                report.add(f"{where}.score", f"unknown score {condition.name!r}")
                continue
            total = score_ranges[condition.name]
            if total is None:
                instrument = known[condition.name].instrument
                report.add(f"{where}.score",
                           f"score {condition.name!r} has no total ({instrument} is never summed)")
                continue
            check_against_scale(report, where, condition, None, total, f"score {condition.name!r}")
            if trend is not None and trend.rise_from_baseline is not None and \
                    trend.rise_from_baseline > total[1] - total[0]:
                report.add(f"{where}.rise_from_baseline",
                           f"a rise of {trend.rise_from_baseline} is more than the scale of score "
                           f"{condition.name!r} allows ({total[0]} to {total[1]})")
                continue
        else:
            conditions.append((where, condition))
        if kind is not None:
            escalations.append(EscalationRule(kind=kind, when=condition, label=f"{report.label} {where}",
                                              trend=trend))
    return escalations


def _trend(report: Report, where: str, table: Mapping[str, Any], condition: Condition | None) -> Trend | None:
    """The optional history keys: ``times_running`` on a result rule, ``rise_from_baseline`` on a score rule."""
    found: dict[str, int] = {}
    for key, subject, low in (("times_running", "result", 2), ("rise_from_baseline", "score", 1)):
        if key not in table:
            continue
        value = table[key]
        high = MAX_RUNNING if key == "times_running" else None
        if not is_int(value) or value < low or (high is not None and value > high):
            limits = f"from {low} to {high}" if high is not None else f"{low} or more"
            report.add(f"{where}.{key}", f"expected a whole number {limits}, got {value!r}")
        elif condition is not None and condition.subject != subject:
            report.add(f"{where}.{key}", f"only a rule on a {subject} can use {key}")
        else:
            found[key] = value
    return Trend(**found) if found else None  # a rule is on a result or a score, so at most one is found


def _score(
    report: Report,
    where: str,
    raw: Mapping[str, Any],
    scales: Mapping[str, Scale],
    instruments: Mapping[str, Instrument],
) -> Score | None:
    before = len(report.problems)
    unknown_keys(report, where, raw, SCORE_KEYS)
    name = read_name(report, where, raw, "name", required=True)
    instrument_name = read_string(report, where, raw, "instrument", required=True)
    instrument = None
    if instrument_name is not None:
        instrument = instruments.get(instrument_name)
        if instrument is None:
            report.add(f"{where}.instrument",
                       f"unknown instrument {instrument_name!r} (known: {', '.join(sorted(instruments))})")
    items = raw.get("items")
    if items is None:
        report.add(f"{where}.items", "required")
        return None
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        report.add(f"{where}.items", f"expected a list of result names, got {items!r}")
        return None
    if instrument is not None and len(items) != instrument.items:
        report.add(f"{where}.items", f"{instrument.name} has {instrument.items} items, got {len(items)}")
    for index, item in enumerate(items):
        path = f"{where}.items[{index}]"
        if items.index(item) != index:
            report.add(path, f"result {item!r} is listed twice")
        scale = scales.get(item)
        if scale is None:
            report.add(path, f"{item!r} is not a result of this flow")
            continue
        if scale.typed or scale.strings:
            report.add(path, f"result {item!r} can hold text, so it cannot be scored")
        elif instrument is not None and not all(
            instrument.item_min <= n <= instrument.item_max for n in scale.numbers
        ):
            report.add(path, f"result {item!r} ({scale.describe()}) is outside the {instrument.name} "
                             f"item scale ({instrument.item_min} to {instrument.item_max})")
    if len(report.problems) > before or name is None or instrument is None:
        return None
    return Score(name=name, instrument=instrument.name, items=tuple(items))
