"""Escalations: one open item per person and kind, enforced by the database; raising under concurrency;
closing; and the migration that merges duplicate open rows left from before the rule was enforced."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.migrate import alembic_config
from bot.store.models import Escalation, Person, Worker
from bot.testing import Harness, reset_postgres
from bot.usecases.escalations import close_escalations, raise_escalation
from bot.usecases.work import Work, perform
from tests.conftest import BACKENDS, POSTGRES_URL

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _person(h: Harness) -> int:
    assert h.services is not None
    async with h.services.db.session() as session:
        worker = Worker(name="Sam", created_at=AT)
        session.add(worker)
        await session.flush()
        person = Person(worker_id=worker.id, display_name="Alex", status="active", created_at=AT)
        session.add(person)
        await session.flush()
        return person.id


async def _escalations(h: Harness) -> list[Escalation]:
    assert h.services is not None
    async with h.services.db.session() as session:
        return list((await session.execute(select(Escalation).order_by(Escalation.id))).scalars())


@pytest.mark.parametrize("raisers", [2, 5])
async def test_raising_at_once_leaves_one_open_row_with_every_piece_of_evidence(harness: Harness,
                                                                                raisers: int) -> None:
    h = harness
    assert h.services is not None
    person_id = await _person(h)
    # On PostgreSQL every transaction has looked for the open row (and found none) before any inserts; on
    # SQLite transactions take the write lock when they begin, so they cannot overlap at all.
    all_in = asyncio.Barrier(raisers) if h.services.db.is_postgres else None

    async def raise_one(work: Work, n: int) -> None:
        person = await work.session.get(Person, person_id)
        assert person is not None
        if all_in is not None:
            await all_in.wait()
        await raise_escalation(work.session, person, "low_score", {"n": n}, work.now)
        await asyncio.sleep(0.2)  # still uncommitted: the others' inserts must wait for this one

    await asyncio.wait_for(asyncio.gather(*(perform(h.services, raise_one, n) for n in range(raisers))), 30)
    [escalation] = await _escalations(h)
    assert (escalation.kind, escalation.status) == ("low_score", "open")
    assert sorted(item["n"] for item in escalation.evidence["items"]) == list(range(raisers))


async def test_the_database_refuses_a_second_open_row(harness: Harness) -> None:
    h = harness
    assert h.services is not None
    person_id = await _person(h)

    def row(status: str) -> Escalation:
        return Escalation(person_id=person_id, worker_id=1, kind="stopped", status=status, opened_at=AT,
                          evidence={"items": []})

    async with h.services.db.session() as session:
        session.add_all([row("closed"), row("closed"), row("open")])  # closed ones are history: any number
    with pytest.raises(IntegrityError):
        async with h.services.db.session() as session:
            session.add(row("open"))


async def test_closing_records_when_and_why_and_the_next_raise_opens_a_new_item(harness: Harness) -> None:
    h = harness
    assert h.services is not None
    person_id = await _person(h)

    async def raise_both(work: Work) -> None:
        person = await work.session.get(Person, person_id)
        assert person is not None
        for kind in ("disengaged", "low_score"):
            await raise_escalation(work.session, person, kind, {"rule": "test"}, work.now)

    async def close(work: Work) -> list[Escalation]:
        person = await work.session.get(Person, person_id)
        assert person is not None
        return await close_escalations(work.session, person, ["disengaged"], work.now, "answered check-in 7")

    await perform(h.services, raise_both)
    assert len(await perform(h.services, close)) == 1
    assert await perform(h.services, close) == [], "nothing open is left to close"
    disengaged, low_score = await _escalations(h)
    assert (disengaged.status, low_score.status) == ("closed", "open")
    assert disengaged.evidence["closed"] == {"at": h.clock.now().isoformat(), "reason": "answered check-in 7"}
    assert len(disengaged.evidence["items"]) == 1
    await perform(h.services, raise_both)
    rows = await _escalations(h)
    assert [(e.kind, e.status, len(e.evidence["items"])) for e in rows] == [
        ("disengaged", "closed", 1), ("low_score", "open", 2), ("disengaged", "open", 1)]


# -- the migration ---------------------------------------------------------------------------------

def _table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(column, kind) for column, kind in columns))


WORKERS = _table("workers", ("id", sa.Integer()), ("name", sa.String()), ("is_supervisor", sa.Boolean()),
                 ("active", sa.Boolean()), ("created_at", sa.DateTime()))
PEOPLE = _table("people", ("id", sa.Integer()), ("worker_id", sa.Integer()), ("display_name", sa.String()),
                ("status", sa.String()), ("locale", sa.String()), ("timezone", sa.String()),
                ("checkin_day", sa.Integer()), ("checkin_time", sa.String()), ("frequency", sa.String()),
                ("created_at", sa.DateTime()))
ESCALATIONS = _table("escalations", ("id", sa.Integer()), ("person_id", sa.Integer()), ("worker_id", sa.Integer()),
                     ("kind", sa.String()), ("status", sa.String()), ("opened_at", sa.DateTime()),
                     ("evidence", sa.JSON()))


def _item(day: int, note: str) -> dict[str, str]:
    return {"at": (AT + timedelta(days=day)).isoformat(), "note": note}


def _old_rows(connection: sa.Connection) -> None:
    """Rows as a database at revision 0003 could hold them: three open ``disengaged`` for one person."""
    naive = AT.replace(tzinfo=None)
    connection.execute(sa.insert(WORKERS).values(id=1, name="Sam", is_supervisor=False, active=True,
                                                 created_at=naive))
    connection.execute(sa.insert(PEOPLE).values([
        {"id": person, "worker_id": 1, "display_name": name, "status": "active", "locale": "en",
         "timezone": "Europe/London", "checkin_day": 0, "checkin_time": "10:00", "frequency": "weekly",
         "created_at": naive} for person, name in ((1, "Alex"), (2, "Bea"))]))

    def row(id_: int, person: int, kind: str, status: str, day: int, *items: dict[str, str]) -> dict[str, Any]:
        return {"id": id_, "person_id": person, "worker_id": 1, "kind": kind, "status": status,
                "opened_at": naive + timedelta(days=day), "evidence": {"items": list(items)}}

    connection.execute(sa.insert(ESCALATIONS).values([
        row(1, 1, "disengaged", "closed", 0, _item(0, "long ago")),
        row(2, 1, "disengaged", "open", 5, _item(5, "second"), _item(9, "fourth")),
        row(3, 1, "disengaged", "open", 2, _item(2, "first")),  # the oldest open one, though not the first id
        row(4, 1, "disengaged", "open", 7, _item(7, "third")),
        row(5, 1, "low_score", "open", 3, _item(3, "another kind")),
        row(6, 2, "disengaged", "open", 4, _item(4, "another person")),
    ]))


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_migration_merges_duplicate_open_rows_into_the_oldest(backend: str, tmp_path: Path) -> None:
    if backend == "postgres":
        assert POSTGRES_URL is not None
        await reset_postgres(POSTGRES_URL)
        db = Database.from_url(POSTGRES_URL)
    else:
        db = Database.from_url(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0003"))
            await connection.run_sync(_old_rows)
        async with db.engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))
        async with db.session() as session:
            rows = {e.id: e for e in (await session.execute(select(Escalation))).scalars()}
        assert {i: e.status for i, e in rows.items()} == {1: "closed", 2: "closed", 3: "open", 4: "closed",
                                                        5: "open", 6: "open"}
        assert [item["note"] for item in rows[3].evidence["items"]] == ["first", "second", "third", "fourth"]
        for merged in (2, 4):
            assert rows[merged].evidence["closed"]["reason"] == "duplicate: merged into escalation 3"
        assert rows[1].evidence == {"items": [_item(0, "long ago")]}, "closed rows are left alone"
        assert len(rows[5].evidence["items"]) == len(rows[6].evidence["items"]) == 1
        with pytest.raises(IntegrityError):
            async with db.session() as session:
                session.add(Escalation(person_id=1, worker_id=1, kind="disengaged", status="open", opened_at=AT,
                                       evidence={}))
    finally:
        await db.dispose()
