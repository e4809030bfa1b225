"""The flow model: what a loaded, validated flow looks like.

Everything here is immutable. A :class:`Flow` is only ever built by
:func:`bot.core.flows.validate.build_flow`, which checks it completely, so the engine can trust it
(every ``next`` exists, there are no cycles, every threshold is on its scale).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Value = int | str
"""A stored answer: a number (scales) or a short string (``"yes"``, ``"transport"``, typed text)."""

Results = Mapping[str, Value | None]
"""Named results of one run of a flow; ``None`` means the person skipped the question."""

Subject = Literal["result", "score", "context"]

CONTEXT_KEYS: tuple[str, ...] = ("goal", "activity", "milestone", "with_measures")
"""What a flow may know about the person and the occasion: for ``only_if`` conditions and message templates."""

ESCALATION_KINDS: frozenset[str] = frozenset(
    {"risk", "distress", "low_score", "asked_contact", "disengaged", "unreachable", "stopped"}
)
"""Design §5: the kinds of escalation a flow rule may raise."""


@dataclass(frozen=True)
class Option:
    """One one-tap answer: the message key of its label and the value stored when it is chosen."""

    label: str
    value: Value


@dataclass(frozen=True)
class Condition:
    """A test on one named thing: a result of this flow, a score of this flow, or a context value.

    With no test at all it means "has a value": a result that was answered (not skipped), a score with a
    total, a context value that is set and not blank. ``at_least``/``at_most`` may be combined; ``equals``
    and ``one_of`` stand alone. Numeric tests never hold for a skipped answer or for typed text.
    """

    subject: Subject
    name: str
    equals: Value | None = None
    one_of: tuple[Value, ...] | None = None
    at_least: int | None = None
    at_most: int | None = None

    def holds(self, value: Value | None) -> bool:
        """Whether the condition holds for ``value`` (the current value of the subject, None if unset)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
        if self.equals is not None:
            return _same(value, self.equals)
        if self.one_of is not None:
            return any(_same(value, v) for v in self.one_of)
        if self.at_least is not None or self.at_most is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                return False
            if self.at_least is not None and value < self.at_least:
                return False
            return not (self.at_most is not None and value > self.at_most)
        return True

    def describe(self) -> str:
        """Plain English, for rule explanations: ``result 'mood' is at most 1``."""
        what = f"{self.subject} {self.name!r}"
        if self.equals is not None:
            return f"{what} equals {self.equals!r}"
        if self.one_of is not None:
            return f"{what} is one of {', '.join(repr(v) for v in self.one_of)}"
        if self.at_least is not None and self.at_most is not None:
            return f"{what} is between {self.at_least} and {self.at_most}"
        if self.at_least is not None:
            return f"{what} is at least {self.at_least}"
        if self.at_most is not None:
            return f"{what} is at most {self.at_most}"
        return f"{what} has a value"


def _same(value: Value, expected: Value) -> bool:
    if isinstance(expected, int) != isinstance(value, int):
        return False
    return value == expected


@dataclass(frozen=True)
class Branch:
    """Where to go instead of ``next`` when ``when`` holds on leaving the step (first match wins)."""

    when: Condition
    next: str


@dataclass(frozen=True)
class Step:
    """One step: a question (``say`` False) or a message that flows straight on (``say`` True).

    ``text`` is a message key. A question stores its answer as ``result``; it offers ``options`` as one-tap
    buttons (in this order), accepts typed text when ``free_text``, parses typed text with the named
    ``check``, and can always be skipped. ``validated`` marks an item of a published instrument: its text and
    option labels are shown exactly as published (in English where no official translation exists).
    ``only_if`` makes the step conditional; a step whose condition does not hold is passed over as if it
    were not there (its branches and ``next`` still apply). A step with no ``next`` ends the flow.
    """

    id: str
    text: str
    say: bool = False
    options: tuple[Option, ...] = ()
    free_text: bool = False
    check: str | None = None
    result: str | None = None
    validated: bool = False
    next: str | None = None
    branches: tuple[Branch, ...] = ()
    only_if: Condition | None = None
    nudge: str | None = None

    def option_values(self) -> tuple[Value, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Score:
    """An instrument scored from named results of the flow, in the instrument's item order."""

    name: str
    instrument: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Trend:
    """What a rule also needs from the person's history, which only the use case has (the engine emits the
    :class:`~bot.core.flows.effects.Escalate` with this, and the use case raises it only if the history
    agrees; see :mod:`bot.core.trends`).

    ``times_running`` (result rules): the rule's condition also held for the person's previous answered
    values of the result, this many in a row counting this one. ``rise_from_baseline`` (score rules): the
    total is at least this much above the person's first total of the instrument.
    """

    times_running: int | None = None
    rise_from_baseline: int | None = None

    def describe(self, condition: Condition) -> str:
        """Plain English: ``result 'mood' is at most 1, 2 answers running``."""
        tested = any(t is not None for t in (condition.equals, condition.one_of, condition.at_least,
                                             condition.at_most))
        what = condition.describe() if tested or self.rise_from_baseline is None else \
            f"{condition.subject} {condition.name!r}"
        if self.times_running is not None:
            return f"{what}, {self.times_running} answers running"
        if self.rise_from_baseline is not None:
            joiner = " and" if tested else ""
            return f"{what}{joiner} is {self.rise_from_baseline} or more above the person's baseline"
        return what


@dataclass(frozen=True)
class EscalationRule:
    """Raise an escalation of ``kind`` when ``when`` holds (a result as soon as it is recorded, a score as
    soon as it is complete) and, with a ``trend``, the person's history agrees. ``label`` says where the
    rule is written, e.g. ``flows/weekly.toml escalations[0]``."""

    kind: str
    when: Condition
    label: str
    trend: Trend | None = None

    def explain(self) -> str:
        what = self.trend.describe(self.when) if self.trend is not None else self.when.describe()
        return f"{self.label}: {self.kind} when {what}"


@dataclass(frozen=True)
class Flow:
    """A validated flow. ``steps`` keeps file order; ``source`` names the file it came from."""

    id: str
    name: str
    start: str
    steps: Mapping[str, Step]
    scores: tuple[Score, ...] = ()
    escalations: tuple[EscalationRule, ...] = ()
    source: str = field(default="", compare=False)

    def message_keys(self) -> set[str]:
        """Every message key the flow can show (name, step texts, option labels, nudges)."""
        keys = {self.name}
        for step in self.steps.values():
            keys.add(step.text)
            keys.update(o.label for o in step.options)
            if step.nudge is not None:
                keys.add(step.nudge)
        return keys
