"""Turning parsed TOML into validated flows, collecting every problem on the way.

Pure: it takes already-parsed dicts, a label naming the file (``flows/weekly.toml``), the set of known
message keys (the English ones), the named answer sets and the check registry. Each problem reads
``<label>: <path>: <what is wrong>``, for example ``flows/weekly.toml: steps[2].next: unknown step 'mood2'``.
Indexes in paths count from 0, as the TOML array of tables is written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.flows.checks import CHECK_SCALES, CHECKS, Check
from bot.core.flows.instruments import INSTRUMENTS, Instrument
from bot.core.flows.model import (
    ESCALATION_KINDS,
    Branch,
    Condition,
    EscalationRule,
    Flow,
    Option,
    Score,
    Step,
    Subject,
    Value,
)

AnswerSets = Mapping[str, tuple[Option, ...]]

DEFAULT_NUDGE_BUTTONS = "answers.nudge.buttons"
"""Shown when someone types where only buttons (or a check that did not understand) are accepted."""
DEFAULT_NUDGE_TYPED = "answers.nudge.typed"
"""Shown when a typed-only question's check did not understand the answer."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

FLOW_KEYS = ("id", "name", "description", "start", "steps", "scores", "escalations")
STEP_KEYS = (
    "id", "text", "say", "options", "free_text", "check", "result", "validated", "next", "branches",
    "only_if", "nudge",
)
OPTION_KEYS = ("label", "value")
BRANCH_KEYS = ("when", "next")
SCORE_KEYS = ("name", "instrument", "items")
TESTS = ("equals", "one_of", "at_least", "at_most")
SUBJECTS: tuple[Subject, ...] = ("result", "score", "context")
ESCALATION_KEYS = ("kind", "result", "score", *TESTS)


class FlowError(Exception):
    """Flows that cannot be used. ``problems`` lists every problem found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Report:
    label: str
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{self.label}: {path}: {message}" if path else f"{self.label}: {message}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_value(value: object) -> bool:
    return _is_int(value) or isinstance(value, str)


def _unknown_keys(report: _Report, path: str, table: Mapping[str, Any], allowed: Collection[str]) -> None:
    for key in table:
        if key not in allowed:
            where = f"{path}.{key}" if path else key
            report.add(where, f"unknown key (expected one of: {', '.join(allowed)})")


def _string(report: _Report, path: str, table: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    where = f"{path}.{key}" if path else key
    if key not in table:
        if required:
            report.add(where, "required")
        return None
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        report.add(where, f"expected a non-empty string, got {value!r}")
        return None
    return value


def _name(report: _Report, path: str, table: Mapping[str, Any], key: str, *, required: bool) -> str | None:
    value = _string(report, path, table, key, required=required)
    if value is not None and not _NAME.match(value):
        report.add(f"{path}.{key}" if path else key,
                   f"{value!r} is not a valid name (lower-case letters, digits and _, "
                   "starting with a letter)")
        return None
    return value


def _bool(report: _Report, path: str, table: Mapping[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        report.add(f"{path}.{key}", f"expected true or false, got {value!r}")
        return False
    return value


def _message_key(report: _Report, path: str, key: str | None, message_keys: Collection[str]) -> None:
    if key is not None and key not in message_keys:
        report.add(path, f"unknown message key {key!r}")


def _table_list(report: _Report, path: str, value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        report.add(path, "expected an array of tables ([[" + path + "]])")
        return []
    return value


# ---------------------------------------------------------------------------------------------- answer sets


def build_answer_sets(
    data: Mapping[str, Any], label: str, message_keys: Collection[str]
) -> tuple[dict[str, tuple[Option, ...]], list[str]]:
    """Named answer sets from ``flows/answers.toml``:
    ``[name] options = [{ label = "key", value = 1 }, …]``."""
    report = _Report(label)
    sets: dict[str, tuple[Option, ...]] = {}
    for name, table in data.items():
        if not _NAME.match(name):
            report.add(name, f"{name!r} is not a valid name (lower-case letters, digits and _)")
            continue
        if not isinstance(table, dict):
            report.add(name, "expected a table: [" + name + "] options = [...]")
            continue
        _unknown_keys(report, name, table, ("options",))
        if "options" not in table:
            report.add(f"{name}.options", "required")
            continue
        options = _options(report, f"{name}.options", table["options"], message_keys)
        if options:
            sets[name] = options
    return sets, report.problems


def _options(
    report: _Report, path: str, raw: object, message_keys: Collection[str]
) -> tuple[Option, ...]:
    tables = _table_list(report, path, raw)
    if not tables and isinstance(raw, list):
        report.add(path, "needs at least one option")
    options: list[Option] = []
    seen: dict[Value, int] = {}
    for index, table in enumerate(tables):
        where = f"{path}[{index}]"
        _unknown_keys(report, where, table, OPTION_KEYS)
        label = _string(report, where, table, "label", required=True)
        _message_key(report, f"{where}.label", label, message_keys)
        if "value" not in table:
            report.add(f"{where}.value", "required")
            continue
        value = table["value"]
        if not _is_value(value):
            report.add(f"{where}.value", f"expected a whole number or a string, got {value!r}")
            continue
        if value in seen and _is_int(value) == _is_int(options[seen[value]].value):
            report.add(f"{where}.value", f"duplicate value {value!r} (also {path}[{seen[value]}])")
            continue
        seen[value] = len(options)
        if label is not None:
            options.append(Option(label=label, value=value))
    return tuple(options)


# ------------------------------------------------------------------------------------------------- flows


@dataclass
class _Scale:
    """What values a result can take, gathered from every step that stores it."""

    numbers: set[int] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    typed: bool = False  # free text: any string

    def describe(self) -> str:
        if self.numbers:
            return f"{min(self.numbers)} to {max(self.numbers)}"
        return ", ".join(repr(s) for s in sorted(self.strings)) or "typed text"


def _condition(
    report: _Report, path: str, raw: object, allowed: tuple[Subject, ...], *, shorthand: bool
) -> Condition | None:
    """A condition table: one subject key (``result``/``score``/``context``) and at most one test."""
    if shorthand and isinstance(raw, str):
        if not _NAME.match(raw):
            report.add(path, f"{raw!r} is not a valid context name")
            return None
        return Condition(subject="context", name=raw)
    if not isinstance(raw, dict):
        expected = "a context name or a table" if shorthand else "a table"
        report.add(path, f"expected {expected}, e.g. {{ result = \"mood\", at_most = 2 }}")
        return None
    _unknown_keys(report, path, raw, (*allowed, *TESTS))
    return _condition_fields(report, path, raw, allowed)


def _condition_fields(
    report: _Report, path: str, raw: Mapping[str, Any], allowed: tuple[Subject, ...]
) -> Condition | None:
    subjects = [s for s in SUBJECTS if s in raw and s in allowed]
    if len(subjects) != 1:
        report.add(path, f"needs exactly one of {', '.join(allowed)}")
        return None
    subject = subjects[0]
    name = _name(report, path, raw, subject, required=True)
    ok = name is not None
    equals = raw.get("equals")
    if equals is not None and not _is_value(equals):
        report.add(f"{path}.equals", f"expected a whole number or a string, got {equals!r}")
        ok = False
    one_of_raw = raw.get("one_of")
    one_of: tuple[Value, ...] | None = None
    if one_of_raw is not None:
        if not isinstance(one_of_raw, list) or not one_of_raw or not all(_is_value(v) for v in one_of_raw):
            report.add(f"{path}.one_of",
                       f"expected a non-empty list of numbers or strings, got {one_of_raw!r}")
            ok = False
        else:
            one_of = tuple(one_of_raw)
    bounds: dict[str, int | None] = {}
    for key in ("at_least", "at_most"):
        value = raw.get(key)
        if value is not None and not _is_int(value):
            report.add(f"{path}.{key}", f"expected a whole number, got {value!r}")
            ok = False
            value = None
        bounds[key] = value
    at_least, at_most = bounds["at_least"], bounds["at_most"]
    tests = [k for k in TESTS if k in raw]
    if len([k for k in tests if k in ("equals", "one_of")]) + (1 if at_least is not None or
                                                                 at_most is not None else 0) > 1:
        report.add(path, f"use one test: equals, one_of, or at_least/at_most (got {', '.join(tests)})")
        ok = False
    if at_least is not None and at_most is not None and at_least > at_most:
        report.add(path, f"at_least ({at_least}) is above at_most ({at_most}): it can never hold")
        ok = False
    if not ok or name is None:
        return None
    return Condition(subject=subject, name=name, equals=equals, one_of=one_of, at_least=at_least,
                     at_most=at_most)


def _check_against_scale(
    report: _Report, path: str, condition: Condition, scale: _Scale | None, range_: tuple[int, int] | None,
    what: str,
) -> None:
    """Thresholds and values must be possible on the scale of what they test."""
    numeric = condition.at_least is not None or condition.at_most is not None
    values = [v for v in (condition.equals, *(condition.one_of or ())) if v is not None]
    if range_ is None and scale is not None and scale.numbers:
        range_ = (min(scale.numbers), max(scale.numbers))
    for key in ("at_least", "at_most"):
        bound = getattr(condition, key)
        if bound is None:
            continue
        if range_ is None:
            described = scale.describe() if scale else "no scale"
            report.add(f"{path}.{key}", f"{what} is not a number ({described})")
        elif not range_[0] <= bound <= range_[1]:
            report.add(f"{path}.{key}",
                       f"{bound} is outside the scale of {what} ({range_[0]} to {range_[1]})")
    if numeric:
        return
    key = "equals" if condition.equals is not None else "one_of"
    for value in values:
        if _is_int(value):
            assert isinstance(value, int)
            if range_ is None:
                report.add(f"{path}.{key}", f"{value!r} is not an answer of {what} "
                                            f"({scale.describe() if scale else 'no scale'})")
            elif not range_[0] <= value <= range_[1]:
                report.add(f"{path}.{key}",
                           f"{value} is outside the scale of {what} ({range_[0]} to {range_[1]})")
        elif scale is not None and value not in scale.strings and not scale.typed:
            report.add(f"{path}.{key}", f"{value!r} is not an answer of {what} ({scale.describe()})")
        elif scale is None and range_ is not None:
            report.add(f"{path}.{key}", f"{value!r} is not a number on the scale of {what}")


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
    report = _Report(label)
    _unknown_keys(report, "", data, FLOW_KEYS)
    flow_id = _name(report, "", data, "id", required=True)
    if flow_id is not None and expected_id is not None and flow_id != expected_id:
        report.add("id", f"{flow_id!r} does not match the file name {expected_id!r}")
    name = _string(report, "", data, "name", required=True)
    _message_key(report, "name", name, message_keys)
    _string(report, "", data, "description", required=False)
    start = _name(report, "", data, "start", required=True)

    if "steps" not in data:
        report.add("steps", "required")
        raw_steps: list[Mapping[str, Any]] = []
    else:
        raw_steps = _table_list(report, "steps", data["steps"])
        if not raw_steps and isinstance(data["steps"], list):
            report.add("steps", "a flow needs at least one step")

    steps: dict[str, Step] = {}
    index_of: dict[str, int] = {}
    scales: dict[str, _Scale] = {}
    # (path, condition) for conditions checked once every result is known
    conditions: list[tuple[str, Condition]] = []
    for index, raw in enumerate(raw_steps):
        step = _step(report, f"steps[{index}]", raw, message_keys, answer_sets, checks, conditions)
        if step is None:
            continue
        if step.id in steps:
            report.add(f"steps[{index}].id",
                       f"duplicate step id {step.id!r} (also steps[{index_of[step.id]}])")
            continue
        steps[step.id] = step
        index_of[step.id] = index
        if step.result is not None:
            scale = scales.setdefault(step.result, _Scale())
            for option in step.options:
                if _is_int(option.value):
                    assert isinstance(option.value, int)
                    scale.numbers.add(option.value)
                else:
                    scale.strings.add(str(option.value))
            if step.check is not None and step.check in check_scales and not step.options:
                low, high = check_scales[step.check]
                scale.numbers.update(range(low, high + 1))
            scale.typed = scale.typed or step.free_text

    # Targets, reachability, cycles.
    if start is not None and raw_steps and start not in steps:
        report.add("start", f"unknown step {start!r}")
    edges: dict[str, list[tuple[str, str]]] = {}
    for step_id, step in steps.items():
        where = f"steps[{index_of[step_id]}]"
        targets: list[tuple[str, str]] = []
        if step.next is not None:
            targets.append((f"{where}.next", step.next))
        targets.extend((f"{where}.branches[{i}].next", b.next) for i, b in enumerate(step.branches))
        edges[step_id] = []
        for path, target in targets:
            if target not in steps:
                report.add(path, f"unknown step {target!r}")
            else:
                edges[step_id].append((path, target))
    _cycles(report, steps, edges)
    if start is not None and start in steps:
        reached = {start}
        todo = [start]
        while todo:
            for _, target in edges[todo.pop()]:
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        for step_id in steps:
            if step_id not in reached:
                report.add(f"steps[{index_of[step_id]}]",
                           f"step {step_id!r} can never be reached from start {start!r}")

    # Scores.
    scores: list[Score] = []
    for index, raw in enumerate(_table_list(report, "scores", data.get("scores", []))):
        where = f"scores[{index}]"
        score = _score(report, where, raw, scales, steps, instruments)
        if score is None:
            continue
        if any(s.name == score.name for s in scores):
            report.add(f"{where}.name", f"duplicate score name {score.name!r}")
            continue
        scores.append(score)
    score_ranges = {s.name: instruments[s.instrument].total_range for s in scores}

    # Escalations.
    escalations: list[EscalationRule] = []
    for index, raw in enumerate(_table_list(report, "escalations", data.get("escalations", []))):
        where = f"escalations[{index}]"
        _unknown_keys(report, where, raw, ESCALATION_KEYS)
        kind = _string(report, where, raw, "kind", required=True)
        if kind is not None and kind not in ESCALATION_KINDS:
            report.add(f"{where}.kind", f"unknown escalation kind {kind!r} "
                                        f"(expected one of: {', '.join(sorted(ESCALATION_KINDS))})")
            kind = None
        condition = _condition_fields(report, where, raw, ("result", "score"))
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
            _check_against_scale(report, where, condition, None, total, f"score {condition.name!r}")
        else:
            conditions.append((where, condition))
        if kind is not None:
            escalations.append(EscalationRule(kind=kind, when=condition, label=f"{label} {where}"))

    # Conditions on results and context (branches, only_if, escalations).
    for path, condition in conditions:
        if condition.subject == "result":
            if condition.name not in scales:
                report.add(f"{path}.result", f"unknown result {condition.name!r} (no step stores it)")
                continue
            _check_against_scale(report, path, condition, scales[condition.name], None,
                                 f"result {condition.name!r}")
        elif condition.subject == "context":
            for key in ("at_least", "at_most"):
                if getattr(condition, key) is not None:
                    report.add(f"{path}.{key}", "context values are text: use equals or one_of")

    if report.problems or flow_id is None or name is None or start is None:
        return None, report.problems
    return Flow(id=flow_id, name=name, start=start, steps=steps, scores=tuple(scores),
                escalations=tuple(escalations), source=label), []


def _step(
    report: _Report,
    where: str,
    raw: Mapping[str, Any],
    message_keys: Collection[str],
    answer_sets: AnswerSets,
    checks: Mapping[str, Check],
    conditions: list[tuple[str, Condition]],
) -> Step | None:
    _unknown_keys(report, where, raw, STEP_KEYS)
    step_id = _name(report, where, raw, "id", required=True)
    has_text, has_say = "text" in raw, "say" in raw
    if has_text == has_say:
        report.add(where, "needs exactly one of text (a question) or say (a message that flows on)")
    key = _string(report, where, raw, "say" if has_say else "text", required=not has_say)
    _message_key(report, f"{where}.{'say' if has_say else 'text'}", key, message_keys)
    say = has_say and not has_text

    options: tuple[Option, ...] = ()
    if "options" in raw:
        if isinstance(raw["options"], str):
            if raw["options"] not in answer_sets:
                report.add(f"{where}.options", f"unknown answer set {raw['options']!r}")
            else:
                options = answer_sets[raw["options"]]
        else:
            options = _options(report, f"{where}.options", raw["options"], message_keys)
    free_text = _bool(report, where, raw, "free_text")
    validated = _bool(report, where, raw, "validated")
    check = _string(report, where, raw, "check", required=False)
    if check is not None and check not in checks:
        report.add(f"{where}.check", f"unknown check {check!r} (known: {', '.join(sorted(checks))})")
    result = _name(report, where, raw, "result", required=False)
    nudge = _string(report, where, raw, "nudge", required=False)
    _message_key(report, f"{where}.nudge", nudge, message_keys)

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
            _message_key(report, f"{where}.nudge", nudge, message_keys)
        if free_text and "nudge" in raw:
            report.add(f"{where}.nudge", "a step that takes free text never nudges")

    next_step = _name(report, where, raw, "next", required=False)
    branches: list[Branch] = []
    for index, branch in enumerate(_table_list(report, f"{where}.branches", raw.get("branches", []))):
        path = f"{where}.branches[{index}]"
        _unknown_keys(report, path, branch, BRANCH_KEYS)
        target = _name(report, path, branch, "next", required=True)
        if "when" not in branch:
            report.add(f"{path}.when", "required")
            continue
        condition = _condition(report, f"{path}.when", branch["when"], ("result", "context"), shorthand=False)
        if condition is not None:
            conditions.append((f"{path}.when", condition))
            if target is not None:
                branches.append(Branch(when=condition, next=target))
    only_if = None
    if "only_if" in raw:
        only_if = _condition(report, f"{where}.only_if", raw["only_if"], ("result", "context"),
                             shorthand=True)
        if only_if is not None:
            conditions.append((f"{where}.only_if", only_if))

    if step_id is None:
        return None
    # Returned even when something is wrong, so that other steps can still name it (the flow is rejected).
    return Step(id=step_id, text=key or "", say=say, options=options, free_text=free_text, check=check,
                result=result, validated=validated, next=next_step, branches=tuple(branches),
                only_if=only_if, nudge=nudge)


def _cycles(report: _Report, steps: Mapping[str, Step], edges: Mapping[str, list[tuple[str, str]]]) -> None:
    """Report every edge that closes a loop: a flow must always end."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(step_id: str) -> None:
        state[step_id] = 1
        path.append(step_id)
        for where, target in edges[step_id]:
            if state.get(target) == 1:
                loop = [*path[path.index(target):], target]
                report.add(where, f"cycle {' -> '.join(loop)} (a flow must always end)")
            elif target not in state:
                visit(target)
        path.pop()
        state[step_id] = 2

    for step_id in steps:
        if step_id not in state:
            visit(step_id)


def _score(
    report: _Report,
    where: str,
    raw: Mapping[str, Any],
    scales: Mapping[str, _Scale],
    steps: Mapping[str, Step],
    instruments: Mapping[str, Instrument],
) -> Score | None:
    before = len(report.problems)
    _unknown_keys(report, where, raw, SCORE_KEYS)
    name = _name(report, where, raw, "name", required=True)
    instrument_name = _string(report, where, raw, "instrument", required=True)
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

