"""The pattern language: what a pattern matches, and the errors it reports."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.screening import Screener, ScreeningRulesError

from .conftest import rule


@pytest.mark.parametrize(("pattern", "matches", "misses"), [
    ("want to die", ["I want to die", "i WANNA die"], ["I want to dine", "want to. Die"]),
    ("suicid*", ["suicidal", "suicide"], ["suit"]),
    ("(kill | end) my life", ["kill my life", "end my life"], ["take my life"]),
    ("want [to] die", ["want die", "want to die"], ["want it die"]),
    ("hit ~2 me", ["hit me", "hit at me", "hit out at me"], ["hit them all out at me"]),
    ("@self harm", ["myself harm"], ["yourself harm"]),
    ("🔪 myself", ["🔪 myself", "🔪myself"], ["myself 🔪"]),
    ("can't breathe", ["cant breathe", "can not breathe", "CAN’T BREATHE"], ["can breathe"]),
])
def test_matching(build: Callable[..., Screener], pattern: str, matches: list[str], misses: list[str]) -> None:
    screener = build(rule(patterns=[pattern], examples=matches[:1], not_examples=misses[:1]),
                     classes={"self": ["myself", "my self"]})
    for text in matches:
        assert screener.screen(text).level == "risk", text
    for text in misses:
        assert screener.screen(text).level == "none", text


@pytest.mark.parametrize(("pattern", "problem"), [
    ("(want to die", "'(' is not closed"),
    ("want to die)", "unexpected ')'"),
    ("[to]", "can match nothing at all"),
    ("~2 die", "cannot start or end with ~N"),
    ("die ~2", "cannot start or end with ~N"),
    ("die ~0 now", "a gap is ~1 to ~9"),
    ("@nothing die", "unknown class @nothing"),
    ("su*", "a stem needs at least 3 letters"),
    ("1a*", "a stem needs at least 3 letters"),
    ("die. now", "sentence punctuation cannot be part of a pattern"),
    ("s*ic", "'*' only at the end"),
])
def test_bad_patterns_are_reported_with_their_place(build: Callable[..., Screener], pattern: str,
                                                    problem: str) -> None:
    with pytest.raises(ScreeningRulesError) as caught:
        build(rule(patterns=["want to die", pattern]))
    assert any(p.startswith("screening/rules.toml: rules[0].patterns[1]: ") and problem in p
               for p in caught.value.problems), caught.value.problems


def test_a_class_that_refers_to_itself_is_reported(build: Callable[..., Screener]) -> None:
    with pytest.raises(ScreeningRulesError) as caught:
        build(rule(patterns=["@a die"]), classes={"a": ["@b"], "b": ["@a"]})
    assert any("refers to itself" in p for p in caught.value.problems)


def test_overlapping_matches_are_all_found(build: Callable[..., Screener]) -> None:
    screener = build(rule(patterns=["want to die"], examples=["i want to die"]))
    hits = screener.screen("I don't want to die. I want to die.").hits
    assert [h.status for h in hits] == ["negated", "fired"]
