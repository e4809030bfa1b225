"""Validated instruments: how many items they have, each item's scale, and how they are scored.

Partial answers are never imputed: if any item was skipped (or never asked), the total is None and the
answered items are kept, so a report can count the administration as incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.flows.model import Value


@dataclass(frozen=True)
class Instrument:
    """A published measure. ``summed`` instruments have a total from ``items * item_min`` to
    ``items * item_max``; others (ONS4) are reported item by item and never totalled."""

    name: str
    title: str
    items: int
    item_min: int
    item_max: int
    summed: bool = True
    lonely_at_least: int | None = None
    """The total from which the score is usually read as lonely (UCLA-3: 6)."""

    @property
    def total_range(self) -> tuple[int, int] | None:
        if not self.summed:
            return None
        return self.items * self.item_min, self.items * self.item_max

    def total(self, values: Sequence[Value | None]) -> int | None:
        """The total of complete answers; None when any item is missing, skipped, typed text or off-scale,
        and always None for instruments that are never summed."""
        if not self.summed or len(values) != self.items:
            return None
        numbers: list[int] = []
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            if not self.item_min <= value <= self.item_max:
                return None
            numbers.append(value)
        return sum(numbers)

    def is_lonely(self, total: int | None) -> bool | None:
        """Whether a total is in the range usually read as lonely (None if unknown or not applicable)."""
        if total is None or self.lonely_at_least is None:
            return None
        return total >= self.lonely_at_least


INSTRUMENTS: dict[str, Instrument] = {
    "ucla3": Instrument(
        name="ucla3", title="UCLA 3-item loneliness scale (ONS wording)",
        items=3, item_min=1, item_max=3, lonely_at_least=6,
    ),
    "ons_lonely": Instrument(
        # ONS direct question; 1 = often/always (loneliest) … 5 = never, in the published answer order.
        name="ons_lonely", title="ONS direct loneliness question", items=1, item_min=1, item_max=5,
    ),
    "ons4": Instrument(
        name="ons4", title="ONS personal wellbeing (ONS4)", items=4, item_min=0, item_max=10, summed=False,
    ),
}
"""Every instrument a flow may score."""
