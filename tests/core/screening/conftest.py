"""Shared fixtures: the shipped screener (loaded once) and a builder for small rule sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.core.screening import Screener, build_screener
from bot.screening_rules import DEFAULT_RULES, load_rules

MINIMAL_NORMALISE: dict[str, Any] = {
    "normalise": {"contractions": {"can't": "can not"}, "endings": {"n't": "not", "'m": "am"},
                  "words": {"im": "i am", "wanna": "want to", "cant": "can not"}, "emoji": {"🔪": "knife"}},
    "negation": {"cues": ["not", "never"], "transparent": ["going", "to", "i"], "ignore": ["not sure"]},
    "context": {"past": ["last year"], "recent_past": ["was"], "resolved": ["better now"],
                "ongoing": ["again"], "relapse": ["coming back"], "clause_breaks": ["but"]},
}


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The rules that ship in screening/."""
    return load_rules(DEFAULT_RULES)


def rule(**fields: Any) -> dict[str, Any]:
    """A valid rule table, with fields overridden."""
    base: dict[str, Any] = {"id": "test.rule", "level": "risk", "about": "a test rule",
                            "patterns": ["want to die"], "examples": ["I want to die"],
                            "not_examples": ["I want to dine"]}
    base.update(fields)
    return base


@pytest.fixture
def build() -> Callable[..., Screener]:
    """Build a screener from rule tables (plus the minimal normalisation) in one file."""
    def make(*rules: dict[str, Any], **sections: Any) -> Screener:
        data = {**MINIMAL_NORMALISE, **sections, "rules": list(rules)}
        return build_screener([("screening/rules.toml", data)])
    return make
