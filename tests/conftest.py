"""Shared fixtures: the database backends every store test runs on, and a running bot harness."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.testing import Harness

POSTGRES_URL = os.environ.get("CHECKIN_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str | None:
    """A database URL per backend: a fresh SQLite file, or the PostgreSQL test database (reset per test)."""
    return POSTGRES_URL if request.param == "postgres" else None


@pytest.fixture
async def harness(database_url: str | None) -> AsyncIterator[Harness]:
    """A running bot against the sandbox with a simulated clock, on each database backend."""
    async with Harness(database_url) as h:
        yield h
