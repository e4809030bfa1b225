"""Answer checks: typed answers people actually send."""

from __future__ import annotations

import pytest

from bot.core.flows.checks import CHECK_SCALES, CHECKS, parse_number, scale_0_10, yes_no, yes_partly_not_yet


@pytest.mark.parametrize(
    "text", ["7", "seven", "7/10", " 7 ", "7 / 10", "7 out of 10", "Seven.", "SEVEN", "saith"]
)
def test_scale_0_10_accepts_seven_however_typed(text: str) -> None:
    assert scale_0_10(text) == 7


@pytest.mark.parametrize("text, expected", [("0", 0), ("zero", 0), ("10", 10), ("ten", 10), ("10/10", 10)])
def test_scale_0_10_ends(text: str, expected: int) -> None:
    assert scale_0_10(text) == expected


@pytest.mark.parametrize(
    "text", ["11", "eleven", "-1", "7/5", "7.5", "", "  ", "about 7", "seventy", "7/100"]
)
def test_scale_0_10_rejects(text: str) -> None:
    assert scale_0_10(text) is None


def test_scale_1_5_rejects_zero_and_six() -> None:
    assert [CHECKS["scale_1_5"](t) for t in ["0", "1", "5", "6"]] == [None, 1, 5, None]


@pytest.mark.parametrize("text, expected", [
    ("yes", "yes"), ("Yes please", "yes"), ("YEP!", "yes"), ("ie", "yes"), ("👍", "yes"),
    ("no", "no"), ("No thanks.", "no"), ("nah", "no"), ("na", "no"), ("maybe", None), ("", None),
])
def test_yes_no(text: str, expected: str | None) -> None:
    assert yes_no(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("yes", "yes"), ("partly", "partly"), ("a bit", "partly"), ("not yet", "not_yet"), ("no", "not_yet"),
    ("ddim eto", "not_yet"), ("banana", None),
])
def test_yes_partly_not_yet(text: str, expected: str | None) -> None:
    assert yes_partly_not_yet(text) == expected


def test_registry_is_plain_functions_and_scales_are_consistent() -> None:
    assert set(CHECKS) >= {"scale_0_10", "yes_no"}
    for name, (low, high) in CHECK_SCALES.items():
        check = CHECKS[name]
        assert check(str(low)) == low and check(str(high)) == high
        assert check(str(low - 1)) is None and check(str(high + 1)) is None


def test_parse_number_ignores_words_around_nothing() -> None:
    assert parse_number("3") == 3
    assert parse_number("three out of ten") == 3
    assert parse_number("I'd say 3") is None
