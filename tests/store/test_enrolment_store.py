"""Workers, invites and redeeming them, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import Invite, Person
from bot.usecases import enrolment

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _invite(db: Database) -> tuple[int, str]:
    worker, _ = await enrolment.add_worker(db, "Sam", None, False, NOW, 7)
    person, token = await enrolment.create_invite(db, worker.id, "Alex", NOW, 14, "Europe/London", 0, "10:00")
    return person.id, token


async def test_migrations_are_idempotent(db: Database) -> None:
    await upgrade(db)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_invite_token_is_stored_only_as_a_hash(db: Database) -> None:
    _, token = await _invite(db)
    async with db.session() as session:
        stored = (await session.execute(select(Invite.token_hash))).scalars().all()
    assert len(stored) == 1 and stored[0] != token and token not in stored[0]


async def test_redeem_once_then_used(db: Database) -> None:
    person_id, token = await _invite(db)
    first = await enrolment.redeem(db, token, 701, 701, NOW + timedelta(minutes=5))
    assert first.outcome == "person" and first.person is not None and first.person.id == person_id
    second = await enrolment.redeem(db, token, 702, 702, NOW + timedelta(minutes=6))
    assert second.outcome == "used"
    async with db.session() as session:
        person = await session.get(Person, person_id)
        assert person is not None and person.telegram_user_id == 701


async def test_expired_unknown_and_malformed_create_nothing(db: Database) -> None:
    person_id, token = await _invite(db)
    assert (await enrolment.redeem(db, token, 701, 701, NOW + timedelta(days=15))).outcome == "expired"
    assert (await enrolment.redeem(db, enrolment.new_token(), 701, 701, NOW)).outcome == "unknown"
    assert (await enrolment.redeem(db, "../../etc/passwd", 701, 701, NOW)).outcome == "unknown"
    async with db.session() as session:
        person = await session.get(Person, person_id)
        assert person is not None and person.telegram_user_id is None
        invite = (await session.execute(select(Invite))).scalar_one()
        assert invite.used_at is None


async def test_worker_link_binds_once(db: Database) -> None:
    worker, token = await enrolment.add_worker(db, "Sam", "sam@example.org", True, NOW, 7)
    assert (await enrolment.redeem(db, token, 501, 501, NOW)).outcome == "worker"
    assert (await enrolment.redeem(db, token, 502, 502, NOW)).outcome == "used"
    async with db.session() as session:
        bound = await enrolment.worker_for_user(session, 501)
        assert bound is not None and bound.id == worker.id and bound.is_supervisor


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(Invite(person_id=999, token_hash="x" * 64, created_at=NOW, expires_at=NOW))


async def test_sqlite_runs_in_wal_mode(db: Database) -> None:
    if db.is_postgres:
        pytest.skip("WAL is a SQLite setting")
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
