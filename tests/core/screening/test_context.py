"""Negation, exceptions, and feelings in the past that are resolved."""

from __future__ import annotations

import pytest

from bot.core.screening import PAST_RESOLVED, Screener


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
    ("Last year I felt suicidal but I'm much better now", "distress"),
    ("I used to self harm as a teenager but I've been fine for years", "distress"),
    ("I was suicidal years ago, I'm in a good place now", "distress"),
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
    result = screener.screen("Last year I felt suicidal but I'm much better now")
    assert result.reasons == ("suicide.mention", PAST_RESOLVED)
    assert {(h.rule, h.status, h.cue) for h in result.hits} >= {("suicide.mention", "past_resolved", "last year")}


def test_exceptions_name_the_idiom(screener: Screener) -> None:
    hits = screener.screen("my wife will kill me if I forget the milk").hits
    assert [(h.status, h.rule) for h in hits] == [("excepted", "harm.threat")]
    assert "kill me if i forget" in hits[0].cue
