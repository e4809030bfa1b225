"""The delivery tables: the inbox of updates from Telegram and the outbox of messages to send. Times are UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told it arrived; processed once, in order per chat."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_update", "status", "update_id"),)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One message to show someone, written in the transaction that decided it, sent by the drain.

    ``method`` is ``send`` (a new message), ``edit`` (replace the text and keyboard of ``target_message_id``)
    or ``unbutton`` (take the keyboard off ``target_message_id``). ``keyboard`` holds rows of
    ``{"text", "data"}`` buttons. Status: pending → sending → sent | failed | cancelled.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "priority", "not_before"),
        Index("ix_outbox_chat_status", "chat_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(12), default="send")
    text: Mapped[str | None] = mapped_column(Text)
    keyboard: Mapped[list[Any] | None] = mapped_column(JSON)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    target_message_id: Mapped[int | None] = mapped_column(BigInteger)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id", ondelete="SET NULL"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    unknown_outcomes: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))
