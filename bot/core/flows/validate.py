"""Turning parsed TOML into validated flows, collecting every problem on the way.

Pure: it takes already-parsed dicts, a label naming the file (``flows/weekly.toml``), the set of known
message keys (the English ones), the named answer sets and the check registry. Each problem reads
``<label>: <path>: <what is wrong>``, for example ``flows/weekly.toml: steps[2].next: unknown step 'mood2'``.
Indexes in paths count from 0, as the TOML array of tables is written.

The work is split by concept: :mod:`~bot.core.flows.fields` (raw keys and types),
:mod:`~bot.core.flows.answer_sets`, :mod:`~bot.core.flows.steps`, :mod:`~bot.core.flows.conditions`,
:mod:`~bot.core.flows.graph` and :mod:`~bot.core.flows.scores`; this module puts a whole flow together.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from bot.core.flows.answer_sets import OPTION_KEYS, AnswerSets, build_answer_sets
from bot.core.flows.checks import CHECK_SCALES, CHECKS, Check
from bot.core.flows.conditions import SUBJECTS, TESTS, Scale, add_to_scale, check_conditions
from bot.core.flows.fields import FlowError, Report, message_key, read_name, read_string, table_list, unknown_keys
from bot.core.flows.graph import check_graph
from bot.core.flows.instruments import INSTRUMENTS, Instrument
from bot.core.flows.model import Condition, Flow, Step
from bot.core.flows.scores import ESCALATION_KEYS, SCORE_KEYS, build_escalations, build_scores
from bot.core.flows.steps import BRANCH_KEYS, DEFAULT_NUDGE_BUTTONS, DEFAULT_NUDGE_TYPED, STEP_KEYS, build_step

__all__ = [
    "BRANCH_KEYS", "DEFAULT_NUDGE_BUTTONS", "DEFAULT_NUDGE_TYPED", "ESCALATION_KEYS", "FLOW_KEYS", "OPTION_KEYS",
    "SCORE_KEYS", "STEP_KEYS", "SUBJECTS", "TESTS", "AnswerSets", "FlowError", "build_answer_sets", "build_flow",
]

FLOW_KEYS = ("id", "name", "description", "start", "steps", "scores", "escalations")


def build_flow(
    data: Mapping[str, Any],
    label: str,
    message_keys: Collection[str],
    answer_sets: AnswerSets,
    checks: Mapping[str, Check] = CHECKS,
    *,
    expected_id: str | None = None,
    instruments: Mapping[str, Instrument] = INSTRUMENTS,
    check_scales: Mapping[str, tuple[int, int]] = CHECK_SCALES,
) -> tuple[Flow | None, list[str]]:
    """Validate one parsed flow file. Returns the flow (None if anything is wrong) and every problem."""
    report = Report(label)
    unknown_keys(report, "", data, FLOW_KEYS)
    flow_id = read_name(report, "", data, "id", required=True)
    if flow_id is not None and expected_id is not None and flow_id != expected_id:
        report.add("id", f"{flow_id!r} does not match the file name {expected_id!r}")
    name = read_string(report, "", data, "name", required=True)
    message_key(report, "name", name, message_keys)
    read_string(report, "", data, "description", required=False)
    start = read_name(report, "", data, "start", required=True)

    if "steps" not in data:
        report.add("steps", "required")
        raw_steps: list[Mapping[str, Any]] = []
    else:
        raw_steps = table_list(report, "steps", data["steps"])
        if not raw_steps and isinstance(data["steps"], list):
            report.add("steps", "a flow needs at least one step")

    steps: dict[str, Step] = {}
    index_of: dict[str, int] = {}
    scales: dict[str, Scale] = {}
    # (path, condition) for conditions checked once every result is known
    conditions: list[tuple[str, Condition]] = []
    for index, raw in enumerate(raw_steps):
        step = build_step(report, f"steps[{index}]", raw, message_keys, answer_sets, checks, conditions)
        if step is None:
            continue
        if step.id in steps:
            report.add(f"steps[{index}].id",
                       f"duplicate step id {step.id!r} (also steps[{index_of[step.id]}])")
            continue
        steps[step.id] = step
        index_of[step.id] = index
        add_to_scale(scales, step, check_scales)

    if start is not None and raw_steps and start not in steps:
        report.add("start", f"unknown step {start!r}")
    check_graph(report, start, steps, index_of)
    scores = build_scores(report, data.get("scores", []), scales, instruments)
    escalations = build_escalations(report, data.get("escalations", []), scores, instruments, conditions)
    check_conditions(report, conditions, scales)

    if report.problems or flow_id is None or name is None or start is None:
        return None, report.problems
    return Flow(id=flow_id, name=name, start=start, steps=steps, scores=tuple(scores),
                escalations=tuple(escalations), source=label), []
