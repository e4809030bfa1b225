"""Instrument scoring: UCLA-3 totals, no imputation, ONS4 never summed."""

from __future__ import annotations

from bot.core.flows.instruments import INSTRUMENTS


def test_ucla3_totals_from_3_to_9() -> None:
    ucla = INSTRUMENTS["ucla3"]
    assert ucla.total_range == (3, 9)
    assert ucla.total([1, 1, 1]) == 3
    assert ucla.total([3, 3, 3]) == 9
    assert ucla.total([2, 3, 1]) == 6


def test_ucla3_lonely_from_6() -> None:
    ucla = INSTRUMENTS["ucla3"]
    assert ucla.is_lonely(5) is False
    assert ucla.is_lonely(6) is True
    assert ucla.is_lonely(None) is None


def test_ucla3_partial_answers_are_not_imputed() -> None:
    ucla = INSTRUMENTS["ucla3"]
    assert ucla.total([3, None, 3]) is None
    assert ucla.total([3, 3]) is None
    assert ucla.total([3, 3, "often"]) is None
    assert ucla.total([3, 3, 4]) is None  # off the item scale


def test_ons4_is_never_summed() -> None:
    ons4 = INSTRUMENTS["ons4"]
    assert ons4.total_range is None
    assert ons4.total([7, 7, 7, 3]) is None


def test_ons_lonely_is_one_item() -> None:
    ons = INSTRUMENTS["ons_lonely"]
    assert ons.total_range == (1, 5)
    assert ons.total([2]) == 2
