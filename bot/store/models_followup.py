"""The tables of following up: the safeguarding log, worker-to-person relays, emails and digests. Times are UTC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class SafeguardingEntry(Base):
    """What a worker did about an urgent alert, with the time: the safeguarding log a supervisor reviews."""

    __tablename__ = "safeguarding_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


OPEN_RELAY = "closed_at IS NULL"


class Relay(Base):
    """A conversation a worker opened with a person through the bot ("Message them"); one open per person."""

    __tablename__ = "relays"
    __table_args__ = (Index("uq_relays_open_person", "person_id", unique=True,
                            sqlite_where=text(OPEN_RELAY), postgresql_where=text(OPEN_RELAY)),)
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Email(Base):
    """An email to send (digests, urgent alerts): kept until the SMTP server takes it, retried with backoff."""

    __tablename__ = "emails"
    __table_args__ = (Index("ix_emails_status_not_before", "status", "not_before"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


class Digest(Base):
    """A worker's digest for one working day: written once, so a restart or a second instance never repeats it."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("worker_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    day: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime]
    items: Mapped[int] = mapped_column(Integer, default=0)
