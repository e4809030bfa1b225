"""Building one step of a flow: its text, answers, check, result, nudge, branches and ``only_if``."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from bot.core.flows.answer_sets import AnswerSets, build_options
from bot.core.flows.checks import Check
from bot.core.flows.conditions import build_condition
from bot.core.flows.fields import (
    Report,
    message_key,
    read_bool,
    read_name,
    read_string,
    table_list,
    unknown_keys,
)
from bot.core.flows.model import Branch, Condition, Option, Step

DEFAULT_NUDGE_BUTTONS = "answers.nudge.buttons"
"""Shown when someone types where only buttons (or a check that did not understand) are accepted."""
DEFAULT_NUDGE_TYPED = "answers.nudge.typed"
"""Shown when a typed-only question's check did not understand the answer."""

STEP_KEYS = (
    "id", "text", "say", "options", "free_text", "check", "result", "validated", "next", "branches",
    "only_if", "nudge",
)
BRANCH_KEYS = ("when", "next")


def build_step(
    report: Report,
    where: str,
    raw: Mapping[str, Any],
    message_keys: Collection[str],
    answer_sets: AnswerSets,
    checks: Mapping[str, Check],
    conditions: list[tuple[str, Condition]],
) -> Step | None:
    """One step table; its conditions are appended to ``conditions`` to check once every result is known."""
    unknown_keys(report, where, raw, STEP_KEYS)
    step_id = read_name(report, where, raw, "id", required=True)
    has_text, has_say = "text" in raw, "say" in raw
    if has_text == has_say:
        report.add(where, "needs exactly one of text (a question) or say (a message that flows on)")
    key = read_string(report, where, raw, "say" if has_say else "text", required=not has_say)
    message_key(report, f"{where}.{'say' if has_say else 'text'}", key, message_keys)
    say = has_say and not has_text

    options: tuple[Option, ...] = ()
    if "options" in raw:
        if isinstance(raw["options"], str):
            if raw["options"] not in answer_sets:
                report.add(f"{where}.options", f"unknown answer set {raw['options']!r}")
            else:
                options = answer_sets[raw["options"]]
        else:
            options = build_options(report, f"{where}.options", raw["options"], message_keys)
    free_text = read_bool(report, where, raw, "free_text")
    validated = read_bool(report, where, raw, "validated")
    check = read_string(report, where, raw, "check", required=False)
    if check is not None and check not in checks:
        report.add(f"{where}.check", f"unknown check {check!r} (known: {', '.join(sorted(checks))})")
    result = read_name(report, where, raw, "result", required=False)
    nudge = read_string(report, where, raw, "nudge", required=False)
    message_key(report, f"{where}.nudge", nudge, message_keys)

    if say:
        for extra in ("options", "free_text", "check", "result", "validated", "nudge"):
            if extra in raw:
                report.add(f"{where}.{extra}", "a message step (say) takes no answer")
    else:
        if "options" not in raw and not free_text and check is None:
            report.add(where, "a question needs options, free_text = true or a check")
        if result is None and "result" not in raw:
            report.add(f"{where}.result", "required (the name the answer is stored under)")
        if nudge is None and not free_text:
            nudge = DEFAULT_NUDGE_BUTTONS if "options" in raw else DEFAULT_NUDGE_TYPED
            message_key(report, f"{where}.nudge", nudge, message_keys)
        if free_text and "nudge" in raw:
            report.add(f"{where}.nudge", "a step that takes free text never nudges")

    next_step = read_name(report, where, raw, "next", required=False)
    branches: list[Branch] = []
    for index, branch in enumerate(table_list(report, f"{where}.branches", raw.get("branches", []))):
        path = f"{where}.branches[{index}]"
        unknown_keys(report, path, branch, BRANCH_KEYS)
        target = read_name(report, path, branch, "next", required=True)
        if "when" not in branch:
            report.add(f"{path}.when", "required")
            continue
        condition = build_condition(report, f"{path}.when", branch["when"], ("result", "context"),
                                    shorthand=False)
        if condition is not None:
            conditions.append((f"{path}.when", condition))
            if target is not None:
                branches.append(Branch(when=condition, next=target))
    only_if = None
    if "only_if" in raw:
        only_if = build_condition(report, f"{where}.only_if", raw["only_if"], ("result", "context"),
                                  shorthand=True)
        if only_if is not None:
            conditions.append((f"{where}.only_if", only_if))

    if step_id is None:
        return None
    # Returned even when something is wrong, so that other steps can still name it (the flow is rejected).
    return Step(id=step_id, text=key or "", say=say, options=options, free_text=free_text, check=check,
                result=result, validated=validated, next=next_step, branches=tuple(branches),
                only_if=only_if, nudge=nudge)
