"""Trends in a person's own answers, for escalation rules that need their history (design §5, "low score":
mood at the bottom twice running, a rise of 2+ from the person's baseline).

Pure: the use case reads the earlier values from the database and passes them in; times are data here,
never read from a clock. The evidence these functions build is what a worker is shown (the digest reads
it from the escalation's ``evidence["items"]``), so it carries every value and when it was given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.flows.model import Condition, Value

_WHOLE = re.compile(r"^-?[0-9]+$")


@dataclass(frozen=True)
class Reading:
    """One value the person gave (an answer's value or an instrument total), when, and in which check-in."""

    value: Value | None
    at: datetime
    checkin: int | None = None

    def to_evidence(self) -> dict[str, Any]:
        return {"value": self.value, "at": self.at.isoformat(), "checkin": self.checkin}


def stored_value(text: str | None) -> Value | None:
    """An answer's value as stored (``Answer.value`` is text: ``"1"``, ``"yes"``) back as the flow's value."""
    if text is None:
        return None
    return int(text) if _WHOLE.match(text) else text


def running(condition: Condition, times: int, now: Reading, earlier: Sequence[Reading]) -> list[Reading] | None:
    """The readings, oldest first, when ``condition`` held for ``now`` and for the ``times - 1`` answered
    values before it (``earlier``, newest first; skipped answers are passed over); None otherwise, including
    when there are not enough earlier answers yet."""
    if times < 1 or not condition.holds(now.value):
        return None
    answered = [r for r in earlier if r.value is not None][: times - 1]
    if len(answered) < times - 1 or not all(condition.holds(r.value) for r in answered):
        return None
    return [*reversed(answered), now]


def risen(baseline: Reading | None, now: Reading, by: int) -> int | None:
    """How far ``now`` is above the ``baseline`` when that is ``by`` or more; None otherwise (no baseline,
    a missing or non-numeric value, or a smaller change)."""
    if baseline is None or not _number(baseline.value) or not _number(now.value):
        return None
    assert isinstance(baseline.value, int) and isinstance(now.value, int)
    rise = now.value - baseline.value
    return rise if rise >= by else None


def running_evidence(result: str, times: int, readings: Sequence[Reading]) -> dict[str, Any]:
    """Evidence for a "``times`` running" escalation: the result and each value with its date, oldest first."""
    return {"trend": "running", "result": result, "times": times,
            "values": [r.to_evidence() for r in readings]}


def rise_evidence(score: str, instrument: str, baseline: Reading, now: Reading, rise: int) -> dict[str, Any]:
    """Evidence for a rise from the baseline: both totals, when each was given, and the change."""
    assert baseline.value is not None and now.value is not None
    return {"trend": "rise_from_baseline", "score": score, "instrument": instrument,
            "baseline": baseline.value, "baseline_at": baseline.at.isoformat(), "baseline_checkin": baseline.checkin,
            "now": now.value, "now_at": now.at.isoformat(), "rise": rise}


def _number(value: Value | None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
