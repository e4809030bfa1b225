"""What a test harness starts from: the bot token, the simulated start time, its settings and a clean database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text

from bot.config import Settings, parse_settings
from bot.services import Services
from bot.store.db import Database
from bot.store.models import InboxUpdate, OutboxMessage

TOKEN = "123456:TEST-SANDBOX-TOKEN"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; British Summer Time starts on 29 March 2026


async def reset_postgres(url: str) -> None:
    """Give a PostgreSQL test database an empty public schema."""
    db = Database.from_url(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.dispose()


def test_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for a harness: the given database, shipped content, no rate limiting in the bot.

    The baseline check-in is off unless asked for (``programme={"baseline": True}``), so a test about
    the weekly check-in starts with it; the full programme is exercised by its own tests and the demo.
    """
    data: dict[str, Any] = {"service": {"name": "Riverside Link Service"},
                            "telegram": {"token": TOKEN, "rate_limit": False},
                            "database": {"url": database_url}, "programme": {"baseline": False}}
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    return parse_settings(data, source="(test)")


async def unsent(services: Services, now: datetime) -> int:
    """Outbox rows due by ``now`` that are still pending or being sent."""
    async with services.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.not_before <= now))
    return int(count or 0)


async def inbox_status(services: Services, update_id: int) -> str | None:
    """Where an update stands in the inbox: ``pending``, ``done``, or None if it was never stored."""
    async with services.db.session() as session:
        row = await session.get(InboxUpdate, update_id)
        return None if row is None else row.status
