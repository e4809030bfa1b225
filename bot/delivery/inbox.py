"""The inbox: every update from Telegram is stored before Telegram is told it arrived.

Polling moves its offset past a batch only after the batch is committed here; the webhook answers 200 only
after the update is committed. Each update is then processed once: the use case it leads to marks it
processed in its own transaction (``claim``), so a crash before that commit means it is processed again
after a restart, and a crash after it means it is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.claims import claim_one
from bot.store.db import Database
from bot.store.models import InboxUpdate

CHAT_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member", "chat_member",
             "business_message", "edited_business_message")


def chat_of(raw: dict[str, Any]) -> int | None:
    """The chat an update belongs to (its processing order is kept per chat), if it has one."""
    for key in CHAT_KEYS:
        part = raw.get(key)
        if isinstance(part, dict) and isinstance(part.get("chat"), dict):
            chat_id = part["chat"].get("id")
            return chat_id if isinstance(chat_id, int) else None
    query = raw.get("callback_query")
    if isinstance(query, dict):
        sender = query.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None


def minimal(raw: dict[str, Any]) -> dict[str, Any]:
    """What is worth keeping of an update: all of it from a private chat; from a group or channel, which is
    never processed, only its id (nobody's words are kept that the service will not use)."""
    for key in CHAT_KEYS:
        part = raw.get(key)
        if isinstance(part, dict) and isinstance(part.get("chat"), dict) and part["chat"].get("type") != "private":
            return {"update_id": raw["update_id"]}
    return raw


async def store(db: Database, updates: Iterable[dict[str, Any]], now: datetime) -> int:
    """Store updates (ignoring any already stored); returns how many were new. Committed on return."""
    rows = [{"update_id": raw["update_id"], "chat_id": chat_of(raw), "payload": minimal(raw), "status": "pending",
             "received_at": now} for raw in updates if isinstance(raw.get("update_id"), int)]
    if not rows:
        return 0
    insert = pg_insert if db.is_postgres else sqlite_insert
    async with db.session() as session:
        result = await session.execute(insert(InboxUpdate).values(rows).on_conflict_do_nothing())
        return max(0, getattr(result, "rowcount", 0) or 0)


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget processed updates received before ``before`` (they hold people's words)."""
    result = await session.execute(delete(InboxUpdate).where(InboxUpdate.status != "pending",
                                                             InboxUpdate.received_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def pending(db: Database, limit: int) -> list[InboxUpdate]:
    """Unprocessed updates, oldest first."""
    async with db.session() as session:
        rows = await session.execute(select(InboxUpdate).where(InboxUpdate.status == "pending")
                                     .order_by(InboxUpdate.update_id).limit(limit))
        return list(rows.scalars())


async def claim(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Mark an update processed inside the transaction that acts on it; False if it already was."""
    return await claim_one(session, InboxUpdate, [InboxUpdate.update_id == update_id,
                                                  InboxUpdate.status == "pending"],
                           {"status": "done", "processed_at": now})


async def finish(db: Database, update_id: int, now: datetime, status: str = "done") -> None:
    """Mark an update processed when nothing it led to did (it was ignored, or its handler failed)."""
    async with db.session() as session:
        await session.execute(update(InboxUpdate).where(InboxUpdate.update_id == update_id,
                                                        InboxUpdate.status == "pending")
                              .values(status=status, processed_at=now))
