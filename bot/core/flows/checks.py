"""Answer checks: plain functions that turn typed text into an answer value, or None if they cannot.

A step names one with ``check = "scale_0_10"``. Typed text that a step's check parses counts as choosing
that value (when the step has options, only if the value is one of them). The registry :data:`CHECKS`
maps names to functions; :data:`CHECK_SCALES` gives the numeric range a check can produce, which the loader
uses to validate thresholds on steps that have a check but no options.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.flows.model import Value

Check = Callable[[str], Value | None]

_NUMBER_WORDS = {
    "zero": 0, "nil": 0, "none": 0, "nought": 0,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    # Welsh
    "dim": 0, "un": 1, "dau": 2, "dwy": 2, "tri": 3, "tair": 3, "pedwar": 4, "pedair": 4,
    "pump": 5, "chwech": 6, "saith": 7, "wyth": 8, "naw": 9, "deg": 10,
}

_NUMBER = re.compile(r"^(\d{1,3})(?:\s*(?:/|out of|allan o)\s*(\d{1,3}))?$")


def _normalise(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"[.!?,;:]+$", "", text).strip()
    return re.sub(r"\s+", " ", text)


def parse_number(text: str) -> int | None:
    """A whole number typed as digits or a word, optionally "out of" something: "7", "seven", "7/10"."""
    cleaned = _normalise(text)
    if cleaned in _NUMBER_WORDS:
        return _NUMBER_WORDS[cleaned]
    match = _NUMBER.match(cleaned)
    if match is None:
        for word, number in _NUMBER_WORDS.items():
            if re.fullmatch(rf"{word}\s*(?:/|out of|allan o)\s*(?:10|ten|deg)", cleaned):
                return number
        return None
    number = int(match.group(1))
    if match.group(2) is not None and int(match.group(2)) != 10:
        return None
    return number


def _scale(low: int, high: int) -> Check:
    def check(text: str) -> Value | None:
        number = parse_number(text)
        if number is None or not low <= number <= high:
            return None
        return number

    check.__name__ = f"scale_{low}_{high}"
    check.__doc__ = f"A whole number from {low} to {high}, as digits or a word."
    return check


scale_0_10 = _scale(0, 10)
scale_1_5 = _scale(1, 5)

_YES = {"yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "please", "yes please", "ie", "do", "oes",
        "ydw", "ydy", "ydyn", "do diolch", "ie plis", "👍"}
_NO = {"no", "n", "nope", "nah", "no thanks", "no thank you", "not really", "na", "nac ydw", "naddo",
       "na diolch", "dim diolch", "👎"}


def yes_no(text: str) -> Value | None:
    """"yes" or "no" from the many ways people type them (English and Welsh)."""
    cleaned = _normalise(text)
    if cleaned in _YES:
        return "yes"
    if cleaned in _NO:
        return "no"
    return None


def yes_partly_not_yet(text: str) -> Value | None:
    """"yes", "partly" or "not_yet"."""
    cleaned = _normalise(text)
    if cleaned in {"partly", "partially", "a bit", "a little", "some", "sort of", "kind of", "rhannol",
                   "yn rhannol", "ychydig"}:
        return "partly"
    if cleaned in {"not yet", "no", "nope", "not really", "no not yet", "ddim eto", "dim eto", "naddo"}:
        return "not_yet"
    if yes_no(cleaned) == "yes":
        return "yes"
    return None


CHECKS: dict[str, Check] = {
    "scale_0_10": scale_0_10,
    "scale_1_5": scale_1_5,
    "yes_no": yes_no,
    "yes_partly_not_yet": yes_partly_not_yet,
}
"""Every check a flow may name."""

CHECK_SCALES: dict[str, tuple[int, int]] = {
    "scale_0_10": (0, 10),
    "scale_1_5": (1, 5),
}
"""The numeric range of the checks that produce numbers."""
