"""What a screening says: the level, the rules that fired, and the evidence for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["risk", "distress", "none"]
LEVELS: tuple[Level, ...] = ("risk", "distress", "none")
"""Most severe first."""

RULE_LEVELS: tuple[Level, ...] = ("risk", "distress")
"""The levels a rule can have."""

PAST_RESOLVED = "past_resolved"
"""Listed in :attr:`Screening.reasons` when a rule's level was lowered because it spoke of the past and the
message says it is resolved ("years ago I felt suicidal, I had counselling": risk → distress). When the
present is clearly good ("last year I felt suicidal but I'm much better now") the match counts for nothing."""

HitStatus = Literal["fired", "negated", "excepted", "past_resolved", "unsupported"]


def severity(level: Level) -> int:
    """2 for risk, 1 for distress, 0 for none."""
    return 2 - LEVELS.index(level)


def lowered(level: Level) -> Level:
    """One level less severe: risk → distress → none."""
    return LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]


class ScreeningRulesError(Exception):
    """Screening rules that cannot be used. ``problems`` lists every problem found, one line each, each
    naming the file and the key: ``screening/rules.toml: rules[3].level: must be one of risk, distress``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Hit:
    """One place where a rule's pattern matched, and what the context made of it.

    ``status`` is ``fired`` (counts at the rule's level), ``past_resolved`` (counts one level lower, or not
    at all when the present is clearly good), ``negated`` ("I'm not going to hurt myself"), ``excepted``
    (one of the rule's ``unless`` patterns, e.g. an idiom, covers it) or ``unsupported`` (the rule ``needs``
    another sign elsewhere in the message and there is none); the last three do not count. ``phrase`` is the
    matched words as normalised.
    """

    rule: str
    rule_level: Level
    level: Level
    status: HitStatus
    phrase: str
    cue: str = ""
    """The negation, exception or past-time words that changed the outcome, if any."""


@dataclass(frozen=True)
class Screening:
    """The result of screening one message.

    ``level`` is the most severe level among the hits that count. ``reasons`` are the ids of the rules
    that fired at ``risk`` or ``distress``, most severe first, then in the order they occur in the text;
    :data:`PAST_RESOLVED` is added when a rule was lowered by the past-and-resolved context. ``hits`` is the
    full evidence, including matches that negation or an exception cancelled.
    """

    level: Level
    reasons: tuple[str, ...] = ()
    hits: tuple[Hit, ...] = ()

    @property
    def flagged(self) -> bool:
        """True for risk or distress."""
        return self.level != "none"
