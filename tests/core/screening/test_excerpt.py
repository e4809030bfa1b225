"""A long message is shortened for workers without losing the words that made it alarming."""

from __future__ import annotations

from bot.core.screening import Screener
from bot.core.screening.excerpt import excerpt


def test_a_message_that_fits_is_whole(screener: Screener) -> None:
    assert excerpt(screener, "i want to die", 100) == "i want to die"


def test_risk_in_the_middle_of_a_long_message_is_kept(screener: Screener) -> None:
    text = "Lovely day at the club. " * 80 + "Honestly I want to kill myself. " + "The soup was nice. " * 100
    short = excerpt(screener, text, 2000)
    assert len(short) <= 2000 and "Honestly I want to kill myself." in short
    assert short.startswith("Lovely day") and short.endswith("The soup was nice.")


def test_risk_at_the_end_is_kept_once(screener: Screener) -> None:
    text = "Lovely day at the club. " * 200 + "but i want to kill myself"
    short = excerpt(screener, text, 2000)
    assert short.endswith("but i want to kill myself") and short.count("kill myself") == 1


def test_with_nothing_flagged_the_start_and_end_are_kept(screener: Screener) -> None:
    text = "a" * 3000 + " the end"
    short = excerpt(screener, text, 1000)
    assert len(short) <= 1000 and short.startswith("aaa") and short.endswith("the end")
