"""Enrolment: the one-time deep links that bring people in — workers' links and people's invites — and
redeeming them. (What a person is asked after redeeming an invite is *joining*: ``bot.usecases.joining``.)

The functions taking a ``session`` work inside a caller's transaction (a use case passes ``work.session``).
``add_worker``, ``create_invite`` and ``redeem`` are the same operations for callers that hold a ``Database``
and no unit of work (the CLI, tests): each runs in a transaction of its own and queues no messages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import joining as joining_rules
from bot.core.tokens import TOKEN_BYTES, hash_token, is_well_formed
from bot.store.db import Database
from bot.store.models import AuditEvent, Invite, Person, Worker


def new_token() -> str:
    """A fresh random token for a deep link (192 bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def deep_link(username: str, token: str) -> str:
    """The t.me link that opens the bot with ``/start <token>``."""
    return f"https://t.me/{username}?start={token}"


# -- issuing links ------------------------------------------------------------------------------------------
async def add_worker_in(
    session: AsyncSession, name: str, email: str | None, supervisor: bool, now: datetime, ttl_days: int
) -> tuple[Worker, str]:
    """Create a worker and the one-time token that binds their Telegram account."""
    token = new_token()
    worker = Worker(
        name=name,
        email=email,
        is_supervisor=supervisor,
        link_token_hash=hash_token(token),
        link_expires_at=now + timedelta(days=ttl_days),
        created_at=now,
    )
    session.add(worker)
    await session.flush()
    return worker, token


async def create_invite_in(
    session: AsyncSession, worker_id: int, display_name: str, now: datetime, ttl_days: int, timezone: str,
    default_day: int, default_time: str,
) -> tuple[Person, str]:
    """Create an invited person and a single-use invite token for them."""
    worker = await session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise LookupError(f"no active worker with id {worker_id}")
    token = new_token()
    person = Person(
        worker_id=worker_id, display_name=display_name, status="invited", timezone=timezone,
        checkin_day=default_day, checkin_time=default_time, created_at=now,
    )
    session.add(person)
    await session.flush()
    session.add(Invite(person_id=person.id, token_hash=hash_token(token), created_at=now,
                       expires_at=now + timedelta(days=ttl_days)))
    session.add(AuditEvent(at=now, actor=f"worker:{worker_id}", action="invite_created",
                           worker_id=worker_id, person_id=person.id))
    return person, token


# -- redeeming them -----------------------------------------------------------------------------------------
Outcome = Literal["person", "worker", "already", "unknown", "expired", "used"]


@dataclass(frozen=True)
class Redeemed:
    """What a ``/start <token>`` turned out to be."""

    outcome: Outcome
    person: Person | None = None
    worker: Worker | None = None


async def redeem_in(session: AsyncSession, token: str, user_id: int, chat_id: int, now: datetime) -> Redeemed:
    """Redeem a deep-link token for a Telegram user; nothing changes unless it is valid."""
    if not is_well_formed(token):
        return Redeemed("unknown")
    digest = hash_token(token)
    invite = (await session.execute(
        select(Invite).where(Invite.token_hash == digest).with_for_update()
    )).scalar_one_or_none()
    if invite is not None:
        return await _redeem_invite(session, invite, user_id, chat_id, now)
    worker = (await session.execute(
        select(Worker).where(Worker.link_token_hash == digest).with_for_update()
    )).scalar_one_or_none()
    if worker is not None:
        return await _redeem_worker_link(session, worker, user_id, now)
    return Redeemed("unknown")


async def _redeem_invite(
    session: AsyncSession, invite: Invite, user_id: int, chat_id: int, now: datetime
) -> Redeemed:
    if invite.used_at is not None:
        return Redeemed("used")
    if invite.expires_at <= now:
        return Redeemed("expired")
    existing = await person_for_user(session, user_id)
    if existing is not None:
        return Redeemed("already", person=existing)
    person = await session.get(Person, invite.person_id)
    if person is None:
        return Redeemed("unknown")
    invite.used_at = now
    person.telegram_user_id = user_id
    person.chat_id = chat_id
    person.onboarding = joining_rules.STEPS[0]
    session.add(AuditEvent(at=now, actor=f"person:{person.id}", action="invite_redeemed",
                           worker_id=person.worker_id, person_id=person.id))
    return Redeemed("person", person=person)


async def _redeem_worker_link(session: AsyncSession, worker: Worker, user_id: int, now: datetime) -> Redeemed:
    if worker.telegram_user_id is not None:
        return Redeemed("used")
    if worker.link_expires_at is None or worker.link_expires_at <= now:
        return Redeemed("expired")
    clash = (await session.execute(select(Worker).where(Worker.telegram_user_id == user_id))).scalar_one_or_none()
    if clash is not None:
        return Redeemed("used")
    worker.telegram_user_id = user_id
    session.add(AuditEvent(at=now, actor=f"worker:{worker.id}", action="telegram_linked", worker_id=worker.id))
    return Redeemed("worker", worker=worker)


# -- who is this Telegram user? -----------------------------------------------------------------------------
async def person_for_user(session: AsyncSession, user_id: int) -> Person | None:
    """The enrolled person behind a Telegram user id, if any."""
    result = await session.execute(select(Person).where(Person.telegram_user_id == user_id))
    return result.scalar_one_or_none()


async def worker_for_user(session: AsyncSession, user_id: int) -> Worker | None:
    """The active worker behind a Telegram user id, if any."""
    result = await session.execute(
        select(Worker).where(Worker.telegram_user_id == user_id, Worker.active.is_(True))
    )
    return result.scalar_one_or_none()


# -- the same operations in a transaction of their own (CLI, tests) -----------------------------------------
async def add_worker(
    db: Database, name: str, email: str | None, supervisor: bool, now: datetime, ttl_days: int
) -> tuple[Worker, str]:
    """``add_worker_in``, committed."""
    async with db.session() as session:
        return await add_worker_in(session, name, email, supervisor, now, ttl_days)


async def create_invite(
    db: Database, worker_id: int, display_name: str, now: datetime, ttl_days: int, timezone: str,
    default_day: int, default_time: str,
) -> tuple[Person, str]:
    """``create_invite_in``, committed."""
    async with db.session() as session:
        return await create_invite_in(session, worker_id, display_name, now, ttl_days, timezone,
                                      default_day, default_time)


async def redeem(db: Database, token: str, user_id: int, chat_id: int, now: datetime) -> Redeemed:
    """``redeem_in``, committed."""
    async with db.session() as session:
        return await redeem_in(session, token, user_id, chat_id, now)
