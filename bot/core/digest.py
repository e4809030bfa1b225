"""What goes in a worker's digest, as pure rules: which items are new, their order, how many are shown in
full, and the plain-text form of a rendered (HTML) message for email.

Design §5: most urgent kind first (:func:`bot.core.escalation.urgency`), then the oldest. A digest goes when
something needs saying: an item is new or has new evidence, an item is back from "Remind me tomorrow", or an
urgent item (:data:`bot.core.escalation.URGENT`) is still open and unacknowledged — a risk nobody acted on is
never old news, so it keeps the digest going every working day until someone acknowledges it. When one goes,
every open item is listed (an item stays until someone acts); otherwise nothing is sent.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from bot.core.escalation import URGENT, urgency

T = TypeVar("T")

SHOWN = 20
"""At most this many items get a message with buttons of their own; the rest are counted in one message."""


@dataclass(frozen=True)
class Entry:
    """One open item as the digest rules see it (times in UTC)."""

    id: int
    kind: str
    opened_at: datetime
    updated_at: datetime | None = None
    """When evidence last arrived (the newest of the row's ``updated_at`` and its evidence items' times)."""
    digested_at: datetime | None = None
    snoozed_until: datetime | None = None
    acknowledged: bool = False


Label = Literal["new", "reminder", "unacknowledged"]
"""Why an item is in today's digest, shown beside it: new evidence, back from a snooze, an urgent item still
waiting for someone to acknowledge it."""


def is_snoozed(entry: Entry, now: datetime) -> bool:
    """"Remind me tomorrow": left out until then."""
    return entry.snoozed_until is not None and entry.snoozed_until > now


def is_new(entry: Entry) -> bool:
    """Never digested, or new evidence since it last was."""
    if entry.digested_at is None:
        return True
    return max(entry.opened_at, entry.updated_at or entry.opened_at) > entry.digested_at


def is_reminder(entry: Entry, now: datetime) -> bool:
    """Nothing new, but back from a snooze ("Remind me tomorrow") that ended since it was last digested."""
    woke = entry.snoozed_until
    return (not is_new(entry) and entry.digested_at is not None and woke is not None
            and entry.digested_at < woke <= now)


def is_unacknowledged(entry: Entry) -> bool:
    """An urgent item nobody has acknowledged: listed, and the digest sent, every working day until someone does."""
    return entry.kind == URGENT and not entry.acknowledged


def label(entry: Entry, now: datetime) -> Label | None:
    """Why the item is worth a look today, if anything: new evidence first, then a reminder, then an urgent item
    still unacknowledged; None for an item listed only because something else is."""
    if is_new(entry):
        return "new"
    if is_reminder(entry, now):
        return "reminder"
    if is_unacknowledged(entry):
        return "unacknowledged"
    return None


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Most urgent kind first, then the oldest, then by id (stable for equal times)."""
    return sorted(entries, key=lambda e: (urgency(e.kind), e.opened_at, e.id))


def select(entries: Iterable[Entry], now: datetime) -> list[Entry]:
    """The items a digest lists now, in order: every unsnoozed open item, but only if one of them has a
    :func:`label` (new, back from a snooze, or urgent and unacknowledged)."""
    awake = [e for e in entries if not is_snoozed(e, now)]
    return ordered(awake) if any(label(e, now) is not None for e in awake) else []


def split(entries: Sequence[T], shown: int = SHOWN) -> tuple[list[T], list[T]]:
    """The items shown in full (with buttons) and the rest, summarised."""
    return list(entries[:shown]), list(entries[shown:])


def count_by_kind(entries: Iterable[Entry]) -> list[tuple[str, int]]:
    """How many of each kind, most urgent kind first."""
    counts = Counter(e.kind for e in entries)
    return sorted(counts.items(), key=lambda pair: urgency(pair[0]))


def trend(baseline: int | None, latest: int | None) -> int | None:
    """The change from the baseline to the latest total; None when either is missing."""
    if baseline is None or latest is None:
        return None
    return latest - baseline


_TAG = re.compile(r"<[^>]*>")


def plain(rendered_html: str) -> str:
    """The plain-text form of a rendered message: tags dropped, entities decoded.

    Rendered templates escape everything a person typed, so every ``<`` left is a template's own tag; what a
    person typed comes back exactly as typed (plain text is never interpreted).
    """
    return html.unescape(_TAG.sub("", rendered_html))
