"""Negation, exceptions, and feelings in the past that are resolved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.screening import PAST_RESOLVED, Screener

from .conftest import rule


@pytest.mark.parametrize("text", [
    "I'm not going to hurt myself", "I would never hurt myself", "never thought about suicide",
    "I'm not suicidal", "I don't want to die", "no thoughts of harming myself", "I have never self harmed",
    "nie chcę umrzeć", "nie zabiję się", "dw i ddim eisiau marw", "main khudkushi nahi karunga",
    "main marna nahi chahta",
])
def test_negation_cancels(screener: Screener, text: str) -> None:
    result = screener.screen(text)
    assert result.level == "none", result
    assert any(h.status in ("negated", "excepted") for h in result.hits) or not result.hits


@pytest.mark.parametrize("text", [
    "I can't sleep want to die",  # the negation belongs to "sleep"
    "im not ok i want to die",  # a new clause starts at "i"
    "I can't stop thinking about killing myself",  # "can't stop" is not a negation
    "I don't know if I want to live any more",
    "no one would care if I killed myself",  # "no one" is not a negation
    "I don't want to live any more",  # the negation is part of the pattern
    "nie chcę żyć", "dw i ddim eisiau byw",
])
def test_what_is_not_negation(screener: Screener, text: str) -> None:
    assert screener.screen(text).level == "risk", screener.screen(text)


@pytest.mark.parametrize(("text", "level"), [
    # a clearly good present: the past counts for nothing (README: policy)
    ("Last year I felt suicidal but I'm much better now", "none"),
    ("I used to self harm as a teenager but I've been fine for years", "none"),
    ("I was suicidal years ago, I'm in a good place now", "none"),
    ("I used to self harm as a teenager, thankfully long behind me", "none"),
    ("Few years back my ex used to hit me but I'm safe now and happy", "none"),
    # resolved, but the present is not said to be good: risk is lowered to distress only
    ("I tried to kill myself years ago, I had counselling", "distress"),
    ("I used to self harm years ago, no longer", "distress"),
    ("I was really lonely last year but the group has helped so much", "none"),
    ("I was lonely before I joined, not now", "none"),
    # not lowered: no resolution, recent, ongoing, or it is back
    ("Last year I tried to kill myself", "risk"),
    ("I tried to kill myself last week, better now", "risk"),
    ("Last year I felt suicidal and I feel that way again", "risk"),
    ("I felt suicidal years ago, I was better but it's coming back", "risk"),
    ("I was better last year but now I want to die", "risk"),
])
def test_past_and_resolved(screener: Screener, text: str, level: str) -> None:
    assert screener.screen(text).level == level, screener.screen(text)


def test_a_lowered_risk_says_so_in_the_reasons(screener: Screener) -> None:
    result = screener.screen("Last year I felt suicidal, I had counselling")
    assert (result.level, result.reasons) == ("distress", ("suicide.mention", PAST_RESOLVED))
    assert {(h.rule, h.status, h.cue) for h in result.hits} >= {("suicide.mention", "past_resolved", "last year")}


def test_a_resolved_past_with_a_good_present_is_evidence_only(screener: Screener) -> None:
    result = screener.screen("Last year I felt suicidal but I'm much better now")
    assert (result.level, result.reasons) == ("none", ())
    assert ("suicide.mention", "past_resolved", "none") in {(h.rule, h.status, h.level) for h in result.hits}


@pytest.mark.parametrize(("text", "level"), [
    ("I won't be here next week", "none"),  # one ambiguous farewell sign alone
    ("I've sorted my will", "none"),
    ("I won't be here next week. Thank you for everything you tried to do.", "risk"),  # two signs
    ("what's the point. I've sorted my will", "risk"),  # a sign and despair, in another sentence
    ("I won't be here next week, I'm going to my sister's. Thanks for everything you've done", "none"),
])
def test_a_rule_that_needs_a_second_sign(screener: Screener, text: str, level: str) -> None:
    assert screener.screen(text).level == level, screener.screen(text)


def test_needs_is_checked_and_reported(build: Callable[..., Screener]) -> None:
    screener = build(rule(id="t.farewell", patterns=["sorted my will"], needs=["(no point | goodbye)"],
                          examples=["sorted my will. goodbye"], not_examples=["sorted my will"]))
    alone = screener.screen("I sorted my will")
    assert alone.level == "none"
    assert [(h.status, h.level) for h in alone.hits] == [("unsupported", "none")]
    backed = screener.screen("no point. sorted my will")
    assert (backed.level, backed.hits[0].cue) == ("risk", "no point")


def test_exceptions_name_the_idiom(screener: Screener) -> None:
    hits = screener.screen("my wife will kill me if I forget the milk").hits
    assert [(h.status, h.rule) for h in hits] == [("excepted", "harm.threat")]
    assert "kill me if i forget" in hits[0].cue


@pytest.mark.parametrize(("text", "level"), [
    # a past phrase reaches a clause joined by "and", not one turned by "but"
    ("Two years ago I was in a very dark place and tried to end it. I'm in a good place now.", "none"),
    ("Years ago I was fine but now I want to end it", "risk"),
    # one sign inside a longer cue still supports ("no point" within "no point checking in next week")
    ("no point checking in next week love i wont be here", "risk"),
])
def test_joined_clauses_and_overlapping_support(screener: Screener, text: str, level: str) -> None:
    assert screener.screen(text).level == level, screener.screen(text)
