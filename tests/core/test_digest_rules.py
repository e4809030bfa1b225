"""The pure digest rules: when a digest has something to say, and the label beside each item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.digest import Entry, label, select

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def entry(kind: str = "asked_contact", *, updated_at: datetime | None = None, digested_at: datetime | None = None,
          snoozed_until: datetime | None = None, acknowledged: bool = False) -> Entry:
    """An item opened an hour before Monday's digest."""
    return Entry(1, kind, MONDAY - timedelta(hours=1), updated_at, digested_at, snoozed_until, acknowledged)


def test_an_item_never_digested_is_new() -> None:
    assert label(entry(), MONDAY) == "new"
    assert select([entry()], MONDAY)


def test_an_old_item_says_nothing_and_sends_nothing() -> None:
    old = entry(digested_at=MONDAY)
    assert label(old, MONDAY + DAY) is None
    assert select([old], MONDAY + DAY) == []


def test_new_evidence_is_new() -> None:
    changed = entry(digested_at=MONDAY, updated_at=MONDAY + timedelta(hours=3))
    assert label(changed, MONDAY + DAY) == "new"


def test_back_from_a_snooze_is_a_reminder_not_news() -> None:
    snoozed = entry(digested_at=MONDAY, snoozed_until=MONDAY + timedelta(hours=15))
    assert select([snoozed], MONDAY + timedelta(hours=12)) == [], "still snoozed"
    assert label(snoozed, MONDAY + DAY) == "reminder"
    assert select([snoozed], MONDAY + DAY) == [snoozed]
    after = entry(digested_at=MONDAY + DAY, snoozed_until=MONDAY + timedelta(hours=15))
    assert label(after, MONDAY + 2 * DAY) is None, "only once"
    evidence = entry(digested_at=MONDAY, snoozed_until=MONDAY + timedelta(hours=15),
                     updated_at=MONDAY + timedelta(hours=2))
    assert label(evidence, MONDAY + DAY) == "new", "new evidence wins"


def test_an_unacknowledged_urgent_item_keeps_the_digest_going_every_day() -> None:
    risk = entry("risk", digested_at=MONDAY)
    for days in (1, 2, 3):
        assert label(risk, MONDAY + days * DAY) == "unacknowledged"
        assert select([risk, entry(digested_at=MONDAY)], MONDAY + days * DAY)
    acknowledged = entry("risk", digested_at=MONDAY, acknowledged=True)
    assert label(acknowledged, MONDAY + DAY) is None
    assert label(entry("distress", digested_at=MONDAY), MONDAY + DAY) is None, "only the urgent kind"
