"""Screening free text for risk and distress, with rules kept as data (``screening/*.toml``).

Pure: the rule files are read and parsed by :mod:`bot.screening_rules`, which hands the parsed tables to
:func:`build_screener`. A :class:`Screener` is immutable; ``screener.screen(text)`` returns a
:class:`Screening` with ``level`` (``risk``, ``distress`` or ``none``), ``reasons`` (the ids of the rules
that fired) and ``hits`` (the evidence, including matches that negation or an exception cancelled).

How a message is read: :mod:`~bot.core.screening.text` (normalisation), :mod:`~bot.core.screening.patterns`
(the pattern language), :mod:`~bot.core.screening.context` (negation, past and resolved).
"""

from bot.core.screening.build import build_screener, check_examples
from bot.core.screening.engine import Rule, Screener
from bot.core.screening.model import (
    LEVELS,
    PAST_RESOLVED,
    RULE_LEVELS,
    Hit,
    Level,
    Screening,
    ScreeningRulesError,
)

__all__ = [
    "LEVELS", "PAST_RESOLVED", "RULE_LEVELS", "Hit", "Level", "Rule", "Screener", "Screening",
    "ScreeningRulesError", "build_screener", "check_examples",
]
