"""Escalation rules that need the person's history: ``times_running`` and ``rise_from_baseline``, checked at
load with a path-carrying problem, and carried by the engine's Escalate for the use case to decide."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.flows import Choose, Escalate, Flow, Trend, build_answer_sets, build_flow, handle, start

ANSWERS = {
    "mood5": {"options": [{"label": f"a.m{i}", "value": i} for i in range(1, 6)]},
    "ucla3": {"options": [{"label": f"a.u{i}", "value": i} for i in range(1, 4)]},
}
KEYS = {"f.name", "f.q", "f.thanks", "answers.nudge.buttons", "answers.nudge.typed",
        *(o["label"] for s in ANSWERS.values() for o in s["options"])}
STEPS = [
    {"id": "mood", "text": "f.q", "options": "mood5", "result": "mood", "next": "u1"},
    {"id": "u1", "text": "f.q", "options": "ucla3", "result": "u1", "next": "u2"},
    {"id": "u2", "text": "f.q", "options": "ucla3", "result": "u2", "next": "u3"},
    {"id": "u3", "text": "f.q", "options": "ucla3", "result": "u3", "next": "thanks"},
    {"id": "thanks", "say": "f.thanks"},
]
SCORES = [{"name": "ucla3", "instrument": "ucla3", "items": ["u1", "u2", "u3"]}]


def build(*rules: dict[str, Any]) -> tuple[Flow | None, list[str]]:
    sets, problems = build_answer_sets(ANSWERS, "answers", KEYS)
    assert problems == []
    data = {"id": "f", "name": "f.name", "start": "mood", "steps": STEPS, "scores": SCORES,
            "escalations": list(rules)}
    return build_flow(data, "flows/f.toml", KEYS, sets)


def problems(*rules: dict[str, Any]) -> list[str]:
    flow, found = build(*rules)
    assert flow is None
    return found


RUNNING = {"kind": "low_score", "result": "mood", "at_most": 1, "times_running": 2}
RISE = {"kind": "low_score", "score": "ucla3", "rise_from_baseline": 2}


def test_good_trend_rules_load_and_explain_themselves() -> None:
    flow, found = build(RUNNING, RISE)
    assert found == [] and flow is not None
    running, rise = flow.escalations
    assert running.trend == Trend(times_running=2)
    assert running.explain() == "flows/f.toml escalations[0]: low_score when result 'mood' is at most 1, " \
                                "2 answers running"
    assert rise.trend == Trend(rise_from_baseline=2)
    assert rise.explain() == "flows/f.toml escalations[1]: low_score when score 'ucla3' is 2 or more above " \
                             "the person's baseline"


def test_a_rise_can_be_combined_with_a_threshold() -> None:
    flow, _ = build({**RISE, "at_least": 6})
    assert flow is not None
    assert flow.escalations[0].explain().endswith(
        "score 'ucla3' is at least 6 and is 2 or more above the person's baseline")


@pytest.mark.parametrize("bad", [1, 0, 11, "2", 2.0, True])
def test_times_running_must_be_a_whole_number_from_2_to_10(bad: object) -> None:
    assert problems({**RUNNING, "times_running": bad}) == [
        f"flows/f.toml: escalations[0].times_running: expected a whole number from 2 to 10, got {bad!r}",
    ]


@pytest.mark.parametrize("bad", [0, -1, "2", True])
def test_rise_from_baseline_must_be_a_positive_whole_number(bad: object) -> None:
    assert problems({**RISE, "rise_from_baseline": bad}) == [
        f"flows/f.toml: escalations[0].rise_from_baseline: expected a whole number 1 or more, got {bad!r}",
    ]


def test_rise_from_baseline_on_a_result_rule_is_refused() -> None:
    assert problems({"kind": "low_score", "result": "mood", "rise_from_baseline": 2}) == [
        "flows/f.toml: escalations[0].rise_from_baseline: only a rule on a score can use rise_from_baseline",
    ]


def test_times_running_on_a_score_rule_is_refused() -> None:
    assert problems({"kind": "low_score", "score": "ucla3", "at_least": 8, "times_running": 2}) == [
        "flows/f.toml: escalations[0].times_running: only a rule on a result can use times_running",
    ]


def test_a_rise_larger_than_the_scale_is_refused() -> None:
    assert problems({**RISE, "rise_from_baseline": 7}) == [
        "flows/f.toml: escalations[0].rise_from_baseline: a rise of 7 is more than the scale of score "
        "'ucla3' allows (3 to 9)",
    ]


def test_both_trends_on_one_rule_are_refused() -> None:
    assert problems({**RUNNING, "rise_from_baseline": 2}) == [
        "flows/f.toml: escalations[0].rise_from_baseline: only a rule on a score can use rise_from_baseline",
    ]


def test_the_engine_carries_the_trend_and_the_condition_to_the_use_case() -> None:
    flow, _ = build(RUNNING, RISE)
    assert flow is not None
    state, _ = start(flow, {})
    effects = []
    for step, value in (("mood", 1), ("u1", 3), ("u2", 2), ("u3", 2)):
        state, more = handle(flow, state, Choose(step, value), {})
        effects += more
    escalations = [e for e in effects if isinstance(e, Escalate)]
    assert [(e.trend, e.when) for e in escalations] == [
        (Trend(times_running=2), flow.escalations[0].when),
        (Trend(rise_from_baseline=2), flow.escalations[1].when),
    ]
    assert escalations[1].evidence["total"] == 7
