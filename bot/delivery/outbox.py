"""The outbox: every outgoing message is a row, written in the transaction that decided to send it.

Use cases queue rows here (no Telegram involved); the drain (``bot.delivery.drain``) claims and sends them.
A keyboard is rows of ``(label, callback data)`` pairs. Urgent rows go before routine ones; rows for one
chat go in the order they were queued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import OutboxMessage

URGENT = 10
ROUTINE = 0

Button = tuple[str, str]
Keyboard = Sequence[Sequence[Button]]


def grid(buttons: Sequence[Button], per_row: int) -> list[list[Button]]:
    """Lay out (label, data) pairs ``per_row`` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def keyboard_json(keyboard: Keyboard | None) -> list[Any] | None:
    """A keyboard as stored in the outbox: rows of ``{"text", "data"}``."""
    if not keyboard:
        return None
    return [[{"text": label, "data": data} for label, data in row] for row in keyboard]


def queue(session: AsyncSession, now: datetime, chat_id: int, text: str, keyboard: Keyboard | None = None, *,
          priority: int = ROUTINE, checkin_id: int | None = None, appointment_id: int | None = None,
          not_before: datetime | None = None, photo: bytes | None = None) -> OutboxMessage:
    """Queue a new message (a photo with ``text`` as its caption when ``photo`` is given).

    A message with a keyboard that belongs to a check-in or a session becomes that item's live question once
    sent: its message id is recorded there, so later edits find it.
    """
    row = OutboxMessage(chat_id=chat_id, method="send", text=text, keyboard=keyboard_json(keyboard), photo=photo,
                        checkin_id=checkin_id, appointment_id=appointment_id, priority=priority,
                        status="pending", not_before=not_before or now, created_at=now, attempts=0,
                        unknown_outcomes=0)
    session.add(row)
    return row


def queue_edit(session: AsyncSession, now: datetime, chat_id: int, message_id: int, text: str,
               keyboard: Keyboard | None = None) -> OutboxMessage:
    """Queue replacing a shown message's text (and keyboard; none takes it away)."""
    row = OutboxMessage(chat_id=chat_id, method="edit", text=text, keyboard=keyboard_json(keyboard),
                        target_message_id=message_id, priority=ROUTINE, status="pending", not_before=now,
                        created_at=now, attempts=0, unknown_outcomes=0)
    session.add(row)
    return row


def queue_unbutton(session: AsyncSession, now: datetime, chat_id: int, message_id: int) -> OutboxMessage:
    """Queue taking the keyboard off a shown message, leaving its text."""
    row = OutboxMessage(chat_id=chat_id, method="unbutton", target_message_id=message_id, priority=ROUTINE,
                        status="pending", not_before=now, created_at=now, attempts=0, unknown_outcomes=0)
    session.add(row)
    return row


async def cancel_chat(session: AsyncSession, chat_id: int, now: datetime, reason: str) -> None:
    """Cancel everything still waiting to go to ``chat_id`` (they blocked the bot, or asked to stop)."""
    await session.execute(update(OutboxMessage).where(
        OutboxMessage.chat_id == chat_id, OutboxMessage.status == "pending",
    ).values(status="cancelled", error=reason[:200]).execution_options(synchronize_session=False))


async def purge(session: AsyncSession, before: datetime) -> int:
    """Forget finished rows (sent, failed, cancelled) created before ``before`` (they hold rendered text)."""
    result = await session.execute(delete(OutboxMessage).where(
        OutboxMessage.status.in_(("sent", "failed", "cancelled")), OutboxMessage.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
