"""A migrated database on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.testing import reset_postgres


@pytest.fixture
async def db(database_url: str | None, tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh database at the newest migration: a SQLite file, or the emptied PostgreSQL test database."""
    if database_url is None:
        database_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    else:
        await reset_postgres(database_url)
    database = Database.from_url(database_url)
    await upgrade(database)
    yield database
    await database.dispose()
