"""Conditions (branches, ``only_if``, escalations) and the scales of results they are checked against."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.flows.fields import NAME, Report, is_int, is_value, read_name, unknown_keys
from bot.core.flows.model import Condition, Step, Subject, Value

TESTS = ("equals", "one_of", "at_least", "at_most")
SUBJECTS: tuple[Subject, ...] = ("result", "score", "context")


@dataclass
class Scale:
    """What values a result can take, gathered from every step that stores it."""

    numbers: set[int] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    typed: bool = False  # free text: any string

    def describe(self) -> str:
        """The scale as shown in problems: ``0 to 3``, the strings, or ``typed text``."""
        if self.numbers:
            return f"{min(self.numbers)} to {max(self.numbers)}"
        return ", ".join(repr(s) for s in sorted(self.strings)) or "typed text"


def add_to_scale(
    scales: MutableMapping[str, Scale], step: Step, check_scales: Mapping[str, tuple[int, int]]
) -> None:
    """Widen the scale of ``step``'s result by what the step can store."""
    if step.result is None:
        return
    scale = scales.setdefault(step.result, Scale())
    for option in step.options:
        if is_int(option.value):
            assert isinstance(option.value, int)
            scale.numbers.add(option.value)
        else:
            scale.strings.add(str(option.value))
    if step.check is not None and step.check in check_scales and not step.options:
        low, high = check_scales[step.check]
        scale.numbers.update(range(low, high + 1))
    scale.typed = scale.typed or step.free_text


def build_condition(
    report: Report, path: str, raw: object, allowed: tuple[Subject, ...], *, shorthand: bool
) -> Condition | None:
    """A condition table: one subject key (``result``/``score``/``context``) and at most one test."""
    if shorthand and isinstance(raw, str):
        if not NAME.match(raw):
            report.add(path, f"{raw!r} is not a valid context name")
            return None
        return Condition(subject="context", name=raw)
    if not isinstance(raw, dict):
        expected = "a context name or a table" if shorthand else "a table"
        report.add(path, f"expected {expected}, e.g. {{ result = \"mood\", at_most = 2 }}")
        return None
    unknown_keys(report, path, raw, (*allowed, *TESTS))
    return condition_fields(report, path, raw, allowed)


def condition_fields(
    report: Report, path: str, raw: Mapping[str, Any], allowed: tuple[Subject, ...]
) -> Condition | None:
    """The subject and test keys of a condition, read from ``raw`` (which may hold other keys too)."""
    subjects = [s for s in SUBJECTS if s in raw and s in allowed]
    if len(subjects) != 1:
        report.add(path, f"needs exactly one of {', '.join(allowed)}")
        return None
    subject = subjects[0]
    name = read_name(report, path, raw, subject, required=True)
    ok = name is not None
    equals = raw.get("equals")
    if equals is not None and not is_value(equals):
        report.add(f"{path}.equals", f"expected a whole number or a string, got {equals!r}")
        ok = False
    one_of_raw = raw.get("one_of")
    one_of: tuple[Value, ...] | None = None
    if one_of_raw is not None:
        if not isinstance(one_of_raw, list) or not one_of_raw or not all(is_value(v) for v in one_of_raw):
            report.add(f"{path}.one_of",
                       f"expected a non-empty list of numbers or strings, got {one_of_raw!r}")
            ok = False
        else:
            one_of = tuple(one_of_raw)
    bounds: dict[str, int | None] = {}
    for key in ("at_least", "at_most"):
        value = raw.get(key)
        if value is not None and not is_int(value):
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


def check_against_scale(
    report: Report, path: str, condition: Condition, scale: Scale | None, range_: tuple[int, int] | None,
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
        if is_int(value):
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


def check_conditions(
    report: Report, conditions: Sequence[tuple[str, Condition]], scales: Mapping[str, Scale]
) -> None:
    """Conditions on results and context (branches, only_if, escalations), once every result is known."""
    for path, condition in conditions:
        if condition.subject == "result":
            if condition.name not in scales:
                report.add(f"{path}.result", f"unknown result {condition.name!r} (no step stores it)")
                continue
            check_against_scale(report, path, condition, scales[condition.name], None,
                                f"result {condition.name!r}")
        elif condition.subject == "context":
            for key in ("at_least", "at_most"):
                if getattr(condition, key) is not None:
                    report.add(f"{path}.{key}", "context values are text: use equals or one_of")
