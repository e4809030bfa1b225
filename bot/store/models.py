"""The database schema as SQLAlchemy 2 typed models. Times are stored in UTC.

People, workers, check-ins and what hangs off them live here; the declarative base is in
:mod:`bot.store.base` and the inbox/outbox tables in :mod:`bot.store.models_delivery`. Everything is
re-exported, so importing this module registers every table on ``Base.metadata``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.base import NAMING, Base, UTCDateTime
from bot.store.models_delivery import InboxUpdate, OutboxMessage
from bot.store.models_followup import Digest, Email, Relay, SafeguardingEntry

__all__ = [
    "NAMING", "Answer", "Appointment", "AuditEvent", "Base", "CheckIn", "Consent", "Digest", "Email", "Escalation",
    "InboxUpdate", "Invite", "Meta", "OutboxMessage", "Person", "Relay", "SafeguardingEntry", "Score",
    "UTCDateTime", "Worker",
]


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
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    """Who covers for them (their digest when away or deactivated, their unacknowledged urgent alerts)."""
    digest_time: Mapped[str | None] = mapped_column(String(5))
    """Their chosen digest time (HH:MM, service time zone); None: ``escalation.digest_time``."""
    away_until: Mapped[datetime | None]
    """On leave until then: their items go to their supervisor meanwhile."""
    awaiting: Mapped[str | None] = mapped_column(String(40))
    """What their next typed message is for, e.g. ``note:<escalation id>`` or ``relay:<person id>``."""


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
    last_message_at: Mapped[datetime | None]
    """When they last wrote or tapped anything (an answer, a message, a caption): their last reply."""
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


OPEN_ESCALATION = "status = 'open'"


class Escalation(Base):
    """Something a human should look at; one open item per person and kind (a partial unique index)."""

    __tablename__ = "escalations"
    __table_args__ = (Index("uq_escalations_open_person_kind", "person_id", "kind", unique=True,
                            sqlite_where=text(OPEN_ESCALATION), postgresql_where=text(OPEN_ESCALATION)),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None]
    """When evidence last arrived (new evidence puts an item back in the next digest)."""
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    alerted_at: Mapped[datetime | None]
    """Urgent items: when the alert was queued to the first recipient."""
    forwarded_at: Mapped[datetime | None]
    """Urgent items: when the unacknowledged alert went on to the supervisor or duty contact."""
    snoozed_until: Mapped[datetime | None]
    """"Remind me tomorrow": left out of digests until then."""
    digested_at: Mapped[datetime | None]
    """When the item last appeared in a digest."""


class AuditEvent(Base):
    """Who looked at or changed whose data (worker access trail)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20), default="ok", server_default="ok")
    """``ok``, or ``refused`` for an attempt the actor was not allowed to make."""


class Meta(Base):
    """Small key/value facts about the deployment (e.g. the bot's username)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
