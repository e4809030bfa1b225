"""``checkin-bot discharge`` and ``checkin-bot session`` against a temporary SQLite config, with no network."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import Appointment, AuditEvent, CheckIn, Person
from bot.usecases import enrolment


@pytest.fixture
def config(tmp_path: Path) -> tuple[Path, str]:
    """A config file (no bot token: these commands must not need Telegram) and its database URL."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    path = tmp_path / "config.toml"
    path.write_text(f'[service]\nname = "Riverside Link Service"\n\n[database]\nurl = "{url}"\n', encoding="utf-8")
    return path, url


async def _enrolled_person(url: str, status: str = "active") -> int:
    db = Database.from_url(url)
    await upgrade(db)
    now = datetime.now(UTC)
    worker, _ = await enrolment.add_worker(db, "Sam Jones", None, False, now, 7)
    person, _ = await enrolment.create_invite(db, worker.id, "Alex Smith", now, 14, "Europe/London", 0, "10:00")
    async with db.session() as session:
        row = await session.get(Person, person.id)
        assert row is not None
        row.status, row.joined_at = status, now
    await db.dispose()
    return person.id


async def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    db = Database.from_url(url)
    async with db.session() as session:
        rows = list((await session.execute(select(model))).scalars())
    await db.dispose()
    return rows


def test_discharge_ends_support_and_plans_follow_up(config: tuple[Path, str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path, url = config
    person_id = asyncio.run(_enrolled_person(url))
    assert main(["discharge", "--person", str(person_id), "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"support ended for person {person_id} (Alex Smith)" in out
    assert "follow-up check-ins at 2 weeks, 1, 3 and 6 months" in out

    [person] = asyncio.run(_rows(url, Person))
    assert person.status == "followup" and person.support_ended_at is not None
    checkins = asyncio.run(_rows(url, CheckIn))
    assert [(c.flow_id, c.status) for c in checkins] == [("end_of_support", "scheduled")]
    assert ("cli", "discharged") in [(e.actor, e.action) for e in asyncio.run(_rows(url, AuditEvent))]

    assert main(["discharge", "--person", str(person_id), "--config", str(path)]) == 1
    assert "support cannot be ended" in capsys.readouterr().err


def test_discharge_unknown_person(config: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, url = config
    asyncio.run(_enrolled_person(url))
    assert main(["discharge", "--person", "999", "--config", str(path)]) == 1
    assert "no person with id 999" in capsys.readouterr().err


def test_session_is_booked_with_a_reminder(config: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, url = config
    person_id = asyncio.run(_enrolled_person(url))
    day = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=10)).date()
    argv = ["session", "--person", str(person_id), "--at", f"{day.isoformat()} 14:00", "--place", "the library",
            "--config", str(path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    written = f"{day:%A} {day.day} {day:%B %Y} at 14:00 (Europe/London), at the library"
    assert f"session booked for person {person_id} (Alex Smith): {written}" in out
    assert f"reminder: {(day - timedelta(days=1)):%A}" in out and "at 10:00" in out
    [booked] = asyncio.run(_rows(url, Appointment))
    local = booked.at.astimezone(ZoneInfo("Europe/London"))
    assert (local.date(), local.hour, booked.place, booked.status) == (day, 14, "the library", "booked")


@pytest.mark.parametrize(("when", "problem"), [
    ("soon", "not a date and time"),
    ("2020-03-12 14:00", "already passed"),
])
def test_session_times_that_cannot_be_used(config: tuple[Path, str], capsys: pytest.CaptureFixture[str],
                                           when: str, problem: str) -> None:
    path, url = config
    person_id = asyncio.run(_enrolled_person(url))
    assert main(["session", "--person", str(person_id), "--at", when, "--config", str(path)]) == 1
    assert problem in capsys.readouterr().err
    assert asyncio.run(_rows(url, Appointment)) == []


def test_session_unknown_person(config: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, url = config
    asyncio.run(_enrolled_person(url))
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    assert main(["session", "--person", "42", "--at", f"{day} 10:00", "--config", str(path)]) == 1
    assert "no person with id 42" in capsys.readouterr().err
