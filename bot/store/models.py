"""The database schema as SQLAlchemy 2 typed models. Times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone, so store naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Worker(Base):
    """A link worker or supervisor."""

    __tablename__ = "workers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_expires_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Person(Base):
    """A service user, from invite to the end of follow-up."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="invited", index=True)
    onboarding: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    checkin_day: Mapped[int] = mapped_column(Integer, default=0)
    checkin_time: Mapped[str] = mapped_column(String(5), default="10:00")
    frequency: Mapped[str] = mapped_column(String(12), default="weekly", server_default="weekly")
    paused_until: Mapped[datetime | None]
    status_before_pause: Mapped[str | None] = mapped_column(String(20))
    goal: Mapped[str | None] = mapped_column(String(300))
    activity: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    joined_at: Mapped[datetime | None]
    support_ended_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    worker: Mapped[Worker] = relationship(lazy="joined")


class Invite(Base):
    """A single-use, expiring invite; only the token's hash is kept."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Consent(Base):
    """A recorded consent decision, with the version of the text that was shown."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    given: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime]


class CheckIn(Base):
    """One check-in: scheduled, then open while waiting for answers, then closed."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_status_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[dict[str, Any] | None]
    context: Mapped[dict[str, Any] | None]
    reminded_at: Mapped[datetime | None]


class Answer(Base):
    """One answer to one step of a check-in; a second tap on the same step changes nothing."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("checkin_id", "result"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    result: Mapped[str] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]


class Score(Base):
    """One administration of a validated instrument, with when and why it was asked."""

    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(40))
    total: Mapped[int | None] = mapped_column(Integer)
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occasion: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime]


class Appointment(Base):
    """A session between the person and their link worker ("between sessions" means between these)."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_status_at", "status", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="booked")
    reminded_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class Escalation(Base):
    """Something a human should look at; one open item per person and kind."""

    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditEvent(Base):
    """Who looked at or changed whose data (worker access trail)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class Meta(Base):
    """Small key/value facts about the deployment (e.g. the bot's username)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


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
